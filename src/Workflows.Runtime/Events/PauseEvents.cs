namespace Workflows.Runtime;

/// <summary>An operator asked to pause the job while a task attempt runs: the job pauses when that attempt ends.</summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="By">Who asked.</param>
public sealed record JobPauseRequested(string JobId, DateTimeOffset At, string By) : JobEvent(JobId, At);

/// <summary>
/// An operator paused the job: no task attempt starts until <see cref="JobResumed"/>. Its scheduled attempts keep their
/// due times; a job paused by PAUSE_JOB that an operator pauses no longer resumes at its pause time.
/// </summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="By">Who paused it.</param>
public sealed record JobPausedByOperator(string JobId, DateTimeOffset At, string By) : JobEvent(JobId, At);

/// <summary>An operator resumed the job (or withdrew a pause asked for while a task ran): it runs on where it stopped.</summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="By">Who resumed it.</param>
public sealed record JobResumed(string JobId, DateTimeOffset At, string By) : JobEvent(JobId, At);
