using Workflows.Runtime;

namespace Workflows.Client;

/// <summary>A job as the client shows it: what was asked, where it is, and each task's latest attempt.</summary>
/// <param name="Id">The job's id.</param>
/// <param name="JobType">The job type.</param>
/// <param name="Status">Where it is.</param>
/// <param name="ErrorCode">The error code it failed with, once failing or failed.</param>
/// <param name="FailedTask">The task it failed with.</param>
/// <param name="Params">The request parameters.</param>
/// <param name="Priority">Higher runs first.</param>
/// <param name="Queue">The named queue.</param>
/// <param name="CreatedAt">When it was requested.</param>
/// <param name="StartedAt">When a worker first started it.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="JobAttempt">The job attempt, from 0 (job retries and RESTART_JOB add one).</param>
/// <param name="RetryOf">For a manual retry: the job it retries.</param>
/// <param name="RetryRoot">For a manual retry: its lineage's root.</param>
/// <param name="Succeeded">Tasks that completed in the current job attempt.</param>
/// <param name="Failed">Tasks that failed (not ignored).</param>
/// <param name="Ignored">Tasks that failed but allow_failure ignored.</param>
/// <param name="Tasks">Each task's latest attempt, in the order they ran.</param>
public sealed record JobInfo(
    string Id,
    string JobType,
    JobStatus Status,
    string? ErrorCode,
    string? FailedTask,
    IReadOnlyDictionary<string, string> Params,
    int Priority,
    string Queue,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    int JobAttempt,
    string? RetryOf,
    string? RetryRoot,
    int Succeeded,
    int Failed,
    int Ignored,
    IReadOnlyList<TaskInfo> Tasks)
{
    /// <summary>Not started before this time (a scheduled job's instant, or the request's <c>scheduled_at</c>).</summary>
    public DateTimeOffset? ScheduledAt { get; init; }

    /// <summary>True once it completed, failed or was cancelled.</summary>
    public bool HasEnded => Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled;

    /// <summary>One line: id, type, status and error code.</summary>
    public override string ToString() => $"{Id} ({JobType}) {Status}{(ErrorCode is { } code ? " with " + code : string.Empty)}";

    internal static JobInfo From(Marten.JobView view) => new(
        view.Id,
        view.JobType,
        view.Status,
        view.ErrorCode,
        view.FailedTask,
        view.Params,
        view.Priority,
        view.Queue,
        view.CreatedAt,
        view.StartedAt,
        view.EndedAt,
        view.JobAttempt,
        view.RetryOf,
        view.RetryRoot,
        view.Succeeded,
        view.Failed,
        view.Ignored,
        view.Tasks.Select(t => new TaskInfo(t.TaskType, t.Status, t.Attempt, t.ExitCode, t.ErrorCode, t.StartedAt, t.EndedAt)).ToList())
    {
        ScheduledAt = view.ScheduledAt,
    };
}

/// <summary>A task's latest attempt.</summary>
/// <param name="TaskType">The task.</param>
/// <param name="Status">Where it is.</param>
/// <param name="Attempt">Its attempt, from 1.</param>
/// <param name="ExitCode">Its latest exit code.</param>
/// <param name="ErrorCode">The error code it failed with.</param>
/// <param name="StartedAt">When its latest attempt started.</param>
/// <param name="EndedAt">When it completed or failed.</param>
public sealed record TaskInfo(string TaskType, TaskRunStatus Status, int Attempt, int? ExitCode, string? ErrorCode, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt)
{
    /// <inheritdoc />
    public override string ToString() => $"{TaskType}#{Attempt} {Status}{(ExitCode is { } exit ? " exit " + exit.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty)}{(ErrorCode is { } code ? " " + code : string.Empty)}";
}
