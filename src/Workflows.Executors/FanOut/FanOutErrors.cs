namespace Workflows.Executors.FanOut;

/// <summary>Error codes of a fan-out task (<c>fan_out</c>) and of its items.</summary>
public static class FanOutErrors
{
    /// <summary><c>fan_out.source</c> names no variable, or its value is not a JSON array.</summary>
    public const string Source = "ERR_FAN_OUT_SOURCE";

    /// <summary>An item failed without an exit code or error code of its own (e.g. it timed out).</summary>
    public const string ItemFailed = "ERR_FAN_OUT_ITEM_FAILED";

    /// <summary>An item was stopped, or never started, because another item failed and <c>fail_fast</c> is set.</summary>
    public const string Cancelled = "ERR_FAN_OUT_CANCELLED";

    /// <summary>The task fans out to jobs (<c>fan_out.fork_job_type</c>) on a host that cannot fork jobs.</summary>
    public const string JobsNotSupported = "ERR_FAN_OUT_JOBS_NOT_SUPPORTED";

    /// <summary>A forked job (a job-mode item's child, or FORK_JOB's) was cancelled: the one spelling both use.</summary>
    public const string ForkedJobCancelled = "ERR_FORKED_JOB_CANCELLED";
}
