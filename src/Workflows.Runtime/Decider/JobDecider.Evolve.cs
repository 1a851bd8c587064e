using System.Collections.Immutable;
using Workflows.Definitions;

namespace Workflows.Runtime;

public static partial class JobDecider
{
    /// <summary>Folds one event into the state. Total: an event that does not apply leaves the state as it is.</summary>
    /// <param name="state">The state before.</param>
    /// <param name="event">The event.</param>
    public static JobState Evolve(JobState state, JobEvent @event) => @event switch
    {
        JobRequested e => state with
        {
            JobId = e.JobId,
            Definition = e.Definition,
            Request = e.Request,
            Status = JobStatus.Queued,
            CreatedAt = e.At,
            ResumeFrom = e.ResumeFrom,
            Carried = e.Carried ?? [],
        },
        TaskCarried e => WithTask(state, e.TaskType, run => run with { Status = TaskRunStatus.Completed, ExitCode = e.ExitCode, StartedAt = e.At, EndedAt = e.At, Outputs = e.Outputs }),
        JobRetried e => state with { RetryIds = state.RetryIds.Add(e.RetryJobId) },
        JobUpdated e => state with
        {
            Request = state.Request with
            {
                Priority = e.Priority ?? state.Request.Priority,
                Description = e.Description ?? state.Request.Description,
                ScheduledAt = e.ScheduledAt ?? state.Request.ScheduledAt,
            },
        },
        JobStarted e => state with { Status = JobStatus.Running, JobAttempt = e.JobAttempt, StartedAt = state.StartedAt ?? e.At },
        TaskScheduled e => WithTask(state, e.TaskType, run => run with
        {
            Status = e.Reason == ScheduleReason.Poll ? TaskRunStatus.Executing : TaskRunStatus.Scheduled,
            Attempt = e.Attempt,
            Skipped = false,
            Polls = e.Reason == ScheduleReason.Poll ? run.Polls + 1 : e.Reason == ScheduleReason.Retry || e.Reason == ScheduleReason.Resume ? run.Polls : 0,
            FirstStartedAt = e.Reason is ScheduleReason.Poll or ScheduleReason.Retry or ScheduleReason.Resume ? run.FirstStartedAt : null,
            DueAt = e.DueAt,
            Reason = e.Reason,
            RetriesUsed = e.Reason switch
            {
                ScheduleReason.Retry => run.WithRetryUsed(e.RetryRule ?? TaskRun.OwnRetries),
                ScheduleReason.Poll or ScheduleReason.Resume => run.RetriesUsed,
                _ => default,
            },
            Limits = e.Reason switch
            {
                ScheduleReason.Retry => e.Limits ?? run.Limits,
                ScheduleReason.Poll or ScheduleReason.Resume => run.Limits,
                _ => null,
            },
            Priority = e.Reason is ScheduleReason.Poll or ScheduleReason.Resume ? run.Priority : e.Priority,
            Queue = e.Reason is ScheduleReason.Poll or ScheduleReason.Resume ? run.Queue : e.Queue,
        }),
        TaskStarted e => WithTask(state, e.TaskType, run => run with { Status = TaskRunStatus.Started, StartedAt = e.At, FirstStartedAt = run.FirstStartedAt ?? e.At, DueAt = null }) with
        {
            Status = state.Status == JobStatus.Paused ? JobStatus.Running : state.Status,
        },
        TaskExited e => WithTask(state, e.TaskType, run => run with { ExitCode = e.ExitCode, ErrorCode = e.ErrorCode, Outputs = e.Outputs }),
        TaskSkipped e => WithTask(state, e.TaskType, run => run with { ExitCode = null, ErrorCode = null, Skipped = true }),
        TaskCompleted e => WithTask(state, e.TaskType, run => run with { Status = TaskRunStatus.Completed, EndedAt = e.At }),
        TaskFailed e => WithTask(state, e.TaskType, run => run with { Status = TaskRunStatus.Failed, EndedAt = e.At, ErrorCode = e.ErrorCode, Ignored = e.Ignored }) with
        {
            FailedTask = e.Ignored ? state.FailedTask : state.FailedTask ?? e.TaskType,
        },
        JobRetryScheduled e => state with
        {
            Status = JobStatus.Running,
            JobAttempt = e.JobAttempt,
            FailedTask = null,
            Tasks = e.FullRestart
                ? ImmutableDictionary<string, TaskRun>.Empty
                : state.Tasks.Where(t => t.Value.Status == TaskRunStatus.Completed).ToImmutableDictionary(),
        },
        JobPaused => state with { Status = JobStatus.Paused, Pauses = state.Pauses + 1 },
        JobPauseRequested e => state with { PauseRequestedBy = e.By },
        JobPausedByOperator e => state with
        {
            Status = JobStatus.Paused,
            PausedBy = e.By,
            PauseRequestedBy = null,
            // Holding a job that PAUSE_JOB paused is the same pause: it counts once.
            Pauses = state.Status == JobStatus.Paused ? state.Pauses : state.Pauses + 1,
        },
        JobResumed => state with { Status = state.Status == JobStatus.Paused ? JobStatus.Running : state.Status, PausedBy = null, PauseRequestedBy = null },
        TaskAwaitingApproval e => WithTask(state, e.TaskType, run => run with
        {
            Status = TaskRunStatus.AwaitingApproval,
            Attempt = e.Attempt,
            Reason = e.Reason,
            DueAt = null,
            StartedAt = e.At,
            FirstStartedAt = e.At,
            EndedAt = null,
            ApprovalDeadline = e.Deadline,
            Votes = default,
            Approval = null,
            Escalated = false,
        }) with
        {
            Status = state.Status is JobStatus.Running or JobStatus.Paused ? JobStatus.AwaitingApproval : state.Status,
        },
        TaskVoted e => WithTask(state, e.TaskType, run => run with { Votes = run.Votes.Append(new ApprovalVote(e.Voter, e.VoterId, e.Decision, e.Comment, e.At)).ToEquatableArray() }),
        TaskApprovalDecided e => WithTask(state, e.TaskType, run => run with { Approval = e.Decision, ApprovalDeadline = null }) with
        {
            Status = state.Status == JobStatus.AwaitingApproval ? JobStatus.Running : state.Status,
        },
        ApprovalEscalated e => WithTask(state, e.TaskType, run => run with { ApprovalDeadline = null, Escalated = true }),
        JobCancellationRequested => state with { Status = JobStatus.Cancelling },
        JobEnding e => state with
        {
            Status = JobStatus.Ending,
            Ending = e.End,
            ErrorCode = e.ErrorCode,
            FailedTask = e.TaskType ?? state.FailedTask,
            Tasks = CancelPending(state.Tasks, includeStarted: false),
        },
        JobCompleted e => state with { Status = JobStatus.Completed, EndedAt = e.At },
        JobFailed e => state with
        {
            Status = JobStatus.Failed,
            EndedAt = e.At,
            ErrorCode = e.ErrorCode,
            FailedTask = e.TaskType ?? state.FailedTask,
            Tasks = CancelPending(state.Tasks, includeStarted: true),
        },
        JobCancelled e => state with { Status = JobStatus.Cancelled, EndedAt = e.At, CancelReason = e.Reason, Tasks = CancelPending(state.Tasks, includeStarted: true) },
        _ => state,
    };

    /// <summary>Folds a whole stream.</summary>
    /// <param name="events">The events, in order.</param>
    public static JobState Fold(IEnumerable<JobEvent> events) => events.Aggregate(JobState.Initial, Evolve);

    /// <summary>When a job ends (or starts ending), nothing scheduled may start any more: a pending retry or poll is cancelled.</summary>
    private static ImmutableDictionary<string, TaskRun> CancelPending(ImmutableDictionary<string, TaskRun> tasks, bool includeStarted) =>
        tasks.ToImmutableDictionary(
            t => t.Key,
            t => t.Value.Status is TaskRunStatus.Scheduled or TaskRunStatus.Executing or TaskRunStatus.AwaitingApproval || (includeStarted && t.Value.Status == TaskRunStatus.Started)
                ? t.Value with { Status = TaskRunStatus.Cancelled, DueAt = null, ApprovalDeadline = null }
                : t.Value);

    private static JobState WithTask(JobState state, string taskType, Func<TaskRun, TaskRun> change) =>
        state with { Tasks = state.Tasks.SetItem(taskType, change(state.Task(taskType))) };
}
