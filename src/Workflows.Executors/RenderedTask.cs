namespace Workflows.Executors;

/// <summary>A task's templated fields, rendered for one attempt (Nonce, JobElapsedSecs and Random differ per attempt).</summary>
/// <param name="BeforeScript">before_script lines.</param>
/// <param name="Script">Script lines (or an HTTP task's URLs).</param>
/// <param name="AfterScript">after_script lines.</param>
/// <param name="Url">An HTTP task's <c>url</c>.</param>
/// <param name="Environment">Environment variables, in written order.</param>
/// <param name="Headers">HTTP headers, in written order.</param>
/// <param name="Query">HTTP query parameters, in written order.</param>
public sealed record RenderedTask(
    IReadOnlyList<string> BeforeScript,
    IReadOnlyList<string> Script,
    IReadOnlyList<string> AfterScript,
    string? Url,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    IReadOnlyList<KeyValuePair<string, string>> Query)
{
    /// <summary>The task's <c>cache.key</c>, rendered (null when it has none).</summary>
    public string? CacheKey { get; init; }

    /// <summary>A task with nothing rendered (no script, URL or environment).</summary>
    public static RenderedTask Empty { get; } = new([], [], [], null, [], [], []);
}
