using Workflows.Definitions;

namespace Workflows.Yaml;

/// <summary>What loading one YAML job definition produced.</summary>
/// <param name="Definition">
/// The definition as read, also when it has errors (so every problem can be shown at once); null only when the text
/// is not YAML or not a mapping of job keys. Use it only when <see cref="Succeeded"/>.
/// </param>
/// <param name="Problems">Every problem — YAML (WF4xxx) and validator — ordered by line and column.</param>
public sealed record YamlLoadResult(JobDefinition? Definition, IReadOnlyList<LocatedProblem> Problems)
{
    /// <summary>True when any problem is an error.</summary>
    public bool HasErrors => Problems.Any(p => p.IsError);

    /// <summary>True when a definition was read and nothing is an error (warnings may remain).</summary>
    public bool Succeeded => Definition is not null && !HasErrors;
}
