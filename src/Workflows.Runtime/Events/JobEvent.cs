using Workflows.Definitions;

namespace Workflows.Runtime;

/// <summary>Something that happened to one job run; one stream per job. Past tense, immutable, job id first.</summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When it happened.</param>
public abstract record JobEvent(string JobId, DateTimeOffset At);

/// <summary>A job was submitted: the definition it is pinned to and what was asked.</summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="Definition">The definition version the job runs.</param>
/// <param name="Request">What was asked: parameters, priority, queue, who asked, lineage.</param>
[System.Text.Json.Serialization.JsonConverter(typeof(JobRequestedJsonConverter))]
public sealed record JobRequested(string JobId, DateTimeOffset At, JobDefinition Definition, JobRequest Request)
    : JobEvent(JobId, At)
{
    /// <summary>For a resumed retry: the task it starts from (the retried job's failed task).</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>For a resumed retry: the retried job's completed tasks, kept with their results (not run again).</summary>
    public IReadOnlyList<CarriedTask>? Carried { get; init; }
}

/// <summary>A completed task a resumed retry keeps from the job it retried.</summary>
/// <param name="TaskType">The task.</param>
/// <param name="ExitCode">Its exit code there.</param>
/// <param name="FromJobId">The job it completed in.</param>
public sealed record CarriedTask(string TaskType, int? ExitCode, string FromJobId)
{
    /// <summary>The outputs it set there, which the resumed tasks see again.</summary>
    public Workflows.Definitions.EquatableArray<Workflows.Definitions.NamedValue> Outputs { get; init; }
}

/// <summary>A resumed retry started with a task its retried job had completed: the task counts as completed, not run again.</summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="TaskType">The task.</param>
/// <param name="ExitCode">Its exit code in the job it completed in.</param>
/// <param name="FromJobId">That job.</param>
public sealed record TaskCarried(string JobId, DateTimeOffset At, string TaskType, int? ExitCode, string FromJobId) : JobEvent(JobId, At)
{
    /// <summary>The outputs it set in that job.</summary>
    public Workflows.Definitions.EquatableArray<Workflows.Definitions.NamedValue> Outputs { get; init; }
}

/// <summary>
/// A manual retry of this job (the lineage's root) was created, in the same transaction as the retry itself.
/// </summary>
/// <param name="JobId">The root job.</param>
/// <param name="At">When.</param>
/// <param name="RetryJobId">The new job.</param>
/// <param name="RetryOf">The job the caller asked to retry (the root, or one of its retries).</param>
/// <param name="RequestedBy">Who asked.</param>
/// <param name="AsAdmin">True when an admin retried another token's job.</param>
/// <param name="ParamsChanged">Parameters the retry overrides, against the retried job's (key → new value).</param>
/// <param name="DefinitionVersionFrom">The retried job's definition version.</param>
/// <param name="DefinitionVersionTo">The retry's definition version (different when a newer one was asked for).</param>
public sealed record JobRetried(
    string JobId, DateTimeOffset At, string RetryJobId, string RetryOf, string? RequestedBy, bool AsAdmin,
    IReadOnlyDictionary<string, string> ParamsChanged, int? DefinitionVersionFrom, int? DefinitionVersionTo)
    : JobEvent(JobId, At)
{
    /// <summary>The task a resumed retry starts from; null when it reruns from the start.</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>Container limits the retry changed, by task (e.g. <c>memory_limit=1Gi</c>).</summary>
    public IReadOnlyDictionary<string, string>? ResourcesChanged { get; init; }
}

/// <summary>A queued job was changed before it started; a null field was left as it was.</summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="Priority">The new priority.</param>
/// <param name="Description">The new description.</param>
/// <param name="ScheduledAt">The new earliest start.</param>
public sealed record JobUpdated(string JobId, DateTimeOffset At, int? Priority, string? Description, DateTimeOffset? ScheduledAt) : JobEvent(JobId, At);

