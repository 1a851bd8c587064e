namespace Workflows.Definitions
{
    /// <summary>One entry of a task's <c>on_exit_code</c> map.</summary>
    /// <param name="Code">The key as written: an exit code (<c>"2"</c>, <c>"404"</c>) or a state word (<c>"APPROVED"</c>).</param>
    /// <param name="Action">What the code leads to.</param>
    /// <remarks>Kept as a list, not a dictionary, so that a duplicate code reaches the validator (WF1001).</remarks>
    public sealed record ExitCodeRoute(string Code, ExitAction Action);
}
