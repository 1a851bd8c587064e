using System.Globalization;
using Workflows.Definitions;

namespace Workflows.Runtime;

/// <summary>
/// The one place workflow semantics live: <see cref="Decide"/> turns a command and the state into events, and
/// <see cref="Evolve"/> folds an event into the state. Pure: no I/O, no clock (the time and jitter come in the
/// <see cref="DecisionContext"/>), so every rule is unit-tested without a database.
/// </summary>
public static partial class JobDecider
{
    /// <summary>The events a command produces; none when it does not apply (a duplicate or stale report, a finished job).</summary>
    /// <param name="command">What is asked.</param>
    /// <param name="state">The job's current state.</param>
    /// <param name="context">The time and a jitter sample.</param>
    public static IReadOnlyList<JobEvent> Decide(JobCommand command, JobState state, DecisionContext context)
    {
        if (command is ReportTaskResult { EndedAt: { } ended } && ended < context.Now)
        {
            context = context with { Now = ended };
        }

        var decision = new Decision(state, context);
        switch (command)
        {
            case RequestJob request when state.Status == JobStatus.None:
                decision.Emit(new JobRequested(request.JobId, context.Now, request.Definition, request.Request.AsRequest())
                {
                    ResumeFrom = request.ResumeFrom,
                    Carried = request.Carried,
                });
                break;
            case UpdateQueuedJob update when state.Status == JobStatus.Queued && (update.Priority ?? update.Description ?? (object?)update.ScheduledAt) is not null:
                decision.Emit(new JobUpdated(state.JobId, context.Now, update.Priority, update.Description, update.ScheduledAt));
                break;
            case StartJob start when state.Status == JobStatus.Queued && SaysSkip(start.SkipIf):
                SkipJob(decision, start.SkipIf!);
                break;
            case StartJob when state.Status == JobStatus.Queued:
                decision.Emit(new JobStarted(state.JobId, context.Now, 0));
                foreach (var carried in state.Carried)
                {
                    decision.Emit(new TaskCarried(state.JobId, context.Now, carried.TaskType, carried.ExitCode, carried.FromJobId) { Outputs = carried.Outputs });
                }

                decision.Schedule(state.ResumeFrom ?? state.Definition!.Tasks[0].TaskType, 1, context.Now, ScheduleReason.Reached);
                break;
            case StartTask start when CanStart(state, start):
                decision.Emit(new TaskStarted(state.JobId, context.Now, start.TaskType, start.Attempt) { Host = start.Host });
                break;
            case ReportTaskResult result when IsCurrent(state, result):
                OnTaskResult(decision, result);
                HoldIfAsked(decision);
                break;
            case CheckExcept check when IsCurrent(state, check.TaskType, check.Attempt) && SaysSkip(check.Except):
                SkipTask(decision, check);
                break;
            case CancelJob cancel when state.Status == JobStatus.Queued:
                decision.Emit(new JobCancelled(state.JobId, context.Now) { Reason = cancel.Reason, RequestedBy = cancel.RequestedBy });
                break;
            case CancelJob cancel when state.Status is JobStatus.Running or JobStatus.Paused or JobStatus.AwaitingApproval:
                decision.Emit(new JobCancellationRequested(state.JobId, context.Now) { RequestedBy = cancel.RequestedBy });
                if (!state.Tasks.Values.Any(t => t.Status == TaskRunStatus.Started))
                {
                    End(decision, JobEnd.Cancelled, null, null);
                }

                break;
            case ConfirmCancelled when state.Status == JobStatus.Cancelling:
                End(decision, JobEnd.Cancelled, null, null);
                break;
            case JobTimedOut when state.Status is JobStatus.Running or JobStatus.Paused or JobStatus.AwaitingApproval:
                End(decision, JobEnd.Failed, ErrorCodes.JobTimedOut, null);
                break;
            case PauseRunningJob pause when CanPause(state) is null:
                Pause(decision, pause);
                break;
            case ResumePausedJob resume when CanResume(state) is null:
                Resume(decision, resume);
                break;
            case VoteOnTask vote when CanVote(state, vote) is null:
                OnVote(decision, vote);
                break;
            case ApprovalDeadlinePassed passed when DeadlinePassed(state, passed, context.Now):
                OnDeadline(decision, passed.TaskType);
                break;
        }

        return decision.Events;
    }

    /// <summary>A scheduled attempt may start while the job runs (not while an operator holds it paused); once it is ending, only its cleanup tasks may.</summary>
    private static bool CanStart(JobState state, StartTask start) =>
        !state.IsHeld
        && state.Tasks.TryGetValue(start.TaskType, out var run)
        && run.Attempt == start.Attempt
        && run.Status is TaskRunStatus.Scheduled or TaskRunStatus.Executing
        && (state.Status is JobStatus.Running or JobStatus.Paused || (state.Status == JobStatus.Ending && run.Reason == ScheduleReason.Cleanup));

    /// <summary>
    /// A result counts once, for the attempt that is running; duplicates and stale reports are ignored. While a job is
    /// ending, only its cleanup tasks' results count: a task that was running when the job timed out or was cancelled
    /// cannot end the job before its cleanup has run.
    /// </summary>
    private static bool IsCurrent(JobState state, ReportTaskResult result) => IsCurrent(state, result.TaskType, result.Attempt);

    private static bool IsCurrent(JobState state, string taskType, int attempt) =>
        state.Status is JobStatus.Running or JobStatus.Ending or JobStatus.Cancelling
        && state.Tasks.TryGetValue(taskType, out var run)
        && run.Attempt == attempt
        && run.Status == TaskRunStatus.Started
        && (state.Status != JobStatus.Ending || run.Reason == ScheduleReason.Cleanup);

    /// <summary>Events decided so far, with the state they lead to (a decision may cascade).</summary>
    private sealed class Decision(JobState state, DecisionContext context)
    {
        public JobState State { get; private set; } = state;

        public DecisionContext Context { get; } = context;

        public List<JobEvent> Events { get; } = [];

        public JobDefinition Definition => State.Definition!;

        public DateTimeOffset Now => Context.Now;

        public string JobId => State.JobId;

        public void Emit(JobEvent @event)
        {
            Events.Add(@event);
            State = Evolve(State, @event);
        }

        public void Schedule(string taskType, int attempt, DateTimeOffset dueAt, ScheduleReason reason)
        {
            if (Definition.FindTask(taskType) is { EffectiveMethod: TaskMethod.Manual } gate)
            {
                AwaitApproval(this, gate, attempt, reason);
                return;
            }

            Emit(new TaskScheduled(JobId, Now, taskType, attempt, dueAt, reason));
        }
    }

    private static string Code(int value) => value.ToString(CultureInfo.InvariantCulture);
}
