using Workflows.Runtime;

namespace Workflows.Marten;

/// <summary>
/// The read model of one job run, stored with its events in the same transaction: what the API lists and shows. It
/// extends the job's <see cref="JobRequest"/>, carried whole, so the stored document keeps the request's fields at
/// its top level, where queries and indexes find them.
/// </summary>
public sealed record JobView : JobRequest
{
    /// <summary>An empty view (for the serializer).</summary>
    public JobView()
    {
    }

    private JobView(JobRequest request)
        : base(request)
    {
    }

    /// <summary>The job run's id (the stream key).</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>The job type.</summary>
    public string JobType { get; init; } = string.Empty;

    /// <summary>Where the job is.</summary>
    public JobStatus Status { get; init; }

    /// <summary>For a root: its manual retries, oldest first.</summary>
    public IReadOnlyList<string> RetryIds { get; init; } = [];

    /// <summary>Why the system cancelled the job (e.g. the reaper), when it did.</summary>
    public string? CancelReason { get; init; }

    /// <summary>
    /// For a finished job whose definition sets <c>retention_days_for_completed</c>/<c>_failed</c>/<c>_cancelled</c>:
    /// when it is archived.
    /// </summary>
    public DateTimeOffset? RetainUntil { get; init; }

    /// <summary>When the job was deleted through the API: its stream is archived, kept but no longer listed.</summary>
    public DateTimeOffset? ArchivedAt { get; init; }

    /// <summary>The job attempt, from 0.</summary>
    public int JobAttempt { get; init; }

    /// <summary>Pauses so far (PAUSE_JOB and operators'); with <see cref="JobAttempt"/> they make the <c>JobRetry</c> template variable.</summary>
    public int Pauses { get; init; }

    /// <summary>Who paused the job, while an operator's pause holds it (it waits for a resume).</summary>
    public string? PausedBy { get; init; }

    /// <summary>Who asked to pause the job while its task runs: it pauses when that attempt ends.</summary>
    public string? PauseRequestedBy { get; init; }

    /// <summary>Tasks that completed.</summary>
    public int Succeeded { get; init; }

    /// <summary>Tasks that failed and fail the job.</summary>
    public int Failed { get; init; }

    /// <summary>Tasks that failed but allow_failure ignores.</summary>
    public int Ignored { get; init; }

    /// <summary>The job's error code.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The task that failed the job.</summary>
    public string? FailedTask { get; init; }

    /// <summary>When it was requested.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When it started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The stream version this view reflects.</summary>
    public long Version { get; init; }

    /// <summary>Each task's state.</summary>
    public IReadOnlyList<TaskRun> Tasks { get; init; } = [];

    /// <summary>The view of a folded state.</summary>
    /// <param name="state">The job's state.</param>
    /// <param name="version">Its stream version.</param>
    public static JobView From(JobState state, long version) => new(state.Request)
    {
        Id = state.JobId,
        JobType = state.Definition?.JobType ?? string.Empty,
        Status = state.Status,
        RetryIds = state.RetryIds,
        CancelReason = state.CancelReason,
        RetainUntil = RetainUntilOf(state),
        JobAttempt = state.JobAttempt,
        Pauses = state.Pauses,
        PausedBy = state.IsHeld ? state.PausedBy : null,
        PauseRequestedBy = state.Status == JobStatus.Running ? state.PauseRequestedBy : null,
        Succeeded = state.Succeeded,
        Failed = state.Failed,
        Ignored = state.Ignored,
        ErrorCode = state.ErrorCode,
        FailedTask = state.FailedTask,
        CreatedAt = state.CreatedAt,
        StartedAt = state.StartedAt,
        EndedAt = state.EndedAt,
        Version = version,
        Tasks = state.Tasks.Values.OrderBy(t => t.StartedAt ?? t.DueAt).ThenBy(t => t.TaskType, StringComparer.Ordinal).ToList(),
    };

    private static DateTimeOffset? RetainUntilOf(JobState state)
    {
        var days = state.Status switch
        {
            JobStatus.Completed => state.Definition?.RetentionDaysForCompleted,
            JobStatus.Failed => state.Definition?.RetentionDaysForFailed,
            JobStatus.Cancelled => state.Definition?.RetentionDaysForCancelled,
            _ => null,
        };
        return days is { } d && state.EndedAt is { } ended ? ended.AddDays(d) : null;
    }
}
