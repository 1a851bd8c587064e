namespace Workflows.Runtime;

/// <summary>Where a job run is.</summary>
public enum JobStatus
{
    /// <summary>Not requested yet (an empty stream).</summary>
    None,

    /// <summary>Submitted, waiting for a worker (formicary's PENDING).</summary>
    Queued,

    /// <summary>Running its path (including waiting for a delayed retry or poll).</summary>
    Running,

    /// <summary>PAUSE_JOB: waiting for its pause time.</summary>
    Paused,

    /// <summary>Failing or cancelled, running its always_run tasks before it ends.</summary>
    Ending,

    /// <summary>Cancellation asked for; running tasks are stopping.</summary>
    Cancelling,

    /// <summary>Ended successfully.</summary>
    Completed,

    /// <summary>Ended in failure.</summary>
    Failed,

    /// <summary>Ended cancelled.</summary>
    Cancelled,

    /// <summary>A MANUAL task waits for votes (formicary's MANUAL_APPROVAL_REQUIRED): no worker is held.</summary>
    AwaitingApproval,
}

/// <summary>Where a task is within the current job attempt.</summary>
public enum TaskRunStatus
{
    /// <summary>Not reached in this attempt.</summary>
    Ready,

    /// <summary>Due at a time (first run, retry, poll, resume).</summary>
    Scheduled,

    /// <summary>An attempt is running.</summary>
    Started,

    /// <summary>EXECUTING: polling; the next poll is scheduled.</summary>
    Executing,

    /// <summary>Done successfully.</summary>
    Completed,

    /// <summary>Failed for good in this attempt.</summary>
    Failed,

    /// <summary>Stopped by cancellation.</summary>
    Cancelled,

    /// <summary>A MANUAL task waiting for votes (formicary's MANUAL_APPROVAL_REQUIRED); no attempt is due.</summary>
    AwaitingApproval,
}
