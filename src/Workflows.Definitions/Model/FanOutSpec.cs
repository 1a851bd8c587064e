namespace Workflows.Definitions
{
    /// <summary>Runs the task (or a child job) once per element of a JSON array variable (<c>fan_out:</c>).</summary>
    /// <param name="Source">The variable holding the JSON array.</param>
    /// <param name="ItemVariable">The variable each run sees its element in.</param>
    /// <param name="MaxParallel">At most this many at once; 0 = unlimited.</param>
    /// <param name="FailFast">Cancel the others when one fails.</param>
    /// <param name="ForkJobType">Job mode: the child job type.</param>
    /// <param name="ForkJobVersion">Job mode: the child job version.</param>
    public sealed record FanOutSpec(string Source, string ItemVariable, int MaxParallel = 0, bool FailFast = false, string? ForkJobType = null, string? ForkJobVersion = null);
}
