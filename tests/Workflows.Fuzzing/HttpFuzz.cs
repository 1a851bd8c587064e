using System.Net;
using System.Text;
using System.Text.Json;
using CsCheck;

namespace Workflows.Fuzzing;

/// <summary>One request of the HTTP target.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path and query, relative to the host's address.</param>
/// <param name="ContentType">The body's content type, or null.</param>
/// <param name="Body">The body, or null.</param>
/// <param name="Caller">0: the admin token; 1: a read-only token; 2: no Authorization.</param>
public sealed record FuzzRequest(string Method, string Path, string? ContentType, string? Body, int Caller)
{
    /// <summary>The request as text (to keep a crash as a test).</summary>
    public override string ToString() => $"{Method} /{Path} [{ContentType}] caller {Caller}: {Body}";
}

/// <summary>
/// The HTTP API of a served host: requests to its routes (and near them) with hostile path segments, query strings
/// (known parameters with wrong, huge, negative, empty values; unknown ones), content types and bodies (job requests with
/// wrong types and sizes, mutated JSON, fuzzed YAML definitions, garbage). Property: never a 5xx; every 4xx is JSON with
/// the API's error shape <c>{"error": "…", "code": "…"}</c>. Run against a host with no workers
/// (<c>Workflows:WorkerCount=0</c>): submitted jobs are stored, never run.
/// </summary>
public static class HttpFuzz
{
    private static readonly string[] Routes =
    [
        "api/jobs/requests", "api/jobs/requests/{id}", "api/jobs/requests/{id}/cancel", "api/jobs/requests/{id}/pause",
        "api/jobs/requests/{id}/resume", "api/jobs/requests/{id}/retry", "api/jobs/requests/retry", "api/jobs/requests/{id}/retries/{id}/retry",
        "api/jobs/requests/{id}/events", "api/jobs/requests/{id}/logs", "api/jobs/requests/{id}/notifications", "api/jobs/requests/{id}/artifacts",
        "api/jobs/requests/{id}/artifacts/{name}/{n}/{name}", "api/jobs/requests/{id}/lineage", "api/jobs/requests/{id}/tasks/{name}/vote",
        "api/jobs/requests/{id}/tasks/{name}/approval", "api/jobs/requests/{type}/trigger", "api/jobs/definitions", "api/jobs/definitions/{type}",
        "api/jobs/definitions/{type}/versions/{n}", "api/jobs/definitions/{type}/configs", "api/jobs/definitions/{type}/configs/{name}",
        "api/jobs/definitions/{type}/disable", "api/jobs/definitions/{type}/enable", "api/jobs/definitions/{type}/pause",
        "api/jobs/definitions/{type}/resume", "api/tokens", "api/tokens/{name}", "api/approvals/pending", "api/jobs/lineages", "api/schedules",
        "api/schedules/{type}", "api/jobs", "api/jobs/{id}", "api/jobs/{id}/retry", "api/jobs/{id}/retries/retry", "jobs/requests", "jobs/requests/{id}",
        "api/triggers/{type}/{name}", "api/{name}", "api/jobs/requests/{id}/{name}", "api",
    ];

    private static readonly string[] Segments =
    [
        "x", "1", "0", "-1", "fuzz-type", "..", "%2e%2e", "%2F", "%00", "%ZZ", "%", "a%20b", "é", "%F0%9F%98%80", "%C0%AF", "~", "'", "\"", "<script>",
        "9999999999999999999999", "2147483648", "00000000-0000-0000-0000-000000000000", "01aaaaaaaaaaaaaaaaaaaaaaaa", "{id}", "*", ";", "%3B",
        new string('a', 300), new string('9', 2000),
    ];

    private static readonly string[] QueryNames =
    [
        "limit", "offset", "status", "job_type", "type", "task", "version", "return", "q", "page", "after", "before", "from", "to", "tag", "queue",
        "include", "format", "attempt", "since", "env", "x", "",
    ];

    private static readonly string[] QueryValues =
    [
        "", "0", "1", "-1", "500", "501", "2147483648", "-9223372036854775809", "1e9", "abc", "COMPLETED", "completed,failed", "nope", "%", "%00",
        "%ZZ", "a&b", "=", "%3D", "true", "2026-12-07T00:00:00Z", "not-a-date", new string('z', 3000), "[]", "{}", "null",
    ];

    private static readonly string[] Methods = ["GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json", "application/yaml", "text/yaml", "text/plain", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/octet-stream", "", "garbage/",
    ];

    private static readonly string[] JsonValues =
    [
        "null", "true", "0", "-1", "1e400", "9223372036854775808", "\"\"", "\"x\"", "\"fuzz-type\"", "[]", "{}", "[1, \"a\", null]",
        "{\"a\": {\"b\": {\"c\": []}}}", "\"\\u0000\"", "\"\\ud800\"", "\"" + new string('p', 70_000) + "\"", "\"2026-12-07T00:00:00Z\"",
        "\"PT5M\"", "\"01:00:00\"", "\"-00:01:00\"", "\"completed\"",
    ];

    private static readonly string[] JsonNames =
    [
        "job_type", "params", "description", "queue", "lock_key", "priority", "scheduled_at", "cron_trigger", "job_priority", "as_admin", "ids",
        "name", "scopes", "value", "secret", "vote", "approve", "reason", "comment", "delay", "job_version", "user_key", "ignore", "__proto__",
    ];

