namespace Workflows.Executors;

/// <summary>Error codes of attempts that could not run or whose transport failed. Documented in docs/executors.md.</summary>
public static class ExecutorErrors
{
    /// <summary>The container image is not present and could not be pulled.</summary>
    public const string ImageNotFound = "ERR_IMAGE_NOT_FOUND";

    /// <summary>The Docker engine could not be reached or refused to create or start the container.</summary>
    public const string ContainerFailed = "ERR_CONTAINER";

    /// <summary>The process could not be started (e.g. no shell at the path).</summary>
    public const string ProcessFailed = "ERR_PROCESS_START";

    /// <summary>
    /// An HTTP task's request failed before a response arrived (connection refused, DNS, TLS, reset). Its exit code is
    /// <see cref="HttpTransportExitCode"/>, so an exit-code map can route it like any other code.
    /// </summary>
    public const string HttpTransport = "ERR_HTTP_TRANSPORT";

    /// <summary>The exit code of an HTTP transport failure: outside 100–599, so it never collides with a status.</summary>
    public const int HttpTransportExitCode = 1000;

    /// <summary>An HTTP task has no URL (no <c>url</c> and no script line) or its URL is not absolute http(s).</summary>
    public const string HttpBadUrl = "ERR_HTTP_URL";

    /// <summary>
    /// An HTTP task's host is not in <see cref="ExecutionPolicy.HttpAllowedHosts"/>, or it resolves to a loopback,
    /// link-local (cloud metadata, 169.254.169.254) or unspecified address the host does not allow
    /// (<see cref="ExecutionPolicy.HttpAllowLocalAddresses"/>); checked before the request, after DNS resolution and on every redirect.
    /// </summary>
    public const string HttpNotAllowed = "ERR_HTTP_NOT_ALLOWED";

    /// <summary>No executor runs the task's method in this host (KUBERNETES without a cluster, MESSAGING, …).</summary>
    public const string MethodNotSupported = "ERR_METHOD_NOT_SUPPORTED";

    /// <summary>The host runs the task's method but its <see cref="ExecutionPolicy"/> does not allow it (SHELL without <c>AllowShell</c>).</summary>
    public const string MethodNotAllowed = "ERR_METHOD_NOT_ALLOWED";

    /// <summary>The task's container asks for what the host's <see cref="ExecutionPolicy"/> does not allow (privileged, host network).</summary>
    public const string ContainerNotAllowed = "ERR_CONTAINER_NOT_ALLOWED";

    /// <summary>A template of the task (script line, URL, environment value) failed to render.</summary>
    public const string TemplateFailed = "ERR_TEMPLATE";

    /// <summary>An artifact of a dependency could not be read, or the task's artifacts could not be collected.</summary>
    public const string ArtifactFailed = "ERR_ARTIFACT";

    /// <summary>The executor itself failed unexpectedly (a bug or an engine error it did not expect); the message says what.</summary>
    public const string ExecutorFailed = "ERR_EXECUTOR";

    /// <summary>The job was cancelled while the attempt ran.</summary>
    public const string Cancelled = "ERR_CANCELLED";
}
