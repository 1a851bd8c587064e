namespace Workflows.Runtime;

/// <summary>
/// The job's <c>skip_if</c>, rendered when the job was about to start, said <c>true</c>: the job does not run and ends
/// failed with <c>ERR_FILTERED_JOB</c> (the <see cref="JobFailed"/> that follows), as formicary records a filtered job.
/// </summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="SkipIf">The rendered <c>skip_if</c> text.</param>
public sealed record JobSkipped(string JobId, DateTimeOffset At, string SkipIf) : JobEvent(JobId, At);

/// <summary>
/// The task's <c>except</c>, rendered when the attempt was about to run, said <c>true</c>: the task was not run and counts
/// as completed with exit code SKIPPED (the <see cref="TaskCompleted"/> that follows).
/// </summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="TaskType">The task.</param>
/// <param name="Attempt">The attempt that was not run.</param>
/// <param name="Except">The rendered <c>except</c> text.</param>
public sealed record TaskSkipped(string JobId, DateTimeOffset At, string TaskType, int Attempt, string Except) : JobEvent(JobId, At);
