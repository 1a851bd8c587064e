namespace Workflows.Definitions
{
    /// <summary>A URL posted on every lifecycle event (<c>webhook:</c>).</summary>
    /// <param name="Url">The URL (may be a template).</param>
    /// <param name="Headers">Request headers.</param>
    /// <param name="Query">Query parameters.</param>
    public sealed record WebhookSpec(string Url, EquatableArray<NamedValue> Headers = default, EquatableArray<NamedValue> Query = default);
}
