namespace Workflows.Client;

/// <summary>A job's lineage: its root and every manual retry of the root, oldest first.</summary>
/// <param name="RootId">The root job.</param>
/// <param name="Jobs">The root, then its retries.</param>
/// <param name="InFlight">The retry that is queued or running, if one is (a root has at most one at a time).</param>
public sealed record JobLineage(string RootId, IReadOnlyList<JobInfo> Jobs, string? InFlight)
{
    /// <summary>The lineage's newest job.</summary>
    public JobInfo Latest => Jobs[^1];
}
