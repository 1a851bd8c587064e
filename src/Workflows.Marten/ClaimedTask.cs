namespace Workflows.Marten;

/// <summary>A task attempt a worker claimed: it runs it until its lease ends.</summary>
/// <param name="JobId">The job run.</param>
/// <param name="TaskType">The task.</param>
/// <param name="Attempt">The attempt.</param>
/// <param name="LeaseUntil">When the claim expires and another worker may take the attempt.</param>
public sealed record ClaimedTask(string JobId, string TaskType, int Attempt, DateTimeOffset LeaseUntil)
{
    /// <summary>True for a job's start or timeout row (quick to process), false for a task attempt.</summary>
    public bool IsJobRow => DueTasks.IsJobRow(TaskType);
}
