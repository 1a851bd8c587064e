using System.Buffers;
using System.Collections.Concurrent;
using System.Formats.Tar;
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
using Workflows.Executors.Scripts;

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
/// for; the task's artifacts are copied out; and it is always removed. The image's entrypoint is overridden so the
/// script runs in <c>sh</c> whatever the image declares. On cancellation the container is killed at once and
/// <see cref="OperationCanceledException"/> is rethrown.
/// </remarks>
public sealed class DockerExecutor : ITaskExecutor, IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RemoveTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan LogDrainTimeout = TimeSpan.FromSeconds(10);

    private readonly DockerClient _client;
    private readonly Uri _endpoint;
    private readonly TimeSpan _pullTimeout;
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

        if (Refusal(task) is { } refused)
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
        using var logsCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task? logs = null;
        string? id = null;
        var created = false;
        try
        {
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

            await CopyScriptAsync(execution, id, cancellationToken).ConfigureAwait(false);
            if (execution.Inputs.Count > 0 && await CopyInputsAsync(execution, id, workingDirectory, cancellationToken).ConfigureAwait(false) is { } inputFailure)
            {
                return inputFailure;
            }

            // Attached before the start, as `docker run` does: the output comes straight from the container's stdio, so a
            // last line without a newline is not lost (a followed log stream can end before the engine writes it).
            var output = await _client.Containers.AttachContainerAsync(
                id, new ContainerAttachParameters { Stream = true, Stdout = true, Stderr = true }, logsCancellation.Token).ConfigureAwait(false);
            logs = PumpLogsAsync(output, log, logsCancellation.Token);
            await _client.Containers.StartContainerAsync(id, new ContainerStartParameters(), CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();

            var exit = await _client.Containers.WaitContainerAsync(id, cancellationToken).ConfigureAwait(false);
            await DrainLogsAsync(logs, log, cancellationToken).ConfigureAwait(false);
            var exitCode = (int)Math.Clamp(exit.StatusCode, int.MinValue, int.MaxValue);
            if (!string.IsNullOrEmpty(exit.Error?.Message))
            {
                log.Write(LogSource.System, "engine reported while waiting: " + exit.Error.Message);
            }

            log.Write(LogSource.System, $"container {ShortId(id)} exited with code {exitCode}");
            return await CollectArtifactsAsync(execution, id, workingDirectory, exitCode, cancellationToken).ConfigureAwait(false)
                ?? TaskOutcome.Exited(exitCode);
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
            return EngineError(task, id is null ? "create the container" : "run the container", e);
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
        static string Part(string text)
        {
            var part = new StringBuilder(Math.Min(text.Length, 40));
            foreach (var c in text.Take(40))
            {
                part.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '-');
            }

            return part.Length == 0 ? "x" : part.ToString();
        }

        var random = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        return $"wf-{Part(execution.JobId)}-{Part(execution.Task.TaskType)}-{execution.Attempt.ToString(CultureInfo.InvariantCulture)}-{random}";
    }

    private static CreateContainerParameters CreateParameters(TaskExecution execution, string image, string name, string workingDirectory)
    {
        var task = execution.Task;
        var container = task.Container!;
        var log = execution.Log;
        var host = new HostConfig { Privileged = task.Privileged };
        if (task.HostNetwork)
        {
            host.NetworkMode = "host";
        }
        else if (!string.IsNullOrWhiteSpace(task.NetworkMode))
        {
            host.NetworkMode = task.NetworkMode.Trim();
        }

        if (container.MemoryLimit is { } memory)
        {
            if (ContainerLimits.TryParseMemory(memory, out var bytes))
            {
                host.Memory = bytes;
            }
            else
            {
                log.Write(LogSource.System, $"memory limit '{memory}' ignored: not a size such as 512Mi, 1Gi or 256m");
            }
        }

        if (container.CpuLimit is { } cpu)
        {
            if (ContainerLimits.TryParseCpu(cpu, out var nanoCpus))
            {
                host.NanoCPUs = nanoCpus;
            }
            else
            {
                log.Write(LogSource.System, $"cpu limit '{cpu}' ignored: not a CPU count such as 0.5, 2 or 500m");
            }
        }

        return new CreateContainerParameters
        {
            Name = name,
            Image = image,
            Entrypoint = [],
            Cmd = ["sh", ScriptPath],
            Env = execution.ProcessEnvironment().Select(p => p.Key + "=" + p.Value).ToList(),
            WorkingDir = workingDirectory,
            AttachStdout = true,
            AttachStderr = true,
            Labels = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["workflows.job"] = execution.JobId,
                ["workflows.task"] = task.TaskType,
                ["workflows.attempt"] = execution.Attempt.ToString(CultureInfo.InvariantCulture),
            },
            HostConfig = host,
        };
    }

    /// <summary>The refusal of a container the policy does not allow (privileged, host network); null when allowed.</summary>
    private TaskOutcome? Refusal(TaskDefinition task)
    {
        if (task.Privileged && !_policy.AllowPrivilegedContainers)
        {
            return TaskOutcome.Error(ExecutorErrors.ContainerNotAllowed,
                $"Task '{task.TaskType}' asks for a privileged container, which this host does not allow: a privileged container is root on the host. " +
                "Remove 'privileged: true' from the task, or set Workflows:Execution:AllowPrivilegedContainers=true on a host whose definition authors you trust with root.");
        }

        if ((task.HostNetwork || string.Equals(task.NetworkMode?.Trim(), "host", StringComparison.OrdinalIgnoreCase)) && !_policy.AllowHostNetwork)
        {
            return TaskOutcome.Error(ExecutorErrors.ContainerNotAllowed,
                $"Task '{task.TaskType}' asks for the host's network ({(task.HostNetwork ? "host_network: true" : "network_mode: host")}), which this host does not allow: the container would reach the services listening on the host. " +
                "Remove it from the task, or set Workflows:Execution:AllowHostNetwork=true.");
        }

        return null;
    }

    /// <summary>Places the composed script in the created container (readable by its user, whatever the image's user is).</summary>
    private async Task CopyScriptAsync(TaskExecution execution, string id, CancellationToken cancellationToken)
    {
        using var tar = new MemoryStream();
        var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            using var script = new MemoryStream(Encoding.UTF8.GetBytes(ShellScript.Compose(execution.Rendered)));
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, ScriptPath.TrimStart('/'))
            {
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                DataStream = script,
            }, cancellationToken).ConfigureAwait(false);
        }

        tar.Position = 0;
        await _client.Containers.ExtractArchiveToContainerAsync(id, new CopyToContainerParameters { Path = "/" }, tar, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ImageChoice> ResolveImageAsync(string requested, ITaskLog log, CancellationToken cancellationToken)
    {
        if (_images.TryGetValue(requested, out var known))
        {
            log.Write(LogSource.System, known == requested ? $"image '{requested}'" : $"image '{known}' (local stand-in for '{requested}')");
            return new ImageChoice(known, null);
        }

        if (await IsPresentAsync(requested, cancellationToken).ConfigureAwait(false))
        {
            _images[requested] = requested;
            log.Write(LogSource.System, $"image '{requested}' (present on the engine)");
            return new ImageChoice(requested, null);
        }

        log.Write(LogSource.System, $"image '{requested}' not present; pulling (up to {_pullTimeout.TotalSeconds:0.#} s)");
        var pullError = await PullAsync(requested, cancellationToken).ConfigureAwait(false);
        if (pullError is null)
        {
            if (await IsPresentAsync(requested, cancellationToken).ConfigureAwait(false))
            {
                _images[requested] = requested;
                log.Write(LogSource.System, $"image '{requested}' pulled");
                return new ImageChoice(requested, null);
            }

            pullError = "the engine reported the pull done but the image is still absent";
        }

        pullError = pullError.Trim().TrimEnd('.');

        var fix = $"Fix: run 'docker pull {requested}' on the engine's host (or 'docker load -i <file>.tar' where no registry is reachable), " +
            "configure a registry or mirror the engine can reach, or map the image to a local one in DockerExecutorOptions.ImageFallbacks.";
        if (_fallbacks.TryGetValue(requested, out var standIn))
        {
            if (await IsPresentAsync(standIn, cancellationToken).ConfigureAwait(false))
            {
                _images[requested] = standIn;
                log.Write(LogSource.System, $"image '{requested}' could not be pulled ({pullError}); using local stand-in '{standIn}' (ImageFallbacks)");
                return new ImageChoice(standIn, null);
            }

            return new ImageChoice(null, TaskOutcome.Error(ExecutorErrors.ImageNotFound,
                $"Image '{requested}' is not on the Docker engine at {_endpoint} and could not be pulled: {pullError}. " +
                $"Its stand-in '{standIn}' (ImageFallbacks) is not present either. {fix}"));
        }

        return new ImageChoice(null, TaskOutcome.Error(ExecutorErrors.ImageNotFound,
            $"Image '{requested}' is not on the Docker engine at {_endpoint} and could not be pulled: {pullError}. {fix}"));
    }

    private async Task<bool> IsPresentAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Pulls an image; returns null when the engine reports success, else what went wrong.</summary>
    private async Task<string?> PullAsync(string image, CancellationToken cancellationToken)
    {
        // Without a tag the engine pulls every tag of the repository: pull ':latest' as 'docker pull' does.
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        var parameters = image.Contains('@', StringComparison.Ordinal) ? new ImagesCreateParameters { FromImage = image }
            : colon > slash ? new ImagesCreateParameters { FromImage = image[..colon], Tag = image[(colon + 1)..] }
            : new ImagesCreateParameters { FromImage = image, Tag = "latest" };
        var progress = new PullProgress();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_pullTimeout);
        try
        {
            await _client.Images.CreateImageAsync(parameters, null, progress, timeout.Token).ConfigureAwait(false);
            return progress.Error;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"the pull did not finish within {_pullTimeout.TotalSeconds:0.#} s (DockerExecutorOptions.PullTimeout)";
        }
        catch (DockerApiException e)
        {
            return ApiMessage(e).TrimEnd('.');
        }
    }

    private async Task<TaskOutcome?> CopyInputsAsync(TaskExecution execution, string id, string workingDirectory, CancellationToken cancellationToken)
    {
        await using var tar = TemporaryFile("wf-inputs");
        var archive = new InputArchive(tar);
        await using (archive.ConfigureAwait(false))
        {
            foreach (var input in execution.Inputs)
            {
                var name = ContainerArchives.NormalizeRelative(input.Name);
                if (name is null)
                {
                    execution.Log.Write(LogSource.System, $"input artifact '{input.Name}' of task '{input.TaskType}' skipped: its name is not a relative path");
                    continue;
                }

                try
                {
                    var content = execution.Artifacts.OpenRead(input);
                    await using (content.ConfigureAwait(false))
                    {
                        await archive.AddFileAsync(name, content, input.CreatedAt, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    return TaskOutcome.Error(ExecutorErrors.ArtifactFailed,
                        $"Artifact '{input.Name}' of task '{input.TaskType}' (job {input.JobId}, attempt {input.Attempt}), a dependency of task " +
                        $"'{execution.Task.TaskType}', could not be read: {e.Message}. It may have expired: re-run the task that produces it, " +
                        "or raise its artifacts.expires_after.");
                }
            }
        }

        if (archive.Files.Count == 0)
        {
            return null;
        }

        tar.Position = 0;
        await _client.Containers.ExtractArchiveToContainerAsync(id, new CopyToContainerParameters { Path = workingDirectory }, tar, cancellationToken)
            .ConfigureAwait(false);
        execution.Log.Write(LogSource.System, $"placed {archive.Files.Count} input artifact(s) in {workingDirectory}: {string.Join(", ", archive.Files)}");
        return null;
    }

    private static async Task PumpLogsAsync(MultiplexedStream output, ITaskLog log, CancellationToken cancellationToken)
    {
        var stdout = new LineAssembler(line => log.Write(LogSource.Stdout, line));
        var stderr = new LineAssembler(line => log.Write(LogSource.Stderr, line));
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            using var stream = output;
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
                if (read.EOF)
                {
                    break;
                }

                var target = read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout;
                target.Append(buffer.AsSpan(0, read.Count));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            stdout.Flush();
            stderr.Flush();
        }
    }

    private static async Task DrainLogsAsync(Task logs, ITaskLog log, CancellationToken cancellationToken)
    {
        try
        {
            await logs.WaitAsync(LogDrainTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            log.Write(LogSource.System, $"the log stream did not end within {LogDrainTimeout.TotalSeconds:0} s of the exit; later output is not in this log");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && (e is OperationCanceledException || IsEngineFailure(e, cancellationToken)))
        {
            log.Write(LogSource.System, "the log stream failed: " + Describe(e));
        }
    }

    private async Task<TaskOutcome?> CollectArtifactsAsync(TaskExecution execution, string id, string workingDirectory, int exitCode, CancellationToken cancellationToken)
    {
        var task = execution.Task;
        var spec = task.Artifacts;
        var log = execution.Log;
        if (spec is null || spec.Paths.IsEmpty)
        {
            return null;
        }

        if ((spec.When == ArtifactsWhen.OnSuccess && exitCode != 0) || (spec.When == ArtifactsWhen.OnFailure && exitCode == 0))
        {
            log.Write(LogSource.System, $"artifacts not collected: they are kept {(spec.When == ArtifactsWhen.OnSuccess ? "on success" : "on failure")} only");
            return null;
        }

        foreach (var path in spec.Paths)
        {
            if (ContainerArchives.ArtifactSource(workingDirectory, path) is not { } source)
            {
                log.Write(LogSource.System, $"artifact path '{path}' ignored: empty or with '..'");
                continue;
            }

            ContainerArchiveResponse archive;
            try
            {
                archive = await _client.Containers.GetArchiveFromContainerAsync(id, new ContainerPathStatParameters { Path = source.ContainerPath }, false, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                log.Write(LogSource.System, $"artifact '{path}' not found");
                continue;
            }

            var saved = 0;
            try
            {
                // Buffered whole first: the engine's chunked response stream throws EndOfStreamException on the
                // zero-length reads TarReader issues at the end of an entry's data.
                await using var buffer = TemporaryFile("wf-artifacts");
                using (var response = archive.Stream ?? Stream.Null)
                {
                    await response.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                }

                buffer.Position = 0;
                var reader = new TarReader(buffer);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                    {
                        if (!ContainerArchives.IsFile(entry))
                        {
                            continue;
                        }

                        var name = ContainerArchives.EntryArtifactName(source.Name, entry.Name);
                        var info = await execution.Artifacts.SaveAsync(execution.JobId, task.TaskType, execution.Attempt, name,
                            entry.DataStream ?? Stream.Null, spec.ExpiresAfter, cancellationToken).ConfigureAwait(false);
                        log.Write(LogSource.System, $"artifact '{name}' saved ({info.Size.ToString(CultureInfo.InvariantCulture)} bytes)");
                        saved++;
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return TaskOutcome.Error(ExecutorErrors.ArtifactFailed,
                    $"Artifact '{path}' of task '{task.TaskType}' could not be collected from its container: {Describe(e)}. " +
                    "Check the artifact store's space and permissions; the task's exit code was " + exitCode.ToString(CultureInfo.InvariantCulture) + ".",
                    exitCode);
            }

            if (saved == 0)
            {
                log.Write(LogSource.System, $"artifact '{path}' holds no files");
            }
        }

        return null;
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

    /// <summary>A scratch file deleted when closed, for tar archives too large to hold in memory.</summary>
    private static FileStream TemporaryFile(string prefix) =>
        new(Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}.tar"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    private static string ShortId(string id) => id.Length > 12 && !id.StartsWith("wf-", StringComparison.Ordinal) ? id[..12] : id;

    private static string MethodName(TaskMethod? method) => method?.ToString().ToUpperInvariant() ?? "(none)";

    private sealed record ImageChoice(string? Name, TaskOutcome? Error);

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
