namespace Workflows.Definitions
{
    /// <summary>A quota or semaphore a job or task holds while it runs (<c>resources:</c>).</summary>
    /// <param name="ResourceType">The resource type.</param>
    /// <param name="Value">How much of it is needed.</param>
    /// <param name="Description">Free text.</param>
    /// <param name="Platform">Platform filter.</param>
    /// <param name="Category">Category.</param>
    /// <param name="Tags">Tags.</param>
    /// <param name="ExtractProperties">Properties extracted into the context.</param>
    /// <param name="ContextPrefix">Prefix of the extracted context variables.</param>
    public sealed record ResourceSpec(
        string ResourceType,
        int Value = 0,
        string? Description = null,
        string? Platform = null,
        string? Category = null,
        EquatableArray<string> Tags = default,
        EquatableArray<string> ExtractProperties = default,
        string? ContextPrefix = null);
}
