using System.Text.Json;
using Workflows.Api.Contracts;
using Workflows.Marten;
using Workflows.Runtime;

namespace Workflows.Api.Operations;

/// <summary>From the job view and its events to the API's shapes.</summary>
internal static class JobMapping
{
    public static JobDto ToDto(JobView view, IReadOnlyList<JobEvent>? events = null)
    {
        return new JobDto
        {
            Id = view.Id,
            JobType = view.JobType,
            Status = view.Status,
            Priority = view.Priority,
            Queue = view.Queue,
            Params = view.Params,
            Description = view.Description,
            SubmittedBy = view.SubmittedBy,
            DefinitionVersion = view.DefinitionVersion,
            JobAttempt = view.JobAttempt,
            Pauses = view.Pauses,
            PausedBy = view.PausedBy,
            PauseRequestedBy = view.PauseRequestedBy,
            Succeeded = view.Succeeded,
            Failed = view.Failed,
            Ignored = view.Ignored,
            ErrorCode = view.ErrorCode,
            FailedTask = view.FailedTask,
            CancelReason = view.CancelReason,
            RetryOf = view.RetryOf,
            RetryRoot = view.RetryRoot,
            RetryIds = view.RetryIds.Count == 0 ? null : view.RetryIds,
            RetryCount = view.RetryIds.Count,
            ParentJobId = view.ParentJobId,
            ForkTask = view.ForkTask,
            LockKey = view.LockKey,
            UserKey = view.UserKey,
            CreatedAt = view.CreatedAt,
            ScheduledAt = view.ScheduledAt,
            StartedAt = view.StartedAt,
            EndedAt = view.EndedAt,
            QueueTime = JobTimes.QueueTime(view.CreatedAt, view.ScheduledAt, view.StartedAt)?.TotalSeconds,
            Tasks = events is null ? null : Tasks(view, events),
        };
    }

    private static List<TaskDto> Tasks(JobView view, IReadOnlyList<JobEvent> events)
    {
        var attempts = Ended(events).ToLookup(
            a => a.Exited.TaskType,
            a => new AttemptDto(a.JobAttempt, a.Exited.Attempt, a.StartedAt, a.Exited.At, a.Exited.ExitCode, a.Exited.Action.ToString(), a.Exited.ErrorCode, a.Exited.ExceptionType),
            StringComparer.Ordinal);
        return view.Tasks.Select(t => new TaskDto
        {
            TaskType = t.TaskType,
            Status = t.Status,
            Attempt = t.Attempt,
            Polls = t.Polls,
            ExitCode = t.ExitCode,
            ErrorCode = t.ErrorCode,
            Ignored = t.Ignored,
            Skipped = t.Skipped,
            DueAt = t.DueAt,
            StartedAt = t.StartedAt,
            EndedAt = t.EndedAt,
            Outputs = t.Outputs.Count == 0 ? null : t.Outputs.ToDictionary(o => o.Name, o => o.Value, StringComparer.Ordinal),
            Attempts = attempts[t.TaskType].ToList(),
        }).ToList();
    }

    /// <summary>Every ended task attempt of a stream, in order, with the job attempt it ran in.</summary>
    public static List<LineageAttemptDto> Attempts(IReadOnlyList<JobEvent> events) => Ended(events)
        .Select(a => new LineageAttemptDto(a.JobAttempt, a.Exited.TaskType, a.Exited.Attempt, a.Exited.ExitCode, a.Exited.Action.ToString(), a.Exited.ErrorCode, a.Exited.At))
        .ToList();

    /// <summary>The stream's ended task attempts, in order, each with the job attempt it ran in and when it started.</summary>
    private static IEnumerable<(int JobAttempt, TaskExited Exited, DateTimeOffset? StartedAt)> Ended(IReadOnlyList<JobEvent> events)
    {
        var started = new Dictionary<(string, int), DateTimeOffset>();
        var jobAttempt = 0;
        foreach (var e in events)
        {
            switch (e)
            {
                case JobStarted s:
                    jobAttempt = s.JobAttempt;
                    break;
                case JobRetryScheduled r:
                    jobAttempt = r.JobAttempt;
                    break;
                case TaskStarted s:
                    started[(s.TaskType, s.Attempt)] = s.At;
                    break;
                case TaskExited x:
                    yield return (jobAttempt, x, started.TryGetValue((x.TaskType, x.Attempt), out var at) ? at : null);
                    break;
            }
        }
    }

    public static EventDto ToDto(JobEvent e, int sequence) => new(
        sequence,
        JsonNamingPolicy.SnakeCaseLower.ConvertName(e.GetType().Name),
        e.At,
        JsonSerializer.SerializeToElement(e, e.GetType(), ApiJson.Options));
}
