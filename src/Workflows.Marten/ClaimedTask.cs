namespace Workflows.Marten;

/// <summary>What a claimed row asks a worker to do.</summary>
public enum ClaimKind
{
    /// <summary>Run a task attempt.</summary>
    Attempt,

    /// <summary>Start a queued job (its first attempts follow).</summary>
    StartJob,

    /// <summary>Deliver a job's timeout.</summary>
    JobTimeout,
}

/// <summary>A due row a worker claimed: it works on it until its lease ends.</summary>
/// <param name="JobId">The job run.</param>
/// <param name="TaskType">The task (for an attempt; see <see cref="Kind"/>).</param>
/// <param name="Attempt">The attempt.</param>
/// <param name="LeaseUntil">When the claim expires and another worker may take the attempt.</param>
public sealed record ClaimedTask(string JobId, string TaskType, int Attempt, DateTimeOffset LeaseUntil)
{
    /// <summary>What the row asks for (the store marks job rows with reserved task names, which stay inside it).</summary>
    public ClaimKind Kind => TaskType switch
    {
        DueTasks.StartJob => ClaimKind.StartJob,
        DueTasks.JobTimeout => ClaimKind.JobTimeout,
        _ => ClaimKind.Attempt,
    };

    /// <summary>True for a job's start or timeout row (quick to process), false for a task attempt.</summary>
    public bool IsJobRow => Kind != ClaimKind.Attempt;
}
