namespace Workflows.Runtime;

/// <summary>
/// A custom retry strategy: asked, for a task that names it (<c>retry_strategy: name</c>, C# <c>.RetryStrategy("name")</c>),
/// what to do with a failed attempt before the failure is recorded. Register it in every worker host with
/// <c>services.AddRetryStrategy&lt;T&gt;("name")</c>. The worker asks it and passes its decision to the decider, which
/// records it (the retry's due time, priority and queue are in the <see cref="TaskScheduled"/> event), so a replay never
/// asks again.
/// </summary>
/// <remarks>
/// Only failures that would otherwise be retried or fail the task are asked about: FAILED, <c>ERR_*</c>, RESTART_TASK, a
/// timeout or an exception. COMPLETED, EXECUTING, PAUSE_JOB, RESTART_JOB and FATAL (an exit-code map entry or a FATAL
/// <c>retry_on</c> rule) are never overridden.
/// </remarks>
public interface IRetryStrategy
{
    /// <summary>What to do with the failed attempt.</summary>
    /// <param name="context">The attempt, its failure and what the task's own rules would do.</param>
    /// <param name="cancellationToken">Signalled when the worker stops.</param>
    /// <returns>Retry (at a time, or after a delay, optionally with a new priority or queue), or stop (the task fails).</returns>
    ValueTask<RetryStrategyDecision> DecideAsync(RetryContext context, CancellationToken cancellationToken);
}

/// <summary>What a retry strategy knows about a failed attempt.</summary>
/// <param name="JobId">The job run.</param>
/// <param name="JobType">Its job type.</param>
/// <param name="TaskType">The task.</param>
/// <param name="Attempt">The attempt that failed, from 1.</param>
/// <param name="JobAttempt">The job attempt, from 0.</param>
/// <param name="ExitCode">Its exit code (null when it threw or timed out).</param>
/// <param name="ErrorCode">The error code the failure is recorded with.</param>
/// <param name="ExceptionType">An in-process task's exception type.</param>
/// <param name="OutputTail">The tail of its stdout and stderr (at most <see cref="Workflows.Definitions.RetryOutput.MaxTailChars"/> characters).</param>
/// <param name="RetriesSoFar">Retries of this task already taken in this job attempt (every class).</param>
/// <param name="Priority">The job's priority.</param>
/// <param name="Queue">The job's queue.</param>
/// <param name="Default">What the task's own <c>retry</c> and <c>retry_on</c> would do.</param>
public sealed record RetryContext(
    string JobId,
    string JobType,
    string TaskType,
    int Attempt,
    int JobAttempt,
    int? ExitCode,
    string? ErrorCode,
    string? ExceptionType,
    string? OutputTail,
    int RetriesSoFar,
    int Priority,
    string Queue,
    RetryStrategyDecision Default);

/// <summary>A retry strategy's answer: retry (when, and optionally with a new priority or queue), or stop.</summary>
public sealed record RetryStrategyDecision
{
    /// <summary>True to retry; false to stop (the task fails; <c>on_failed</c>, <c>allow_failure</c> and job retries apply as usual).</summary>
    public bool Retry { get; init; }

    /// <summary>Retry at this time (wins over <see cref="RetryIn"/>).</summary>
    public DateTimeOffset? RetryAt { get; init; }

    /// <summary>Retry after this delay (from the time the result is recorded); neither set = the task's own delay/backoff.</summary>
    public TimeSpan? RetryIn { get; init; }

    /// <summary>The retry's priority (higher runs first); null keeps the job's.</summary>
    public int? Priority { get; init; }

    /// <summary>The retry's queue; null keeps the job's.</summary>
    public string? Queue { get; init; }

    /// <summary>For a stop: the error code the task fails with; null keeps the failure's own.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>For a stop: why, in words (recorded on <see cref="TaskFailed.Detail"/>).</summary>
    public string? Detail { get; init; }

    /// <summary>The strategy's name (set by the worker that asked it).</summary>
    public string? Strategy { get; init; }

    /// <summary>Retry after <paramref name="delay"/>.</summary>
    /// <param name="delay">The wait.</param>
    /// <param name="priority">A new priority, or null.</param>
    /// <param name="queue">A new queue, or null.</param>
    public static RetryStrategyDecision RetryAfter(TimeSpan delay, int? priority = null, string? queue = null) =>
        new() { Retry = true, RetryIn = delay, Priority = priority, Queue = queue };

    /// <summary>
    /// Retry after Procrastinate's <c>linear_wait</c> for this attempt: "<c>linear_wait=5</c> to wait 5 seconds then 10 then
    /// 15 and so on" (<see cref="RetryDelays.LinearWait"/> of the failed attempt's number).
    /// </summary>
    /// <param name="wait">The first wait.</param>
    /// <param name="context">The failed attempt.</param>
    /// <param name="priority">A new priority, or null.</param>
    /// <param name="queue">A new queue, or null.</param>
    public static RetryStrategyDecision RetryAfterLinearWait(TimeSpan wait, RetryContext context, int? priority = null, string? queue = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RetryAfter(RetryDelays.LinearWait(wait, context.Attempt), priority, queue);
    }

    /// <summary>
    /// Retry after Procrastinate's <c>exponential_wait</c> for this attempt: "<c>exponential_wait=5</c> to wait 5 seconds
    /// then 25 then 125 and so on" (<see cref="RetryDelays.ExponentialWait"/> of the failed attempt's number).
    /// </summary>
    /// <param name="wait">The first wait (1 s or more).</param>
    /// <param name="context">The failed attempt.</param>
    /// <param name="priority">A new priority, or null.</param>
    /// <param name="queue">A new queue, or null.</param>
    public static RetryStrategyDecision RetryAfterExponentialWait(TimeSpan wait, RetryContext context, int? priority = null, string? queue = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RetryAfter(RetryDelays.ExponentialWait(wait, context.Attempt), priority, queue);
    }

    /// <summary>Retry at <paramref name="time"/>.</summary>
    /// <param name="time">When the retry is due.</param>
    /// <param name="priority">A new priority, or null.</param>
    /// <param name="queue">A new queue, or null.</param>
    public static RetryStrategyDecision RetryAtTime(DateTimeOffset time, int? priority = null, string? queue = null) =>
        new() { Retry = true, RetryAt = time, Priority = priority, Queue = queue };

    /// <summary>Do not retry: the task fails.</summary>
    /// <param name="errorCode">The error code to fail with; null keeps the failure's own.</param>
    /// <param name="detail">Why, in words.</param>
    public static RetryStrategyDecision Stop(string? errorCode = null, string? detail = null) => new() { Retry = false, ErrorCode = errorCode, Detail = detail };
}
