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

    /// <summary>Deliver a MANUAL task's SLA deadline (<see cref="Runtime.ApprovalDeadlinePassed"/>).</summary>
    ApprovalDeadline,

    /// <summary>
    /// Never due, never claimed: a job with a <c>max_concurrency</c> or a lock key keeps its place (its slot, its lock)
    /// while one of its MANUAL tasks waits for votes, as a running job does.
    /// </summary>
    ApprovalHold,
}

/// <summary>A due row a worker claimed: it works on it until its lease ends.</summary>
/// <param name="JobId">The job run.</param>
/// <param name="Kind">What the row asks for.</param>
/// <param name="TaskType">The task, for an attempt; empty for a job's start or timeout.</param>
/// <param name="Attempt">The attempt.</param>
/// <param name="LeaseUntil">When the claim expires and another worker may take the attempt.</param>
public sealed record ClaimedTask(string JobId, ClaimKind Kind, string TaskType, int Attempt, DateTimeOffset LeaseUntil)
{
    /// <summary>A queued job's start.</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="leaseUntil">When the claim expires.</param>
    public static ClaimedTask Start(string jobId, DateTimeOffset leaseUntil) => new(jobId, ClaimKind.StartJob, string.Empty, 0, leaseUntil);

    /// <summary>A task attempt.</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="taskType">The task.</param>
    /// <param name="attempt">The attempt.</param>
    /// <param name="leaseUntil">When the claim expires.</param>
    public static ClaimedTask ForAttempt(string jobId, string taskType, int attempt, DateTimeOffset leaseUntil) => new(jobId, ClaimKind.Attempt, taskType, attempt, leaseUntil);

    /// <summary>True for a job's start or timeout row or an approval deadline (quick to process), false for a task attempt.</summary>
    public bool IsJobRow => Kind != ClaimKind.Attempt;
}
