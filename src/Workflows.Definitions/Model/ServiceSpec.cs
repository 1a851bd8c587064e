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
    /// <param name="CpuLimit">CPU limit, e.g. <c>"1"</c> or <c>"500m"</c>.</param>
    /// <param name="CpuRequest">CPU request (Kubernetes scheduling; kept, not applied by Docker).</param>
    /// <param name="MemoryLimit">Memory limit, e.g. <c>"1Gi"</c>.</param>
    /// <param name="MemoryRequest">Memory request (Kubernetes scheduling; kept, not applied by Docker).</param>
    /// <param name="EphemeralStorageLimit">Ephemeral storage limit (kept, not applied by Docker).</param>
    /// <param name="EphemeralStorageRequest">Ephemeral storage request (kept, not applied by Docker).</param>
    /// <param name="Volumes">Its volumes.</param>
    /// <param name="Options">Other keys kept verbatim as JSON text.</param>
    public sealed record ServiceSpec(
        string Name,
        string Image,
        string? Alias = null,
        int Instances = 1,
        string? WorkingDirectory = null,
        EquatableArray<string> Command = default,
        EquatableArray<string> Entrypoint = default,
        EquatableArray<string> Ports = default,
        string? CpuLimit = null,
        string? CpuRequest = null,
        string? MemoryLimit = null,
        string? MemoryRequest = null,
        string? EphemeralStorageLimit = null,
        string? EphemeralStorageRequest = null,
        EquatableArray<VolumeSpec> Volumes = default,
        EquatableArray<NamedValue> Options = default);
}
