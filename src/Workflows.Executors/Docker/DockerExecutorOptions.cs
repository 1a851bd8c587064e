namespace Workflows.Executors.Docker;

/// <summary>How the <see cref="DockerExecutor"/> reaches its engine and finds images.</summary>
public sealed class DockerExecutorOptions
{
    /// <summary>The Docker engine endpoint (<c>unix://</c>, <c>tcp://</c> or <c>npipe://</c>).</summary>
    /// <value>Default <c>unix:///var/run/docker.sock</c>.</value>
    public Uri Endpoint { get; set; } = new("unix:///var/run/docker.sock");

    /// <summary>The longest a missing image's pull may take before the attempt fails with <see cref="ExecutorErrors.ImageNotFound"/>.</summary>
    /// <value>Default 60 seconds.</value>
    public TimeSpan PullTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Local stand-ins for images that cannot be pulled (no registry reachable): image as written → image present on the
    /// engine, e.g. <c>alpine</c> → <c>alpine:latest</c> built locally. Used only when the image is absent and its pull
    /// fails; the attempt's log says which stand-in ran.
    /// </summary>
    /// <value>Default empty.</value>
    public IDictionary<string, string> ImageFallbacks { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Also run KUBERNETES tasks, in a local container with the same image and script (an operator's opt-in for local
    /// runs without a cluster; node selectors, pod labels and service accounts are ignored).
    /// </summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool RunKubernetesAsDocker { get; set; }

    /// <summary>
    /// The container's working directory when the task has no <c>working_dir</c>; a relative <c>working_dir</c> is
    /// resolved against it. Dependencies' artifacts are placed in the working directory and artifact paths are read
    /// relative to it.
    /// </summary>
    /// <value>Default <c>/workspace</c>.</value>
    public string DefaultWorkingDirectory { get; set; } = "/workspace";

    /// <summary>How long a task's service may take to accept connections on each port it declares (<c>ports</c>) before the attempt fails.</summary>
    /// <value>Default 30 seconds.</value>
    public TimeSpan ServiceReadyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>What containers may ask for: privileged mode and the host's network are refused unless allowed (<see cref="ExecutionPolicy"/>).</summary>
    /// <value>Default: a new <see cref="ExecutionPolicy"/>: neither is allowed.</value>
    public ExecutionPolicy Policy { get; set; } = new();
}
