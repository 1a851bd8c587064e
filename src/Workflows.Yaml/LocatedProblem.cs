using Workflows.Definitions;

namespace Workflows.Yaml;

/// <summary>A problem of a YAML definition with the file, line and column it is at.</summary>
/// <param name="Problem">The problem, with the same id and message as on every other edge.</param>
/// <param name="Path">The file the YAML came from; null when it was given as text only.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public sealed record LocatedProblem(Problem Problem, string? Path, int Line, int Column)
{
    /// <summary>The rule id, e.g. <c>WF0101</c>.</summary>
    public string Id => Problem.Id;

    /// <summary>True for an error (the definition cannot run).</summary>
    public bool IsError => Problem.IsError;

    /// <summary>The compiler's format: <c>path(line,col): error WF0101: message</c> (<c>&lt;yaml&gt;</c> when there is no path).</summary>
    public override string ToString() => $"{Path ?? "<yaml>"}({Line},{Column}): {Problem}";
}
