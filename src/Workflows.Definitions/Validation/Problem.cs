namespace Workflows.Definitions
{
    /// <summary>One thing wrong with a definition, with a stable id (<c>WF0101</c>…), as every edge reports it.</summary>
    /// <param name="Id">The stable rule id; see <c>docs/diagnostics.md</c>.</param>
    /// <param name="Severity">How serious it is.</param>
    /// <param name="Message">Names the task and the bad value, then says how to fix it.</param>
    /// <param name="Location">Where it is in the definition.</param>
    /// <param name="Suggestions">Replacement values a code fix can offer (e.g. the nearest task names), best first.</param>
    public sealed record Problem(string Id, ProblemSeverity Severity, string Message, DefinitionPointer Location, EquatableArray<string> Suggestions = default)
    {
        /// <summary>True for <see cref="ProblemSeverity.Error"/>.</summary>
        public bool IsError => Severity == ProblemSeverity.Error;

        /// <summary>The compiler-style form, e.g. <c>error WF0101: Task 'second' routes to …</c>.</summary>
        public override string ToString() => $"{Severity.ToString().ToLowerInvariant()} {Id}: {Message}";
    }
}
