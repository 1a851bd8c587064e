namespace Workflows.Runtime;

/// <summary>One task's state within the current job attempt.</summary>
/// <param name="TaskType">The task.</param>
/// <param name="Status">Where it is.</param>
/// <param name="Attempt">The current attempt, from 1 (0 = never scheduled); polls keep the attempt.</param>
/// <param name="Polls">EXECUTING polls so far in this attempt series.</param>
/// <param name="DueAt">When the scheduled attempt may start.</param>
/// <param name="FirstStartedAt">When this task first started in this attempt series (the poll timeout counts from it).</param>
/// <param name="StartedAt">When the latest attempt started.</param>
/// <param name="EndedAt">When it completed or failed.</param>
/// <param name="ExitCode">The latest exit code.</param>
/// <param name="ErrorCode">The error code it failed with.</param>
/// <param name="Ignored">True when it failed but allow_failure ignores it.</param>
/// <param name="Reason">Why the scheduled attempt was scheduled.</param>
public sealed record TaskRun(
    string TaskType,
    TaskRunStatus Status = TaskRunStatus.Ready,
    int Attempt = 0,
    int Polls = 0,
    DateTimeOffset? DueAt = null,
    DateTimeOffset? FirstStartedAt = null,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? EndedAt = null,
    int? ExitCode = null,
    string? ErrorCode = null,
    bool Ignored = false,
    ScheduleReason Reason = ScheduleReason.Reached)
{
    /// <summary>
    /// Retries used in this attempt series, by <c>retry_on</c> rule index (<see cref="OwnRetries"/> for the task's own
    /// <c>retry</c>): folded from the <see cref="TaskScheduled"/> retries, reset when the task is reached again.
    /// </summary>
    /// <remarks>An equatable array (sorted by rule), so two runs with the same counts are equal: a job view read back equals one rebuilt from the stream.</remarks>
    public Workflows.Definitions.EquatableArray<RetryCount> RetriesUsed { get; init; }

    /// <summary>The container limits the current attempt runs with, when a retry rule changed them.</summary>
    public ContainerLimitsOverride? Limits { get; init; }

    /// <summary>The current attempt's priority, when a retry strategy changed it (else the job's).</summary>
    public int? Priority { get; init; }

    /// <summary>The current attempt's queue, when a retry strategy changed it (else the job's).</summary>
    public string? Queue { get; init; }

    /// <summary>The outputs its latest attempt set (sorted by name), which later tasks see as template variables.</summary>
    public Workflows.Definitions.EquatableArray<Workflows.Definitions.NamedValue> Outputs { get; init; }

    /// <summary>For a MANUAL task: the votes cast since the path reached it, in order.</summary>
    public Workflows.Definitions.EquatableArray<ApprovalVote> Votes { get; init; }

    /// <summary>For a MANUAL task waiting for votes: when its SLA's <c>timeout_action</c> applies (null: none, or escalated).</summary>
    public DateTimeOffset? ApprovalDeadline { get; init; }

    /// <summary>For a decided MANUAL task: the outcome.</summary>
    public ApprovalDecision? Approval { get; init; }

    /// <summary>For a MANUAL task: true once its SLA passed and it was escalated.</summary>
    public bool Escalated { get; init; }

    /// <summary>True when its <c>except</c> said true and it was not run: completed with exit code SKIPPED.</summary>
    public bool Skipped { get; init; }

    /// <summary>The key of <see cref="RetriesUsed"/> for the task's own <c>retry</c>.</summary>
    public const int OwnRetries = -1;

    /// <summary>Retries used so far by a rule, or by the task's own <c>retry</c> (<see cref="OwnRetries"/>).</summary>
    /// <param name="rule">The rule index, or <see cref="OwnRetries"/>.</param>
    public int Used(int rule) => RetriesUsed.FirstOrDefault(c => c.Rule == rule)?.Used ?? 0;

    /// <summary>The counts with one more retry used by <paramref name="rule"/>.</summary>
    /// <param name="rule">The rule index, or <see cref="OwnRetries"/>.</param>
    public Workflows.Definitions.EquatableArray<RetryCount> WithRetryUsed(int rule) =>
        RetriesUsed.Where(c => c.Rule != rule).Append(new RetryCount(rule, Used(rule) + 1)).OrderBy(c => c.Rule).ToArray();
}

/// <summary>Retries used by one <c>retry_on</c> rule (or the task's own <c>retry</c>) in an attempt series.</summary>
/// <param name="Rule">The rule index, or <see cref="TaskRun.OwnRetries"/>.</param>
/// <param name="Used">Retries it used.</param>
public sealed record RetryCount(int Rule, int Used);
