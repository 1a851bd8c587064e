namespace Workflows.Runtime;

/// <summary>Params the runtime gives the jobs it forks, read back by the store's checks.</summary>
public static class ForkParams
{
    /// <summary>
    /// The prefix of the param naming a job-mode fan-out child's item, <c>FanOutIndex_&lt;i&gt;=&lt;i&gt;</c> (formicary's
    /// <c>FanOutIndex_%d</c>): the fork submits it, the doctor's fork-once check groups children by it.
    /// </summary>
    public const string FanOutIndexPrefix = "FanOutIndex_";
}
