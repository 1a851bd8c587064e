using Workflows.Definitions;

namespace Workflows.Executors.Docker;

/// <summary>Reads a container's <c>memory_limit</c> and <c>cpu_limit</c> as Docker wants them (bytes, nano-CPUs).</summary>
/// <remarks>The parsing is <see cref="ResourceQuantities"/>'s, shared with the validator and the retry rules' <c>memory_factor</c>.</remarks>
internal static class ContainerLimits
{
    /// <inheritdoc cref="ResourceQuantities.TryParseMemory(string?, out long)"/>
    public static bool TryParseMemory(string? text, out long bytes) => ResourceQuantities.TryParseMemory(text, out bytes);

    /// <inheritdoc cref="ResourceQuantities.TryParseCpu(string?, out long)"/>
    public static bool TryParseCpu(string? text, out long nanoCpus) => ResourceQuantities.TryParseCpu(text, out nanoCpus);
}
