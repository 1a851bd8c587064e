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
        var start = view.ScheduledAt is { } at && at > view.CreatedAt ? at : view.CreatedAt;
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
            NumSuccess = view.Succeeded,
            NumError = view.Failed,
            NumIgnore = view.Ignored,
            ErrorCode = view.ErrorCode,
            FailedTask = view.FailedTask,
            CancelReason = view.CancelReason,
            Retriable = view.Status is JobStatus.Failed or JobStatus.Cancelled,
            RetryOf = view.RetryOf,
            RetryRoot = view.RetryRoot,
            RetryIds = view.RetryIds.Count == 0 ? null : view.RetryIds,
            RetryCount = view.RetryIds.Count,
            ParentJobId = view.ParentJobId,
            ForkTask = view.ForkTask,
            LockKey = view.LockKey,
            CreatedAt = view.CreatedAt,
            ScheduledAt = view.ScheduledAt,
            StartedAt = view.StartedAt,
            EndedAt = view.EndedAt,
            QueueTime = view.StartedAt - start is { } waited ? Math.Max(0, waited.TotalSeconds) : null,
            Tasks = events is null ? null : Tasks(view, events),
        };
    }

    private static List<TaskDto> Tasks(JobView view, IReadOnlyList<JobEvent> events)
    {
        var attempts = new Dictionary<string, List<AttemptDto>>(StringComparer.Ordinal);
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
                    if (!attempts.TryGetValue(x.TaskType, out var list))
                    {
                        attempts[x.TaskType] = list = [];
                    }

                    list.Add(new AttemptDto(
                        jobAttempt, x.Attempt, started.GetValueOrDefault((x.TaskType, x.Attempt)), x.At, x.ExitCode,
                        x.Action.ToString(), x.ErrorCode, x.ExceptionType));
                    break;
            }
        }

        return view.Tasks.Select(t => new TaskDto
        {
            TaskType = t.TaskType,
            Status = t.Status,
            Attempt = t.Attempt,
            Polls = t.Polls,
            ExitCode = t.ExitCode,
            ErrorCode = t.ErrorCode,
            Ignored = t.Ignored,
            DueAt = t.DueAt,
            StartedAt = t.StartedAt,
            EndedAt = t.EndedAt,
            Attempts = attempts.GetValueOrDefault(t.TaskType) ?? [],
        }).ToList();
    }

    /// <summary>Every ended task attempt of a stream, in order, with the job attempt it ran in.</summary>
    public static List<LineageAttemptDto> Attempts(IReadOnlyList<JobEvent> events)
    {
        var attempts = new List<LineageAttemptDto>();
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
                case TaskExited x:
                    attempts.Add(new LineageAttemptDto(jobAttempt, x.TaskType, x.Attempt, x.ExitCode, x.Action.ToString(), x.ErrorCode, x.At));
                    break;
            }
        }

        return attempts;
    }

    public static EventDto ToDto(JobEvent e, int sequence) => new(
        sequence,
        JsonNamingPolicy.SnakeCaseLower.ConvertName(e.GetType().Name),
        e.At,
        JsonSerializer.SerializeToElement(e, e.GetType(), ApiJson.Options));
}