/// <summary>A worker started the job (attempt 0 is the first run; each job retry or restart adds one).</summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="JobAttempt">The job attempt, from 0.</param>
public sealed record JobStarted(string JobId, DateTimeOffset At, int JobAttempt) : JobEvent(JobId, At);

/// <summary>Why a task was scheduled.</summary>
public enum ScheduleReason
{
    /// <summary>Reached by the job's path.</summary>
    Reached,

    /// <summary>A task retry after a failure or RESTART_TASK.</summary>
    Retry,

    /// <summary>EXECUTING: the task polls again after its delay.</summary>
    Poll,

    /// <summary>A job retry or RESTART_JOB started the path again.</summary>
    JobRetry,

    /// <summary>An always_run task after the path ended in failure or cancellation.</summary>
    Cleanup,

    /// <summary>PAUSE_JOB: the job resumes after its pause time.</summary>
    Resume,
}

/// <summary>A task attempt is due at <paramref name="DueAt"/> (a durable timer for delays).</summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When it was decided.</param>
/// <param name="TaskType">The task.</param>
/// <param name="Attempt">The task attempt, from 1; polls do not count.</param>
/// <param name="DueAt">When it may start.</param>
/// <param name="Reason">Why.</param>
public sealed record TaskScheduled(string JobId, DateTimeOffset At, string TaskType, int Attempt, DateTimeOffset DueAt, ScheduleReason Reason) : JobEvent(JobId, At)
{
    /// <summary>For a retry: the <c>retry_on</c> rule (its index) whose retries this one uses; null for the task's own <c>retry</c>.</summary>
    public int? RetryRule { get; init; }

    /// <summary>For a retry: the container limits the attempt runs with (a rule's <c>memory_factor</c>, <c>memory_limit</c>, <c>cpu_limit</c>).</summary>
    public ContainerLimitsOverride? Limits { get; init; }

    /// <summary>For a retry a retry strategy decided: the attempt's priority, when the strategy changed it.</summary>
    public int? Priority { get; init; }

    /// <summary>For a retry a retry strategy decided: the attempt's queue, when the strategy changed it.</summary>
    public string? Queue { get; init; }

    /// <summary>For a retry a retry strategy decided: the strategy's name.</summary>
    public string? Strategy { get; init; }
}

/// <summary>An executor started a task attempt.</summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="TaskType">The task.</param>
/// <param name="Attempt">The task attempt.</param>
public sealed record TaskStarted(string JobId, DateTimeOffset At, string TaskType, int Attempt) : JobEvent(JobId, At)
{
    /// <summary>The host that runs it (its lease owner name, as the dashboard's hosts list it), as formicary records a task's ant; null in streams written before hosts were recorded.</summary>
    public string? Host { get; init; }
}

/// <summary>A task attempt ended with this exit code and the action the exit-code map chose.</summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="TaskType">The task.</param>
/// <param name="Attempt">The task attempt.</param>
/// <param name="ExitCode">The exit code (null when the attempt threw or timed out).</param>
/// <param name="Action">What the code means: the mapped action, or COMPLETED/FAILED by default.</param>
/// <param name="ErrorCode">For failures, the error code (<c>ERR_FATAL</c>, <c>ERR_XYZ</c>, <c>ERR_TASK_TIMED_OUT</c>, …).</param>
/// <param name="ExceptionType">For an in-process task that threw, the exception's type.</param>
public sealed record TaskExited(string JobId, DateTimeOffset At, string TaskType, int Attempt, int? ExitCode, ExitAction Action, string? ErrorCode, string? ExceptionType)
    : JobEvent(JobId, At)
{
    /// <summary>The <c>retry_on</c> rule (its index) the failure matched, first match wins; null when none did. A FATAL rule makes <see cref="Action"/> FATAL.</summary>
    public int? RetryRule { get; init; }

    /// <summary>The task outputs the attempt set (<c>::set-output</c>, C# <c>SetOutput</c>, the method's own), sorted by name; later tasks see them as template variables.</summary>
    public Workflows.Definitions.EquatableArray<Workflows.Definitions.NamedValue> Outputs { get; init; }
}