    /// <summary>The requests.</summary>
    public static Gen<FuzzRequest> Inputs { get; } =
        Gen.Select(Gen.OneOf(Methods), Path(), Gen.OneOf(ContentTypes), Body(), Gen.Int[0, 2])
            .Select(r => new FuzzRequest(r.Item1, r.Item2, r.Item4 is null ? null : r.Item3, r.Item4, r.Item5));

    /// <summary>Sends the request; throws when the answer breaks the property.</summary>
    /// <param name="client">A client of the host (no default Authorization).</param>
    /// <param name="tokens">The admin token and a read-only token.</param>
    /// <param name="request">The request.</param>
    public static async Task CheckAsync(HttpClient client, (string Admin, string Reader) tokens, FuzzRequest request)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(request);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path);
        if (request.Caller < 2)
        {
            message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + (request.Caller == 0 ? tokens.Admin : tokens.Reader));
        }

        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(request.Body));
            if (!string.IsNullOrEmpty(request.ContentType))
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }
        }

        using var response = await client.SendAsync(message).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (status >= 500)
        {
            throw new FuzzPropertyException($"{status}: {Cut(body)}");
        }

        // Kestrel itself refuses a path with an encoded NUL (400) and a request line over its 8 KiB limit (414) before any
        // middleware runs, without a body (docs/fuzzing-and-load.md).
        var refusedByKestrel = body.Length == 0
            && ((status == 400 && request.Path.Split('?')[0].Contains("%00", StringComparison.Ordinal)) || status == 414);
        if (status >= 400 && request.Method != "HEAD" && !refusedByKestrel && IsApiPath(response.RequestMessage?.RequestUri) && !IsErrorShape(body))
        {
            throw new FuzzPropertyException($"{status} without the error shape: {Cut(body)}");
        }
    }

    /// <summary>
    /// Whether the path the server resolves is the API's (<c>/api…</c>, <c>/jobs/requests…</c>): dot segments, encoded or
    /// not, are resolved first (<c>/jobs/requests/%2e%2e</c> is the dashboard's <c>/jobs/</c>, whose answers are pages).
    /// </summary>
    /// <param name="uri">The URI sent.</param>
    public static bool IsApiPath(Uri? uri)
    {
        if (uri is null)
        {
            return true;
        }

        var decoded = Uri.UnescapeDataString(uri.AbsolutePath).Replace("\0", string.Empty, StringComparison.Ordinal);
        string path;
        try
        {
            path = new Uri(new Uri("http://host"), decoded.Replace("?", "%3F", StringComparison.Ordinal).Replace("#", "%23", StringComparison.Ordinal)).AbsolutePath;
        }
        catch (UriFormatException)
        {
            return true;
        }

        return path == "/api" || path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/jobs/requests", StringComparison.Ordinal);
    }

    /// <summary>A JSON object with a non-empty string <c>error</c> and <c>code</c>.</summary>
    /// <param name="body">The body.</param>
    public static bool IsErrorShape(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String && error.GetString()!.Length > 0
                && json.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String && code.GetString()!.Length > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Cut(string text) => text.Length > 500 ? text[..500] + "…" : text;

    private static Gen<string> Path()
    {
        var query = Gen.Select(Gen.OneOf(QueryNames), Gen.OneOf(QueryValues)).Array[0, 4]
            .Select(pairs => pairs.Length == 0 ? string.Empty : "?" + string.Join('&', pairs.Select(p => p.Item1 + "=" + p.Item2)));
        return Gen.Select(Gen.OneOf(Routes), Gen.OneOf(Segments).Array[4], query).Select(p =>
        {
            var path = p.Item1.Replace("{id}", p.Item2[0], StringComparison.Ordinal).Replace("{type}", p.Item2[1], StringComparison.Ordinal);
            path = path.Replace("{name}", p.Item2[2], StringComparison.Ordinal).Replace("{n}", p.Item2[3], StringComparison.Ordinal);
            return path + p.Item3;
        });
    }

    private static Gen<string?> Body()
    {
        var member = Gen.Select(Gen.OneOf(JsonNames), Gen.OneOf(JsonValues)).Select(m => $"\"{m.Item1}\": {m.Item2}");
        var paramsObject = Gen.Select(Gen.String[Gen.Char["aZ_09-. $"], 0, 8], Gen.OneOf(JsonValues)).Array[0, 5]
            .Select(ps => "{" + string.Join(", ", ps.Select(p => JsonSerializer.Serialize(p.Item1) + ": " + p.Item2)) + "}");
        var jobRequest = Gen.Select(member.Array[0, 5], paramsObject, Gen.Bool)
            .Select(j => "{" + string.Join(", ", j.Item1.Append(j.Item3 ? "\"params\": " + j.Item2 : "\"job_type\": \"fuzz-type\"")) + "}");
        var mutatedJson = Gen.Select(jobRequest, Gen.Int[0, int.MaxValue], Gen.OneOf("{", "}", "[", "\"", ",", ":", "\\", "\u0000", "\ufeff", "/*"))
            .Select(m => m.Item1.Insert(m.Item2 % (m.Item1.Length + 1), m.Item3));
        var deep = Gen.Int[1, 2000].Select(n => new string('[', n) + new string(']', n));
        return Gen.Frequency<string?>(
            (2, Gen.Const<string?>((string?)null)),
            (5, jobRequest.Select(s => (string?)s)),
            (2, mutatedJson.Select(s => (string?)s)),
            (3, YamlFuzz.Inputs.Select(s => (string?)s)),
            (1, deep.Select(s => (string?)s)),
            (1, Gen.String[Gen.Char, 0, 64].Select(s => (string?)s)));
    }
}
