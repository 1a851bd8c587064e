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
    ScheduleReason Reason = ScheduleReason.Reached);
