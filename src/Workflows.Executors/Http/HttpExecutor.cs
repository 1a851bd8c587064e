using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Workflows.Definitions;
using Workflows.Executors.Logs;

namespace Workflows.Executors.Http;

/// <summary>
/// HTTP_GET, HTTP_POST_FORM, HTTP_POST_JSON, HTTP_PUT_FORM, HTTP_PUT_JSON and HTTP_DELETE. The URL is <c>url</c>, else the
/// first script line (as in the seeds); <c>query</c> and <c>headers</c> apply; form and JSON bodies hold the task's
/// variables. A 2xx response exits 0, any other status exits with the status (so <c>404: EXECUTING</c> polls until the
/// resource exists); a transport failure exits <see cref="ExecutorErrors.HttpTransportExitCode"/> with
/// <see cref="ExecutorErrors.HttpTransport"/>. The response body goes to the log (bounded) and, when the task lists an
/// artifact path, is saved under that name.
/// </summary>
/// <param name="clients">Creates the HTTP clients.</param>
/// <param name="options">Client name and body limits.</param>
public sealed class HttpExecutor(IHttpClientFactory clients, HttpExecutorOptions options) : ITaskExecutor
{
    /// <inheritdoc />
    public IReadOnlyCollection<TaskMethod> Methods { get; } =
        [TaskMethod.HttpGet, TaskMethod.HttpPostForm, TaskMethod.HttpPostJson, TaskMethod.HttpPutForm, TaskMethod.HttpPutJson, TaskMethod.HttpDelete];

    /// <inheritdoc />
    public async Task<TaskOutcome> RunAsync(TaskExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        var task = execution.Task;
        var text = execution.Rendered.Url ?? execution.Rendered.Script.FirstOrDefault(l => !string.IsNullOrWhiteSpace(l));
        if (text is null || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return TaskOutcome.Error(ExecutorErrors.HttpBadUrl, text is null
                ? $"Task '{task.TaskType}' ({task.Method?.ToYaml()}) has no URL: write it as 'url:' or as the first script line."
                : $"Task '{task.TaskType}' ({task.Method?.ToYaml()}) has URL '{text.Trim()}', which is not an absolute http(s) URL. Write e.g. https://host/path.");
        }

        url = Redirect(url, execution.Log);
        if (options.Destinations?.RefusalOf(url.Host) is { } refusal)
        {
            return NotAllowed(execution, url, refusal);
        }

        using var request = new HttpRequestMessage(Verb(task.Method!.Value), WithQuery(url, execution.Rendered.Query)) { Content = Body(task.Method!.Value, execution.PublicVariables()) };
        foreach (var (name, value) in execution.Rendered.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value) && request.Content is not null)
            {
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        var client = clients.CreateClient(options.ClientName);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is HttpDestinationRefusedException refused)
        {
            return NotAllowed(execution, request.RequestUri!, refused.Message);
        }
        catch (HttpRequestException e)
        {
            execution.Log.Write(LogSource.System, $"{request.Method} {request.RequestUri} failed: {e.Message}");
            return TaskOutcome.Error(ExecutorErrors.HttpTransport,
                $"Task '{task.TaskType}': {request.Method} {request.RequestUri} got no response ({e.Message}). Check the host is reachable; exit code {ExecutorErrors.HttpTransportExitCode} can be mapped in on_exit_code.",
                ExecutorErrors.HttpTransportExitCode);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            execution.Log.Write(LogSource.System, $"{request.Method} {request.RequestUri} -> {status} {response.ReasonPhrase}");
            var body = await ReadBoundedAsync(response.Content, options.MaxArtifactBodyBytes, cancellationToken).ConfigureAwait(false);
            LogBody(execution.Log, body);
            if (task.Artifacts is { Paths.Count: > 0 } artifacts && Artifacts.ArtifactFiles.ShouldCollect(artifacts, status is >= 200 and < 300 ? 0 : status))
            {
                using var content = new MemoryStream(body, writable: false);
                var saved = await execution.Artifacts.SaveAsync(execution.JobId, task.TaskType, execution.Attempt, artifacts.Paths[0], content, artifacts.ExpiresAfter, cancellationToken).ConfigureAwait(false);
                execution.Log.Write(LogSource.System, $"artifact '{saved.Name}' saved ({saved.Size} bytes)");
            }

            return TaskOutcome.Exited(status is >= 200 and < 300 ? 0 : status);
        }
    }

    private static TaskOutcome NotAllowed(TaskExecution execution, Uri url, string refusal)
    {
        var message = $"Task '{execution.Task.TaskType}': {url.GetLeftPart(UriPartial.Authority)} may not be called: {refusal}";
        execution.Log.Write(LogSource.System, message);
        return TaskOutcome.Error(ExecutorErrors.HttpNotAllowed, message);
    }

    private Uri Redirect(Uri url, ITaskLog log)
    {
        var text = url.ToString();
        foreach (var (prefix, target) in options.Redirects)
        {
            if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                var redirected = new Uri(target.TrimEnd('/') + text[prefix.TrimEnd('/').Length..]);
                log.Write(LogSource.System, $"{url} redirected to {redirected} (Redirects option)");
                return redirected;
            }
        }

        return url;
    }

    private void LogBody(ITaskLog log, byte[] body)
    {
        var shown = Math.Min(body.Length, options.MaxLoggedBodyBytes);
        foreach (var line in Encoding.UTF8.GetString(body, 0, shown).Split('\n'))
        {
            log.Write(LogSource.Stdout, line.TrimEnd('\r'));
        }

        if (body.Length > shown)
        {
            log.Write(LogSource.System, $"response body truncated in the log: {body.Length - shown} more bytes");
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, long max, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while (buffer.Length < max && (read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, max - buffer.Length)), cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static HttpMethod Verb(TaskMethod method) => method switch
    {
        TaskMethod.HttpGet => HttpMethod.Get,
        TaskMethod.HttpPostForm or TaskMethod.HttpPostJson => HttpMethod.Post,
        TaskMethod.HttpPutForm or TaskMethod.HttpPutJson => HttpMethod.Put,
        TaskMethod.HttpDelete => HttpMethod.Delete,
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Not an HTTP method."),
    };

    /// <summary>formicary's bodies: a form or a JSON object of every variable (as strings); DELETE sends JSON too.</summary>
    private static HttpContent? Body(TaskMethod method, IReadOnlyDictionary<string, string> variables) => method switch
    {
        TaskMethod.HttpPostForm or TaskMethod.HttpPutForm => new FormUrlEncodedContent(variables.OrderBy(v => v.Key, StringComparer.Ordinal)),
        TaskMethod.HttpPostJson or TaskMethod.HttpPutJson or TaskMethod.HttpDelete => new StringContent(
            JsonSerializer.Serialize(new SortedDictionary<string, string>(variables.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal), StringComparer.Ordinal)),
            Encoding.UTF8,
            new MediaTypeHeaderValue("application/json")),
        _ => null,
    };

    private static Uri WithQuery(Uri url, IReadOnlyList<KeyValuePair<string, string>> query)
    {
        if (query.Count == 0)
        {
            return url;
        }

        var extra = string.Join('&', query.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        var builder = new UriBuilder(url) { Query = string.IsNullOrEmpty(url.Query) ? extra : url.Query.TrimStart('?') + "&" + extra };
        return builder.Uri;
    }
}
