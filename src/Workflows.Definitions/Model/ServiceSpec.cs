namespace Workflows.Definitions
{
    /// <summary>A sidecar container started next to the task's container (<c>services:</c>).</summary>
    /// <param name="Name">The service name.</param>
    /// <param name="Image">Its image.</param>
    /// <param name="Alias">The host name the task reaches it by.</param>
    /// <param name="Instances">How many instances.</param>
    /// <param name="WorkingDirectory">Its working directory.</param>
    /// <param name="Command">Command override.</param>
    /// <param name="Entrypoint">Entrypoint override.</param>
    /// <param name="Ports">Exposed ports.</param>
    /// <param name="Options">Other keys (volumes, limits) kept verbatim as JSON text.</param>
    public sealed record ServiceSpec(
        string Name,
        string Image,
        string? Alias = null,
        int Instances = 1,
        string? WorkingDirectory = null,
        EquatableArray<string> Command = default,
        EquatableArray<string> Entrypoint = default,
        EquatableArray<string> Ports = default,
        EquatableArray<NamedValue> Options = default);
}
