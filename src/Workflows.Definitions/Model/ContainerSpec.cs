namespace Workflows.Definitions
{
    /// <summary>The container a DOCKER or KUBERNETES task runs in (<c>container:</c>).</summary>
    /// <param name="Image">The image, e.g. <c>alpine</c>.</param>
    /// <param name="CpuLimit">CPU limit, e.g. <c>"1"</c> or <c>"500m"</c>.</param>
    /// <param name="CpuRequest">CPU request.</param>
    /// <param name="MemoryLimit">Memory limit, e.g. <c>"1Gi"</c>.</param>
    /// <param name="MemoryRequest">Memory request.</param>
    /// <param name="EphemeralStorageLimit">Ephemeral storage limit.</param>
    /// <param name="EphemeralStorageRequest">Ephemeral storage request.</param>
    /// <param name="ServiceAccount">Kubernetes service account.</param>
    /// <param name="Options">Other container keys (volumes, devices, env_from, …) kept verbatim as JSON text.</param>
    public sealed record ContainerSpec(
        string Image,
        string? CpuLimit = null,
        string? CpuRequest = null,
        string? MemoryLimit = null,
        string? MemoryRequest = null,
        string? EphemeralStorageLimit = null,
        string? EphemeralStorageRequest = null,
        string? ServiceAccount = null,
        EquatableArray<NamedValue> Options = default);
}
