namespace Workflows.Marten;

/// <summary>
/// A write to a job, decided and on its way to the database. A worker starts the attempt it starts at once, while it
/// commits, and records that attempt's result only after it has: the slot runs work rather than waiting for a commit.
/// </summary>
/// <param name="decided">What the write records if it commits as decided.</param>
/// <param name="committed">
/// What it recorded: usually <paramref name="decided"/>; when the job had moved on, the command decided again on the
/// stream as it is (which may start another attempt, or none). Faults as the write does.
/// </param>
public sealed class PendingStep(JobStep decided, Task<JobStep> committed)
{
    /// <summary>What the write records if it commits as decided.</summary>
    public JobStep Decided { get; } = decided;

    /// <summary>What it recorded (faults as the write does).</summary>
    public Task<JobStep> Committed { get; } = committed;

    /// <summary>A write that has committed (or one with nothing to write).</summary>
    /// <param name="step">What it recorded.</param>
    public static PendingStep Of(JobStep step) => new(step, Task.FromResult(step));

    /// <summary>True when <paramref name="step"/> leaves <paramref name="attempt"/> started (recorded, not yet ended).</summary>
    /// <param name="step">A write's outcome.</param>
    /// <param name="attempt">The attempt.</param>
    public static bool Starts(JobStep step, ClaimedTask attempt)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(attempt);
        var run = step.Snapshot.State.Task(attempt.TaskType);
        return run.Status == Runtime.TaskRunStatus.Started && run.Attempt == attempt.Attempt;
    }
}
