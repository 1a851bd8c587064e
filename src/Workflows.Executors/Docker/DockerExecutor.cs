using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using Workflows.Definitions;
using Workflows.Executors.Logs;

namespace Workflows.Executors.Docker;

/// <summary>
/// Runs DOCKER tasks (and KUBERNETES ones when <see cref="DockerExecutorOptions.RunKubernetesAsDocker"/> is set): one
/// container per attempt running the composed script with <c>sh</c>, its output streamed into the attempt's log. The
/// script is copied into the container as <see cref="ScriptPath"/> before it starts, never passed in its command (which
/// <c>ps</c> on the host and <c>docker inspect</c> show). Privileged containers and the host's network are refused
/// unless the host's <see cref="ExecutionPolicy"/> allows them.
/// </summary>
/// <remarks>
/// Per attempt: the image is inspected (and pulled when absent, bounded by <see cref="DockerExecutorOptions.PullTimeout"/>);
/// the container is created with the attempt's environment, labels <c>workflows.job</c>/<c>workflows.task</c>/<c>workflows.attempt</c>
/// and the task's limits; the dependencies' artifacts are copied into its working directory; it is started and waited
/// for (with the task's <c>cache</c> restored after <c>before_script</c>: DockerExecutor.Cache.cs); the task's artifacts
/// are copied out (and its cache saved after exit code 0); and it is always removed. The image's entrypoint is overridden so the
/// script runs in <c>sh</c> whatever the image declares. On cancellation the container is killed at once and
/// <see cref="OperationCanceledException"/> is rethrown.
/// </remarks>
public sealed partial class DockerExecutor : ITaskExecutor, IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RemoveTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan LogDrainTimeout = TimeSpan.FromSeconds(10);

    private readonly DockerClient _client;
    private readonly Uri _endpoint;
    private readonly TimeSpan _pullTimeout;
    private readonly TimeSpan _serviceReadyTimeout;
    private readonly string _defaultWorkingDirectory;
    private readonly Dictionary<string, string> _fallbacks;
    private readonly ExecutionPolicy _policy;
    private readonly ConcurrentDictionary<string, string> _images = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>Creates an executor with its own client of the engine at <see cref="DockerExecutorOptions.Endpoint"/>.</summary>
    /// <param name="options">The endpoint, pull timeout, image stand-ins and defaults.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message lists every invalid one.</exception>
    public DockerExecutor(DockerExecutorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.Endpoint is null || !options.Endpoint.IsAbsoluteUri)
        {
            errors.Add($"Endpoint must be an absolute URI such as unix:///var/run/docker.sock (was '{options.Endpoint}')");
        }

        if (options.PullTimeout <= TimeSpan.Zero)
        {
            errors.Add($"PullTimeout must be positive (was {options.PullTimeout})");
        }

        if (string.IsNullOrWhiteSpace(options.DefaultWorkingDirectory) || !options.DefaultWorkingDirectory.StartsWith('/'))
        {
            errors.Add($"DefaultWorkingDirectory must be an absolute container path such as /workspace (was '{options.DefaultWorkingDirectory}')");
        }

        if (options.ServiceReadyTimeout <= TimeSpan.Zero)
        {
            errors.Add($"ServiceReadyTimeout must be positive (was {options.ServiceReadyTimeout})");
        }

        if (options.ImageFallbacks is null || options.ImageFallbacks.Any(p => string.IsNullOrWhiteSpace(p.Key) || string.IsNullOrWhiteSpace(p.Value)))
        {
            errors.Add("ImageFallbacks must be a dictionary of non-empty image names");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid DockerExecutorOptions: " + string.Join("; ", errors) + ".", nameof(options));
        }

        _endpoint = options.Endpoint!;
        _pullTimeout = options.PullTimeout;
        _serviceReadyTimeout = options.ServiceReadyTimeout;
        _defaultWorkingDirectory = ContainerArchives.WorkingDirectory(null, options.DefaultWorkingDirectory);
        _fallbacks = new Dictionary<string, string>(options.ImageFallbacks!, StringComparer.Ordinal);
        _policy = options.Policy ?? new ExecutionPolicy();
        Methods = options.RunKubernetesAsDocker ? [TaskMethod.Docker, TaskMethod.Kubernetes] : [TaskMethod.Docker];
        _client = new DockerClientBuilder().WithEndpoint(_endpoint).Build();
    }

    /// <inheritdoc />
    public IReadOnlyCollection<TaskMethod> Methods { get; }

    /// <summary>Where the composed script is placed in each container (and run from with <c>sh</c>).</summary>
    public const string ScriptPath = "/.workflows-script.sh";

    /// <inheritdoc />
    public async Task<TaskOutcome> RunAsync(TaskExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var task = execution.Task;
        var log = execution.Log;
        if (task.EffectiveMethod is not { } method || !Methods.Contains(method))
        {
            return TaskOutcome.Error(ExecutorErrors.MethodNotSupported,
                $"Task '{task.TaskType}' has method {MethodName(task.EffectiveMethod)}, which the Docker executor does not run" +
                (task.EffectiveMethod == TaskMethod.Kubernetes
                    ? ": run it on a worker with a Kubernetes cluster, or set DockerExecutorOptions.RunKubernetesAsDocker for local runs."
                    : ": route it to a worker with an executor for that method."));
        }

        if (string.IsNullOrWhiteSpace(task.Container?.Image))
        {
            return TaskOutcome.Error(ExecutorErrors.ContainerFailed,
                $"Task '{task.TaskType}' has method {MethodName(method)} but no container image, so there is nothing to run: " +
                "add 'container: image: <image>' to the task (e.g. 'container: {image: alpine}').");
        }

        if ((Refusal(task) ?? ServicesRefusal(task)) is { } refused)
        {
            return refused;
        }

        if (method == TaskMethod.Kubernetes)
        {
            log.Write(LogSource.System, "KUBERNETES task run in a local Docker container (RunKubernetesAsDocker)");
        }

        var requested = task.Container!.Image.Trim();
        ImageChoice image;
        try
        {
            image = await ResolveImageAsync(requested, log, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsEngineFailure(e, cancellationToken))
        {
            return EngineError(task, "inspect or pull the image", e);
        }

        if (image.Error is not null)
        {
            return image.Error;
        }

        var workingDirectory = ContainerArchives.WorkingDirectory(task.WorkingDirectory, _defaultWorkingDirectory);
        var name = ContainerName(execution);
        var parameters = CreateParameters(execution, image.Name!, name, workingDirectory);
        var cache = PlanCache(execution);
        using var logsCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task? logs = null;
        string? id = null;
        var created = false;
        ServiceSet? services = null;
        var volumes = new AttemptVolumes(name + "-vol-");
        try
        {
            if (task.Services.Count > 0)
            {
                (services, var failed) = await StartServicesAsync(execution, name, volumes, cancellationToken).ConfigureAwait(false);
                if (failed is not null)
                {
                    return failed;
                }

                parameters.HostConfig!.NetworkMode = services!.SharedMode;
            }

            var mounts = await MountsAsync(execution, volumes, ContainerVolumes(task.Container), $"task '{task.TaskType}'").ConfigureAwait(false);
            if (mounts.Count > 0)
            {
                parameters.HostConfig!.Mounts = mounts;
            }

            // Create and start are not cancelled mid-request: an engine that got the request would create a container
            // this attempt no longer knows about. They are short; cancellation is observed right after each.
            created = true;
            CreateContainerResponse response;
            try
            {
                response = await _client.Containers.CreateContainerAsync(parameters, CancellationToken.None).ConfigureAwait(false);
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound && _images.TryRemove(requested, out _))
            {
                // The cached image was removed from the engine since: find (or pull) it again, once.
                image = await ResolveImageAsync(requested, log, cancellationToken).ConfigureAwait(false);
                if (image.Error is not null)
                {
                    return image.Error;
                }

                parameters.Image = image.Name!;
                response = await _client.Containers.CreateContainerAsync(parameters, CancellationToken.None).ConfigureAwait(false);
            }

            id = response.ID;
            log.Write(LogSource.System, $"container {ShortId(id)} created ({name}), working directory {workingDirectory}");
            cancellationToken.ThrowIfCancellationRequested();

            await CopyScriptAsync(execution, id, cache?.Point, cancellationToken).ConfigureAwait(false);
            if (execution.Inputs.Count > 0 && await CopyInputsAsync(execution, id, workingDirectory, cancellationToken).ConfigureAwait(false) is { } inputFailure)
            {
                return inputFailure;
            }

            // Attached before the start, as `docker run` does: the output comes straight from the container's stdio, so a
            // last line without a newline is not lost (a followed log stream can end before the engine writes it).
            var output = await _client.Containers.AttachContainerAsync(
                id, new ContainerAttachParameters { Stream = true, Stdout = true, Stderr = true }, logsCancellation.Token).ConfigureAwait(false);
            logs = PumpLogsAsync(output, log, cache, logsCancellation.Token);
            await _client.Containers.StartContainerAsync(id, new ContainerStartParameters(), CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();

            var waiting = _client.Containers.WaitContainerAsync(id, cancellationToken);
            if (cache is not null)
            {
                await AwaitCachePointAsync(execution, id, workingDirectory, cache, waiting, logs, cancellationToken).ConfigureAwait(false);
            }

            var exit = await waiting.ConfigureAwait(false);
            await DrainLogsAsync(logs, log, cancellationToken).ConfigureAwait(false);
            var exitCode = (int)Math.Clamp(exit.StatusCode, int.MinValue, int.MaxValue);
            if (!string.IsNullOrEmpty(exit.Error?.Message))
            {
                log.Write(LogSource.System, "engine reported while waiting: " + exit.Error.Message);
            }

            log.Write(LogSource.System, $"container {ShortId(id)} exited with code {exitCode}");
            var outcome = await CollectArtifactsAsync(execution, id, workingDirectory, exitCode, cancellationToken).ConfigureAwait(false)
                ?? TaskOutcome.Exited(exitCode);
            if (cache is not null)
            {
                await SaveCacheAsync(execution, id, workingDirectory, cache, exitCode, cancellationToken).ConfigureAwait(false);
            }

            return outcome;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (created)
            {
                await KillAsync(id ?? name, log).ConfigureAwait(false);
            }

            throw;
        }
        catch (Exception e) when (IsEngineFailure(e, cancellationToken))
        {
            return EngineError(task, id is not null ? "run the container" : task.Services.Count > 0 && services is null ? "start the task's services" : "create the container", e);
        }
        finally
        {
            await logsCancellation.CancelAsync().ConfigureAwait(false);
            if (logs is not null)
            {
                try
                {
                    await logs.ConfigureAwait(false);
                }
                catch (Exception e) when (e is OperationCanceledException || IsEngineFailure(e, CancellationToken.None))
                {
                    // The attempt's outcome is decided; a log stream cut short by it is expected.
                }
            }

            if (created)
            {
                await RemoveAsync(id ?? name, log).ConfigureAwait(false);
            }

            if (services is not null)
            {
                await StopServicesAsync(services, log).ConfigureAwait(false);
            }

            await RemoveVolumesAsync(volumes, log).ConfigureAwait(false);
        }
    }

    /// <summary>Disposes the engine client.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _client.Dispose();
        }
    }

    /// <summary>Disposes the engine client.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A container name Docker accepts: <c>wf-{job}-{task}-{attempt}-{random}</c> with other characters as '-'.</summary>
    /// <param name="execution">The attempt.</param>
    internal static string ContainerName(TaskExecution execution)
    {
        var random = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        return $"wf-{NamePart(execution.JobId)}-{NamePart(execution.Task.TaskType)}-{execution.Attempt.ToString(CultureInfo.InvariantCulture)}-{random}";
    }

    /// <summary>Up to 40 characters of <paramref name="text"/> that a container name may hold, others as '-'.</summary>
    private static string NamePart(string text)
    {
        var part = new StringBuilder(Math.Min(text.Length, 40));
        foreach (var c in text.Take(40))
        {
            part.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '-');
        }

        return part.Length == 0 ? "x" : part.ToString();
    }

    private async Task KillAsync(string container, ITaskLog log)
    {
        using var timeout = new CancellationTokenSource(KillTimeout);
        try
        {
            await _client.Containers.KillContainerAsync(container, new ContainerKillParameters(), timeout.Token).ConfigureAwait(false);
            log.Write(LogSource.System, $"container {ShortId(container)} killed (attempt cancelled)");
        }
        catch (Exception e) when (e is OperationCanceledException || IsEngineFailure(e, CancellationToken.None))
        {
            // Not running (never started, already exited) or the engine is gone: the forced removal below still applies.
        }
    }

    private async Task RemoveAsync(string container, ITaskLog log)
    {
        using var timeout = new CancellationTokenSource(RemoveTimeout);
        try
        {
            await _client.Containers.RemoveContainerAsync(container, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, timeout.Token)
                .ConfigureAwait(false);
            log.Write(LogSource.System, $"container {ShortId(container)} removed");
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // Never created (create failed or was refused).
        }
        catch (Exception e) when (e is OperationCanceledException || IsEngineFailure(e, CancellationToken.None))
        {
            log.Write(LogSource.System, $"container {ShortId(container)} could not be removed: {Describe(e)}; remove it with 'docker rm -f {container}'");
        }
    }

    private TaskOutcome EngineError(TaskDefinition task, string action, Exception e) => TaskOutcome.Error(ExecutorErrors.ContainerFailed,
        $"The Docker engine at {_endpoint} could not {action} for task '{task.TaskType}': {Describe(e)}. " +
        (e is DockerApiException
            ? "Fix the container settings the engine refused (image, network_mode, limits, privileged), or the engine's state."
            : $"Start the engine (dockerd) or point DockerExecutorOptions.Endpoint at a running one; 'docker -H {_endpoint} info' checks it."));

    /// <summary>Failures of the engine or its transport, as opposed to bugs; a timeout of the client (not the caller) counts.</summary>
    private static bool IsEngineFailure(Exception e, CancellationToken cancellationToken) =>
        e is DockerApiException or HttpRequestException or IOException or SocketException or TimeoutException or JsonException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>What went wrong, without a trailing period (messages continue after it).</summary>
    private static string Describe(Exception e) => (e switch
    {
        DockerApiException api => ApiMessage(api),
        OperationCanceledException => "no answer in time",
        _ when e.InnerException is { } inner && inner.Message != e.Message => $"{e.Message.TrimEnd('.')}: {inner.Message}",
        _ => e.Message,
    }).Trim().TrimEnd('.');

    /// <summary>The engine's own message (the JSON body's <c>message</c>), not the exception's wrapper text.</summary>
    private static string ApiMessage(DockerApiException e)
    {
        var body = e.ResponseBody?.Trim();
        if (string.IsNullOrEmpty(body))
        {
            return $"HTTP {(int)e.StatusCode} {e.StatusCode}";
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String)
            {
                return message.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the body itself is the message.
        }

        return body;
    }

    private static string ShortId(string id) => id.Length > 12 && !id.StartsWith("wf-", StringComparison.Ordinal) ? id[..12] : id;

    private static string MethodName(TaskMethod? method) => method?.ToString().ToUpperInvariant() ?? "(none)";

    /// <summary>Keeps the last error a pull reported in its progress stream (synchronously, unlike <see cref="Progress{T}"/>).</summary>
    private sealed class PullProgress : IProgress<JSONMessage>
    {
        public string? Error { get; private set; }

        public void Report(JSONMessage value)
        {
            if (!string.IsNullOrEmpty(value?.Error?.Message))
            {
                Error = value.Error.Message;
            }
        }
    }
}
