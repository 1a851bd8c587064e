namespace Workflows.Runtime;

/// <summary>
/// An operator pauses a running job: at once when no task attempt is running, else when the running attempt ends (it
/// finishes first). A job paused this way waits until <see cref="ResumePausedJob"/>; it does not resume by itself.
/// </summary>
/// <param name="By">Who asks (a token's name, recorded on the event).</param>
public sealed record PauseRunningJob(string By) : JobCommand;

/// <summary>
/// An operator resumes a paused job where it stopped: a job paused by an operator or by PAUSE_JOB (before its pause
/// time) runs on at once; a pause asked for while a task runs is withdrawn.
/// </summary>
/// <param name="By">Who asks (a token's name, recorded on the event).</param>
public sealed record ResumePausedJob(string By) : JobCommand;
