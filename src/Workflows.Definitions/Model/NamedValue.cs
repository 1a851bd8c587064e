namespace Workflows.Definitions
{
    /// <summary>A name and a value (environment variable, variable, header, query parameter), kept in written order.</summary>
    /// <param name="Name">The name.</param>
    /// <param name="Value">The value as text; structured YAML values are kept as JSON text.</param>
    public sealed record NamedValue(string Name, string Value);
}
