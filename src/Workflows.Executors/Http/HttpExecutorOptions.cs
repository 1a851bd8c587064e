namespace Workflows.Executors.Http;

/// <summary>Settings of the HTTP executor.</summary>
public sealed class HttpExecutorOptions
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client HTTP tasks use (configure proxies, handlers and certificates on it).</summary>
    /// <value>Default: <c>workflows</c>.</value>
    public string ClientName { get; set; } = "workflows";

    /// <summary>
    /// URL prefixes sent elsewhere, e.g. <c>https://jsonplaceholder.typicode.com</c> → <c>http://127.0.0.1:5080</c>: runs the
    /// seeds and other jobs offline against a local stand-in without editing their definitions. Each redirect is logged.
    /// </summary>
    public IDictionary<string, string> Redirects { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Where HTTP tasks may connect (the host's allow-list and local addresses); its <see cref="HttpDestinations.ConnectAsync"/>
    /// must be the connect callback of the client named <see cref="ClientName"/>. Null: no check (tests, embedding code).
    /// </summary>
    public HttpDestinations? Destinations { get; set; }

    /// <summary>How much of a response body is written to the task's log.</summary>
    /// <value>Default: 64 KiB.</value>
    public int MaxLoggedBodyBytes { get; set; } = 64 * 1024;

    /// <summary>How much of a response body is kept as an artifact (when the task lists an artifact path).</summary>
    /// <value>Default: 16 MiB.</value>
    public long MaxArtifactBodyBytes { get; set; } = 16 * 1024 * 1024;
}
