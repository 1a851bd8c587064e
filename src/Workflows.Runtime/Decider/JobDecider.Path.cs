using Workflows.Definitions;

namespace Workflows.Runtime;

public static partial class JobDecider
{
    /// <summary>Goes on to the next task, or ends the path: success unless a task failed (and was not ignored) on the way.</summary>
    private static void Advance(Decision decision, string? next)
    {
        if (next is not null)
        {
            decision.Schedule(next, 1, decision.Now, ScheduleReason.Reached);
            return;
        }

        if (decision.State.FailedTask is { } failed)
        {
            // on_failed handlers do not rescue a job: it still fails with the task's error (retries apply).
            FailPath(decision, decision.State.Task(failed).ErrorCode!, failed);
            return;
        }

        decision.Emit(new JobCompleted(decision.JobId, decision.Now));
    }

    /// <summary>
    /// The next task to run on a success route: a task a retry carried from the job it retried (kept completed, with its
    /// results) is not run again; the path goes on through it as it went then (its exit code's branch, else its
    /// completed route). A failure handler (<c>on_failed</c>) is not skipped this way: it runs for the new failure.
    /// </summary>
    private static string? PastCarried(Decision decision, string? next)
    {
        var passed = new HashSet<string>(StringComparer.Ordinal);
        while (next is not null && decision.State.Carried.FirstOrDefault(c => c.TaskType == next) is { } carried
               && decision.State.Task(next).Status == TaskRunStatus.Completed && passed.Add(next))
        {
            var task = decision.Definition.FindTask(next)!;
            var branch = carried.ExitCode is { } code ? task.ExitCodes.LastOrDefault(r => int.TryParse(r.Code, out var key) && key == code)?.Action : null;
            next = branch is { Kind: ExitActionKind.GoToTask } ? branch.Value : OnCompleted(task);
        }

        return next;
    }

    /// <summary>
    /// The path ended in failure: a job retry resumes at the failed task while retries remain (pauses use them up, as
    /// formicary's one <c>retried</c> counter does: <see cref="JobState.JobRetry"/>); else the job fails.
    /// </summary>
    private static void FailPath(Decision decision, string errorCode, string taskType)
    {
        var definition = decision.Definition;
        if (decision.State.JobRetry < definition.Retry)
        {
            var next = decision.State.JobAttempt + 1;
            var hard = definition.HardResetAfterRetries > 0 && next % (definition.HardResetAfterRetries + 1) == 0;
            RetryJob(decision, hard ? definition.Tasks[0].TaskType : taskType, fullRestart: hard);
            return;
        }

        End(decision, JobEnd.Failed, errorCode, taskType);
    }

    private static void RetryJob(Decision decision, string fromTask, bool fullRestart)
    {
        var definition = decision.Definition;
        var attempt = decision.State.JobAttempt + 1;
        var dueAt = decision.Now + RetryDelays.For(definition.DelayBetweenRetries, definition.Backoff, attempt, decision.Context.Jitter);
        decision.Emit(new JobRetryScheduled(decision.JobId, decision.Now, attempt, fromTask, fullRestart, dueAt));
        decision.Schedule(fromTask, 1, dueAt, ScheduleReason.JobRetry);
    }

    /// <summary>Ends the job: always_run tasks that have not run in this attempt run first (cleanup), then it ends.</summary>
    private static void End(Decision decision, JobEnd end, string? errorCode, string? taskType)
    {
        var cleanup = decision.Definition.Tasks.Where(t => t.AlwaysRun && decision.State.Task(t.TaskType).Status == TaskRunStatus.Ready).ToList();
        if (cleanup.Count == 0)
        {
            Finish(decision, end, errorCode, taskType);
            return;
        }

        decision.Emit(new JobEnding(decision.JobId, decision.Now, end, errorCode, taskType));
        decision.Schedule(cleanup[0].TaskType, 1, decision.Now, ScheduleReason.Cleanup);
    }

    private static void ContinueEnding(Decision decision)
    {
        var next = decision.Definition.Tasks.FirstOrDefault(t => t.AlwaysRun && decision.State.Task(t.TaskType).Status == TaskRunStatus.Ready);
        if (next is not null)
        {
            decision.Schedule(next.TaskType, 1, decision.Now, ScheduleReason.Cleanup);
            return;
        }

        Finish(decision, decision.State.Ending ?? JobEnd.Failed, decision.State.ErrorCode, decision.State.FailedTask);
    }

    private static void Finish(Decision decision, JobEnd end, string? errorCode, string? taskType)
    {
        if (end == JobEnd.Cancelled)
        {
            decision.Emit(new JobCancelled(decision.JobId, decision.Now));
        }
        else
        {
            decision.Emit(new JobFailed(decision.JobId, decision.Now, errorCode ?? ErrorCodes.TaskExecute, taskType));
        }
    }
}
