namespace Workflows.Runtime;

/// <summary>The error codes the runtime records (formicary's names).</summary>
public static class ErrorCodes
{
    /// <summary>A task failed (non-zero exit, FAILED, or an exception) without a code of its own.</summary>
    public const string TaskExecute = "ERR_TASK_EXECUTE";

    /// <summary>A task ran (or polled) past its timeout.</summary>
    public const string TaskTimedOut = "ERR_TASK_TIMED_OUT";

    /// <summary>FATAL: the job fails at once, no retries.</summary>
    public const string Fatal = "ERR_FATAL";

    /// <summary>RESTART_TASK with no task retries left.</summary>
    public const string RestartTask = "ERR_RESTART_TASK";

    /// <summary>RESTART_JOB with no job retries left.</summary>
    public const string RestartJob = "ERR_RESTART_JOB";

    /// <summary>The task names a retry strategy that this host has not registered (<c>services.AddRetryStrategy&lt;T&gt;(name)</c>).</summary>
    public const string RetryStrategyNotFound = "ERR_RETRY_STRATEGY_NOT_FOUND";

    /// <summary>The task's retry strategy threw; the task fails rather than retrying blindly.</summary>
    public const string RetryStrategyFailed = "ERR_RETRY_STRATEGY_FAILED";

    /// <summary>A MANUAL task was rejected (by votes or its SLA's AUTO_REJECT) and its map has no <c>REJECTED</c> route.</summary>
    public const string ManualRejection = "ERR_MANUAL_REJECTION";

    /// <summary>The job's <c>skip_if</c> said true when it was about to start: it was skipped, not run.</summary>
    public const string FilteredJob = "ERR_FILTERED_JOB";

    /// <summary>The job ran past its timeout.</summary>
    public const string JobTimedOut = "ERR_JOB_TIMED_OUT";
}
