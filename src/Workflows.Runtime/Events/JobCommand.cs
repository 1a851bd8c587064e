using Workflows.Definitions;

namespace Workflows.Runtime;

/// <summary>Something asked of a job; the decider answers with events (or none).</summary>
public abstract record JobCommand;

/// <summary>Submit a job.</summary>
/// <param name="JobId">The new job's id.</param>
/// <param name="Definition">The validated definition (version pinned).</param>
/// <param name="Request">What is asked.</param>
public sealed record RequestJob(string JobId, JobDefinition Definition, JobRequest Request) : JobCommand
{
    /// <summary>For a resumed retry: the task it starts from.</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>For a resumed retry: the completed tasks it keeps.</summary>
    public IReadOnlyList<CarriedTask>? Carried { get; init; }
}

/// <summary>Change a queued job before it starts; a null field is left as it is.</summary>
/// <param name="Priority">The new priority.</param>
/// <param name="Description">The new description.</param>
/// <param name="ScheduledAt">The new earliest start.</param>
public sealed record UpdateQueuedJob(int? Priority, string? Description, DateTimeOffset? ScheduledAt) : JobCommand;

/// <summary>A worker picked the job up (or a due job retry): start it.</summary>
public sealed record StartJob : JobCommand
{
    /// <summary>The job's <c>skip_if</c> as the worker rendered it at this moment; null when the job has none. When it says <c>true</c> the job is skipped.</summary>
    public string? SkipIf { get; init; }
}

/// <summary>An executor started the task attempt.</summary>
/// <param name="TaskType">The task.</param>
/// <param name="Attempt">The attempt.</param>
public sealed record StartTask(string TaskType, int Attempt) : JobCommand
{
    /// <summary>The host that runs the attempt (its lease owner name), recorded on <see cref="TaskStarted"/>; null when not known.</summary>
    public string? Host { get; init; }
}

/// <summary>A task attempt ended.</summary>
/// <param name="TaskType">The task.</param>
/// <param name="Attempt">The attempt (a stale or duplicate report is ignored).</param>
/// <param name="ExitCode">The exit code; null when the attempt threw or timed out.</param>
/// <param name="ExceptionType">The exception's type name when an in-process task threw.</param>
/// <param name="TimedOut">True when the attempt ran past the task's timeout.</param>
/// <param name="ErrorCode">
/// The executor's error code (e.g. <c>ERR_IMAGE_NOT_FOUND</c>, <c>ERR_HTTP_TRANSPORT</c>): the code a failure is recorded
/// with, instead of <c>ERR_TASK_EXECUTE</c>, when the exit-code map does not say otherwise.
/// </param>
public sealed record ReportTaskResult(string TaskType, int Attempt, int? ExitCode, string? ExceptionType = null, bool TimedOut = false, string? ErrorCode = null) : JobCommand
{
    /// <summary>
    /// The tail of the attempt's stdout and stderr (at most <see cref="Workflows.Definitions.RetryOutput.MaxTailChars"/>), sent only when the task has
    /// a <c>retry_on</c> rule with an <c>output</c> pattern or a retry strategy. Matched by the decider; never stored in an event.
    /// </summary>
    public string? OutputTail { get; init; }

    /// <summary>
    /// When the attempt ended, as its worker saw it (before giving its execution slot back): the result is decided as of
    /// then, so the recorded end is not the later moment its write happened to run. Ignored when later than the decision.
    /// </summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The task outputs the attempt set (recorded on <see cref="TaskExited.Outputs"/>).</summary>
    public IReadOnlyDictionary<string, string>? Outputs { get; init; }

    /// <summary>What the task's retry strategy decided, asked by the worker before reporting (the decider stays pure); null without one.</summary>
    public RetryStrategyDecision? Strategy { get; init; }
}

/// <summary>Cancel the job: queued jobs end at once; running tasks are told to stop, then the job ends cancelled.</summary>
/// <param name="Reason">Why, when the system cancels it (e.g. the reaper); recorded on the event.</param>
public sealed record CancelJob(string? Reason = null) : JobCommand
{
    /// <summary>Who asks (a token's name), recorded on the event.</summary>
    public string? RequestedBy { get; init; }
}

/// <summary>The executor confirmed running tasks stopped after cancellation.</summary>
public sealed record ConfirmCancelled : JobCommand;

/// <summary>The job ran past its timeout.</summary>
public sealed record JobTimedOut : JobCommand;
