namespace Workflows.Runtime;

public static partial class JobDecider
{
    /// <summary>
    /// Why an operator may not pause the job now, or null when <see cref="PauseRunningJob"/> would be taken: a running job
    /// (paused at once, or when its running attempt ends), or one paused by PAUSE_JOB (then it waits for a resume
    /// instead of its pause time).
    /// </summary>
    /// <param name="state">The job.</param>
    public static PauseRefusal? CanPause(JobState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state is { IsHeld: true, PausedBy: { } by })
        {
            return new PauseRefusal(PauseRefusalReason.AlreadyPaused, $"Job {state.JobId} was paused by '{by}' and waits to be resumed; resume it to run on.");
        }

        if (state is { Status: JobStatus.Running, PauseRequestedBy: { } asked })
        {
            return new PauseRefusal(PauseRefusalReason.AlreadyPaused,
                $"'{asked}' asked to pause job {state.JobId} already; it pauses when its running task ends. Resume it to withdraw the pause.");
        }

        return state.Status is JobStatus.Running or JobStatus.Paused
            ? null
            : new PauseRefusal(PauseRefusalReason.NotRunning, state.Status switch
            {
                JobStatus.Queued => $"Job {state.JobId} is queued; only a started job can be paused. Move its start (scheduled_at) or cancel it instead.",
                JobStatus.Ending or JobStatus.Cancelling => $"Job {state.JobId} is {Lower(state.Status)}: it is ending and runs only its cleanup tasks; there is nothing to pause.",
                _ => $"Job {state.JobId} is {Lower(state.Status)}; only a running job can be paused.",
            });
    }

    /// <summary>Why an operator may not resume the job now, or null when <see cref="ResumePausedJob"/> would be taken: a paused job, or a pause asked for.</summary>
    /// <param name="state">The job.</param>
    public static PauseRefusal? CanResume(JobState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Status == JobStatus.Paused || (state.Status == JobStatus.Running && state.PauseRequestedBy is not null)
            ? null
            : new PauseRefusal(PauseRefusalReason.NotPaused, $"Job {state.JobId} is {Lower(state.Status)}, not paused; only a paused job can be resumed.");
    }

    private static void Pause(Decision decision, PauseRunningJob pause)
    {
        // The running attempt finishes first: its result pauses the job (HoldIfAsked).
        decision.Emit(decision.State.Tasks.Values.Any(t => t.Status == TaskRunStatus.Started)
            ? new JobPauseRequested(decision.JobId, decision.Now, pause.By)
            : new JobPausedByOperator(decision.JobId, decision.Now, pause.By));
    }

    /// <summary>After a task's result: the pause an operator asked for while it ran takes effect, unless the job is ending or ended.</summary>
    private static void HoldIfAsked(Decision decision)
    {
        if (decision.State is { PauseRequestedBy: { } by, Status: JobStatus.Running or JobStatus.Paused, IsHeld: false }
            && !decision.State.Tasks.Values.Any(t => t.Status == TaskRunStatus.Started))
        {
            decision.Emit(new JobPausedByOperator(decision.JobId, decision.Now, by));
        }
    }

    private static void Resume(Decision decision, ResumePausedJob resume)
    {
        decision.Emit(new JobResumed(decision.JobId, decision.Now, resume.By));

        // A PAUSE_JOB pause resumed before its pause time: its attempt is due now. Other waiting attempts (a delayed
        // retry, a poll) keep their due times; those that fell due while the job was paused run at once.
        foreach (var run in decision.State.Tasks.Values.Where(t => t.Status == TaskRunStatus.Scheduled && t.Reason == ScheduleReason.Resume && t.DueAt > decision.Now).ToList())
        {
            decision.Schedule(run.TaskType, run.Attempt, decision.Now, ScheduleReason.Resume);
        }
    }

    /// <summary>PAUSE_JOB's wait: the definition's <c>pause_time</c>, else formicary's random 30–39 s (whole seconds, from the jitter sample).</summary>
    private static TimeSpan PauseTime(Decision decision) =>
        decision.Definition.PauseTime ?? TimeSpan.FromSeconds(30 + Math.Min(9, Math.Floor(decision.Context.Jitter * 10)));
}