/// <summary>The task is done, successfully (or through an exit-code branch).</summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="TaskType">The task.</param>
public sealed record TaskCompleted(string JobId, DateTimeOffset At, string TaskType) : JobEvent(JobId, At);

/// <summary>The task failed for good (its retries are used up or do not apply).</summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="TaskType">The task.</param>
/// <param name="ErrorCode">The error code recorded on the job.</param>
/// <param name="Ignored">True for an allow_failure task: the job goes on and this failure does not fail it.</param>
public sealed record TaskFailed(string JobId, DateTimeOffset At, string TaskType, string ErrorCode, bool Ignored) : JobEvent(JobId, At)
{
    /// <summary>Why, in words, when a retry strategy stopped the task (for example, a strategy name no host registered, and how to register it).</summary>
    public string? Detail { get; init; }
}

/// <summary>The job runs again: after a failure (resuming at the failed task) or RESTART_JOB (from the first task).</summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="JobAttempt">The new job attempt.</param>
/// <param name="FromTask">Where the path starts again.</param>
/// <param name="FullRestart">True when completed tasks are reset too (RESTART_JOB or hard_reset_after_retries).</param>
/// <param name="DueAt">When it may start (the job delay or backoff).</param>
public sealed record JobRetryScheduled(string JobId, DateTimeOffset At, int JobAttempt, string FromTask, bool FullRestart, DateTimeOffset DueAt) : JobEvent(JobId, At);

/// <summary>PAUSE_JOB: the job waits until <paramref name="ResumeAt"/>, then runs <paramref name="TaskType"/> again.</summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="TaskType">The task that paused the job.</param>
/// <param name="ResumeAt">When it resumes.</param>
public sealed record JobPaused(string JobId, DateTimeOffset At, string TaskType, DateTimeOffset ResumeAt) : JobEvent(JobId, At);

/// <summary>Cancellation was asked for: running tasks are told to stop.</summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
public sealed record JobCancellationRequested(string JobId, DateTimeOffset At) : JobEvent(JobId, At)
{
    /// <summary>Who asked (a token's name; null when the system or an in-process caller did).</summary>
    public string? RequestedBy { get; init; }
}

/// <summary>The job ended successfully.</summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
public sealed record JobCompleted(string JobId, DateTimeOffset At) : JobEvent(JobId, At);

/// <summary>The job ended in failure.</summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="ErrorCode">Why (<c>ERR_FATAL</c>, the failed task's code, <c>ERR_JOB_TIMED_OUT</c>, …).</param>
/// <param name="TaskType">The task that failed it, if any.</param>
public sealed record JobFailed(string JobId, DateTimeOffset At, string ErrorCode, string? TaskType) : JobEvent(JobId, At);

/// <summary>The job ended cancelled.</summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
public sealed record JobCancelled(string JobId, DateTimeOffset At) : JobEvent(JobId, At)
{
    /// <summary>Why, when the system cancelled it (e.g. the reaper: queued too long).</summary>
    public string? Reason { get; init; }

    /// <summary>Who asked, for a queued job cancelled at once (a running job's asker is on its <see cref="JobCancellationRequested"/>).</summary>
    public string? RequestedBy { get; init; }
}

/// <summary>How a job that is ending will end, once its always_run (cleanup) tasks have run.</summary>
public enum JobEnd
{
    /// <summary>It will end failed.</summary>
    Failed,

    /// <summary>It will end cancelled.</summary>
    Cancelled,
}

/// <summary>The job's path ended in failure or cancellation; its always_run tasks run before it ends.</summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="End">How it will end.</param>
/// <param name="ErrorCode">The error code it will end with (failures).</param>
/// <param name="TaskType">The task that failed it, if any.</param>
public sealed record JobEnding(string JobId, DateTimeOffset At, JobEnd End, string? ErrorCode, string? TaskType) : JobEvent(JobId, At);
