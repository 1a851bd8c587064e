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

    /// <summary>Actions a failure's retry rules, retries and retry strategy apply to: FAILED, <c>ERR_*</c> and RESTART_TASK.</summary>
    private static bool IsRetriedFailure(ExitAction action) => action.Kind is ExitActionKind.Failed or ExitActionKind.ErrorCode or ExitActionKind.RestartTask;

    /// <summary>
    /// The first <c>retry_on</c> rule the failure matches: every criterion the rule sets must match (within a list, any
    /// element); exception types match by full or simple name; output patterns are searched in the reported tail.
    /// </summary>
    private static int? MatchRule(TaskDefinition task, ReportTaskResult result, string? errorCode)
    {
        for (var i = 0; i < task.RetryRules.Count; i++)
        {
            var rule = task.RetryRules[i];
            if (rule.MatchesNothing
                || (!rule.ExitCodes.IsEmpty && !(result.ExitCode is { } code && rule.ExitCodes.Contains(code)))
                || (!rule.ErrorCodes.IsEmpty && !rule.ErrorCodes.Contains(errorCode ?? string.Empty, StringComparer.Ordinal))
                || (!rule.Exceptions.IsEmpty && !(result.ExceptionType is { } type && rule.Exceptions.Any(e => SameException(e, type))))
                || (rule.Output is { } pattern && !RetryOutput.Matches(pattern, result.OutputTail)))
            {
                continue;
            }

            return i;
        }

        return null;
    }

    private static bool SameException(string written, string fullName)
    {
        var name = written.Trim();
        if (string.Equals(name, fullName, StringComparison.Ordinal))
        {
            return true;
        }

        var simple = fullName[(Math.Max(fullName.LastIndexOf('.'), fullName.LastIndexOf('+')) + 1)..];
        return !name.Contains('.', StringComparison.Ordinal) && string.Equals(name, simple, StringComparison.Ordinal);
    }

    /// <summary>
    /// The retry of a failed attempt, or null when it fails for good. The failure's class is its matched rule, else the
    /// task's own <c>retry</c>; each class counts its own retries (<see cref="TaskRun.RetriesUsed"/>) and waits its own
    /// delay/backoff (a rule with neither uses the task's). A rule's resource change is computed from the attempt's
    /// limits. A retry strategy's decision, when reported, wins: it may retry past the limits, at its own time, priority
    /// and queue, or stop.
    /// </summary>
    private static TaskScheduled? Retry(Decision decision, TaskDefinition task, TaskRun run, ReportTaskResult result, int? ruleIndex)
    {
        var rule = ruleIndex is { } r ? task.RetryRules[r] : null;
        var key = ruleIndex ?? TaskRun.OwnRetries;
        var used = run.Used(key);
        var unlimited = rule?.UnlimitedRetries ?? task.UnlimitedRetries;
        var limit = rule?.Retry ?? task.Retry;
        var own = rule is not null && (rule.DelayBetweenRetries is not null || rule.Backoff is not null);
        var wait = RetryDelays.For(own ? rule!.DelayBetweenRetries : task.DelayBetweenRetries, own ? rule!.Backoff : task.Backoff, used + 1, decision.Context.Jitter);
        var retry = unlimited || used < limit;
        var due = decision.Now + wait;
        if (result.Strategy is { } strategy)
        {
            retry = strategy.Retry;
            due = strategy.RetryAt ?? (strategy.RetryIn is { } delay ? decision.Now + RetryDelays.For(delay, null, 1, 0) : due);
        }

        if (!retry)
        {
            return null;
        }

        return new TaskScheduled(decision.JobId, decision.Now, task.TaskType, result.Attempt + 1, due < decision.Now ? decision.Now : due, ScheduleReason.Retry)
        {
            RetryRule = ruleIndex,
            Limits = rule is { ChangesResources: true } && task.Container is { } container ? NextLimits(container, run.Limits, rule) : null,
            Priority = result.Strategy?.Priority,
            Queue = result.Strategy?.Queue,
            Strategy = result.Strategy?.Strategy,
        };
    }

    /// <summary>The next attempt's limits: the rule's fixed ones, else the current ones (the last override, else the container's) times the memory factor.</summary>
    private static ContainerLimitsOverride NextLimits(ContainerSpec container, ContainerLimitsOverride? current, RetryRule rule)
    {
        var memory = current?.MemoryLimit ?? container.MemoryLimit;
        var cpu = current?.CpuLimit ?? container.CpuLimit;
        return new ContainerLimitsOverride(
            rule.CpuLimit ?? cpu,
            rule.MemoryLimit ?? (rule.MemoryFactor is { } factor ? ResourceQuantities.MultiplyMemory(memory, factor) ?? memory : memory));
    }

    /// <summary>
    /// What the task's own retries and rules would do with a failed attempt (the default a retry strategy is shown):
    /// retry at a time, or stop with an error code; null when the result is not such a failure or does not apply.
    /// </summary>
    /// <param name="state">The job's state with the attempt started.</param>
    /// <param name="result">The result (its strategy decision, if any, is ignored).</param>
    /// <param name="context">The time and jitter.</param>
    public static RetryStrategyDecision? DefaultRetry(JobState state, ReportTaskResult result, DecisionContext context)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(result);
        if (state.Status != JobStatus.Running)
        {
            return null;
        }

        var events = Decide(result with { Strategy = null }, state, context);
        if (events.OfType<TaskExited>().FirstOrDefault() is not { } exited || !IsRetriedFailure(exited.Action))
        {
            return null;
        }

        return events.OfType<TaskScheduled>().FirstOrDefault(e => e.TaskType == result.TaskType && e.Reason == ScheduleReason.Retry) is { } retry
            ? new RetryStrategyDecision { Retry = true, RetryAt = retry.DueAt, ErrorCode = exited.ErrorCode }
            : RetryStrategyDecision.Stop(exited.ErrorCode);
    }

    /// <summary>
    /// The next task after success: <c>on_completed</c>, or an exit-code map entry keyed <c>COMPLETED</c> (formicary's
    /// state-keyed routes), else <c>on_exit</c>.
    /// </summary>
    private static string? OnCompleted(TaskDefinition task) => task.OnCompleted ?? StateRoute(task, "COMPLETED") ?? task.OnExit;

    /// <summary>The next task after failure: <c>on_failed</c>, or an exit-code map entry keyed <c>FAILED</c>, else <c>on_exit</c>.</summary>
    private static string? OnFailed(TaskDefinition task) => task.OnFailed ?? StateRoute(task, "FAILED") ?? task.OnExit;

    private static string? StateRoute(TaskDefinition task, string state) =>
        task.ExitCodes.LastOrDefault(r => string.Equals(r.Code.Trim(), state, StringComparison.OrdinalIgnoreCase) && r.Action.Kind == ExitActionKind.GoToTask)?.Action.Value;

    private static void OnTaskResult(Decision decision, ReportTaskResult result)
    {
        var task = decision.Definition.FindTask(result.TaskType)!;
        var run = decision.State.Task(result.TaskType);
        var (action, errorCode) = Resolve(task, run, result, decision.Now);
        int? ruleIndex = null;
        if (decision.State.Status == JobStatus.Running && IsRetriedFailure(action))
        {
            ruleIndex = MatchRule(task, result, errorCode);
            if (ruleIndex is { } fatal && task.RetryRules[fatal].Action == RetryRuleAction.Fatal)
            {
                (action, errorCode) = (ExitAction.Fatal, ErrorCodes.Fatal);
            }
        }

        decision.Emit(new TaskExited(decision.JobId, decision.Now, task.TaskType, result.Attempt, result.ExitCode, action, errorCode, result.ExceptionType)
        {
            RetryRule = ruleIndex,
            Outputs = (result.Outputs ?? new Dictionary<string, string>()).OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => new NamedValue(o.Key, o.Value)).ToEquatableArray(),
        });

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
                Advance(decision, PastCarried(decision, OnCompleted(task)));
                break;
            case ExitActionKind.GoToTask:
                // Part 1 §1: the task counts as completed through the branch.
                decision.Emit(new TaskCompleted(decision.JobId, decision.Now, task.TaskType));
                Advance(decision, PastCarried(decision, action.Value));
                break;
            case ExitActionKind.Executing:
                var poll = RetryDelays.For(task.DelayBetweenRetries ?? RetryDelays.DefaultPollDelay, null, 1, decision.Context.Jitter);
                decision.Schedule(task.TaskType, result.Attempt, decision.Now + poll, ScheduleReason.Poll);
                break;
            case ExitActionKind.PauseJob:
                var resumeAt = decision.Now + PauseTime(decision);
                decision.Emit(new JobPaused(decision.JobId, decision.Now, task.TaskType, resumeAt));
                decision.Schedule(task.TaskType, result.Attempt, resumeAt, ScheduleReason.Resume);
                break;
            case ExitActionKind.Fatal:
                decision.Emit(new TaskFailed(decision.JobId, decision.Now, task.TaskType, ErrorCodes.Fatal, Ignored: false));
                End(decision, JobEnd.Failed, ErrorCodes.Fatal, task.TaskType);
                break;
            case ExitActionKind.RestartJob:
                RestartJob(decision, task.TaskType);
                break;
            default:
                // FAILED, ERR_*, RESTART_TASK: the task retries while the failure's class has retries (its retry_on
                // rule's, else the task's own), or as its retry strategy decided; then it fails and routing applies.
                var strategy = result.Strategy;
                if (Retry(decision, task, run, result, ruleIndex) is { } retry)
                {
                    decision.Emit(retry);
                    break;
                }

                if (strategy is { Retry: false, ErrorCode: { } stopCode })
                {
                    errorCode = stopCode;
                }

                decision.Emit(new TaskFailed(decision.JobId, decision.Now, task.TaskType, errorCode!, Ignored: task.AllowFailure) { Detail = strategy?.Retry == false ? strategy.Detail : null });
                if (OnFailed(task) is { } handler)
                {
                    Advance(decision, handler);
                }
                else if (task.AllowFailure)
                {
                    Advance(decision, PastCarried(decision, OnCompleted(task)));
                }
                else
                {
                    FailPath(decision, errorCode!, task.TaskType);
                }

                break;
        }
    }

    /// <summary>RESTART_JOB: the job starts again from its first task while job retries remain (pauses use them up: <see cref="JobState.JobRetry"/>); else the task and the job fail with <c>ERR_RESTART_JOB</c>.</summary>
    private static void RestartJob(Decision decision, string taskType)
    {
        if (decision.State.JobRetry < decision.Definition.Retry)
        {
            RetryJob(decision, decision.Definition.Tasks[0].TaskType, fullRestart: true);
            return;
        }

        decision.Emit(new TaskFailed(decision.JobId, decision.Now, taskType, ErrorCodes.RestartJob, Ignored: false));
        End(decision, JobEnd.Failed, ErrorCodes.RestartJob, taskType);
    }
}
