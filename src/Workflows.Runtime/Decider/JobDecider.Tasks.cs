using Workflows.Definitions;

namespace Workflows.Runtime;

public static partial class JobDecider
{
    /// <summary>
    /// What an exit code means: the task's exit-code map, else 0 = COMPLETED and anything else FAILED. A timeout, an
    /// exception, or polling past the task timeout is a failure with its own error code.
    /// </summary>
    public static (ExitAction Action, string? ErrorCode) Resolve(TaskDefinition task, TaskRun run, ReportTaskResult result, DateTimeOffset now)
    {
        if (result.TimedOut)
        {
            return (ExitAction.Failed, ErrorCodes.TaskTimedOut);
        }

        if (result.ExitCode is not { } code)
        {
            return (ExitAction.Failed, result.ErrorCode ?? ErrorCodes.TaskExecute);
        }

        var mapped = task.ExitCodes.LastOrDefault(r => int.TryParse(r.Code, out var key) && key == code)?.Action;
        var action = mapped ?? (code == 0 ? ExitAction.Completed : ExitAction.Failed);
        if (action.Kind == ExitActionKind.Executing && task.Timeout is { } timeout && run.FirstStartedAt is { } first && now - first >= timeout)
        {
            return (ExitAction.Failed, ErrorCodes.TaskTimedOut);
        }

        return (action, action.Kind switch
        {
            ExitActionKind.Failed => result.ErrorCode ?? ErrorCodes.TaskExecute,
            ExitActionKind.Fatal => ErrorCodes.Fatal,
            ExitActionKind.RestartTask => ErrorCodes.RestartTask,
            ExitActionKind.RestartJob => ErrorCodes.RestartJob,
            ExitActionKind.ErrorCode => action.Value,
            _ => null,
        });
    }

    /// <summary>The next task after success: <c>on_completed</c>, or an exit-code map entry keyed <c>COMPLETED</c> (formicary's state-keyed routes).</summary>
    private static string? OnCompleted(TaskDefinition task) => task.OnCompleted ?? StateRoute(task, "COMPLETED");

    /// <summary>The next task after failure: <c>on_failed</c>, or an exit-code map entry keyed <c>FAILED</c>.</summary>
    private static string? OnFailed(TaskDefinition task) => task.OnFailed ?? StateRoute(task, "FAILED");

    private static string? StateRoute(TaskDefinition task, string state) =>
        task.ExitCodes.LastOrDefault(r => string.Equals(r.Code.Trim(), state, StringComparison.OrdinalIgnoreCase) && r.Action.Kind == ExitActionKind.GoToTask)?.Action.Value;

    private static void OnTaskResult(Decision decision, ReportTaskResult result)
    {
        var task = decision.Definition.FindTask(result.TaskType)!;
        var run = decision.State.Task(result.TaskType);
        var (action, errorCode) = Resolve(task, run, result, decision.Now);
        decision.Emit(new TaskExited(decision.JobId, decision.Now, task.TaskType, result.Attempt, result.ExitCode, action, errorCode, result.ExceptionType));

        if (decision.State.Status == JobStatus.Cancelling)
        {
            End(decision, JobEnd.Cancelled, null, null);
            return;
        }

        if (decision.State.Status == JobStatus.Ending)
        {
            // A cleanup (always_run) task: whatever its outcome, the next cleanup runs, then the job ends.
            if (action.IsFailure)
            {
                decision.Emit(new TaskFailed(decision.JobId, decision.Now, task.TaskType, errorCode!, Ignored: true));
            }
            else
            {
                decision.Emit(new TaskCompleted(decision.JobId, decision.Now, task.TaskType));
            }

            ContinueEnding(decision);
            return;
        }

        switch (action.Kind)
        {
            case ExitActionKind.Completed:
                decision.Emit(new TaskCompleted(decision.JobId, decision.Now, task.TaskType));
                Advance(decision, OnCompleted(task));
                break;
            case ExitActionKind.GoToTask:
                // Part 1 §1: the task counts as completed through the branch.
                decision.Emit(new TaskCompleted(decision.JobId, decision.Now, task.TaskType));
                Advance(decision, action.Value);
                break;
            case ExitActionKind.Executing:
                var poll = RetryDelays.For(task.DelayBetweenRetries ?? RetryDelays.DefaultPollDelay, null, 1, decision.Context.Jitter);
                decision.Schedule(task.TaskType, result.Attempt, decision.Now + poll, ScheduleReason.Poll);
                break;
            case ExitActionKind.PauseJob:
                var resumeAt = decision.Now + (decision.Definition.PauseTime ?? TimeSpan.FromSeconds(30));
                decision.Emit(new JobPaused(decision.JobId, decision.Now, task.TaskType, resumeAt));
                decision.Schedule(task.TaskType, result.Attempt, resumeAt, ScheduleReason.Resume);
                break;
            case ExitActionKind.Fatal:
                decision.Emit(new TaskFailed(decision.JobId, decision.Now, task.TaskType, ErrorCodes.Fatal, Ignored: false));
                End(decision, JobEnd.Failed, ErrorCodes.Fatal, task.TaskType);
                break;
            case ExitActionKind.RestartJob:
                if (decision.State.JobAttempt < decision.Definition.Retry)
                {
                    RetryJob(decision, decision.Definition.Tasks[0].TaskType, fullRestart: true);
                }
                else
                {
                    decision.Emit(new TaskFailed(decision.JobId, decision.Now, task.TaskType, ErrorCodes.RestartJob, Ignored: false));
                    End(decision, JobEnd.Failed, ErrorCodes.RestartJob, task.TaskType);
                }

                break;
            default:
                // FAILED, ERR_*, RESTART_TASK: the task retries while it has retries; then it fails and routing applies.
                if (result.Attempt <= task.Retry)
                {
                    var wait = RetryDelays.For(task.DelayBetweenRetries, task.Backoff, result.Attempt, decision.Context.Jitter);
                    decision.Schedule(task.TaskType, result.Attempt + 1, decision.Now + wait, ScheduleReason.Retry);
                    break;
                }

                decision.Emit(new TaskFailed(decision.JobId, decision.Now, task.TaskType, errorCode!, Ignored: task.AllowFailure));
                if (OnFailed(task) is { } handler)
                {
                    Advance(decision, handler);
                }
                else if (task.AllowFailure)
                {
                    Advance(decision, OnCompleted(task));
                }
                else
                {
                    FailPath(decision, errorCode!, task.TaskType);
                }

                break;
        }
    }
}
