using System.Diagnostics;
using Workflows.Definitions;

namespace Workflows.Runtime.Tests;

/// <summary>retry_on rules, unlimited retries and retry strategy decisions, through the pure decider with a fake clock.</summary>
public class RetryRuleTests
{
    private static readonly ContainerSpec Alpine512 = new("alpine", MemoryLimit: "512Mi", CpuLimit: "1");

    private static JobRun Start(Action<JobBuilder> define, double jitter = 0.5)
    {
        var run = new JobRun(Workflow.Create("rules", define).Definition, jitter);
        run.Decide(new StartJob());
        return run;
    }

    private static TaskScheduled Scheduled(IEnumerable<JobEvent> events) => Assert.Single(events.OfType<TaskScheduled>());

    private static TimeSpan Wait(JobRun run, IEnumerable<JobEvent> events) => Scheduled(events).DueAt - run.Clock.GetUtcNow();

    [Fact]
    public void A_rule_has_its_own_retry_limit_and_failures_of_other_classes_use_the_tasks_retry()
    {
        var run = Start(job => job.Task("sync").Shell().Script("x").Retry(1)
            .RetryOn(Failure.ExitCode(75), rule => rule.Retry(3)));
        for (var i = 0; i < 3; i++)
        {
            var events = run.Run("sync", 75);
            Assert.Equal(0, Assert.Single(events.OfType<TaskExited>()).RetryRule);
            Assert.Equal(0, Scheduled(events).RetryRule);
        }

        // Rule 0 has used its 3 retries; exit 1 is another class and still has the task's own retry.
        var other = run.Run("sync", 1);
        Assert.Null(Scheduled(other).RetryRule);
        Assert.Equal(3, run.State.Task("sync").Used(0));
        Assert.Equal(1, run.State.Task("sync").Used(TaskRun.OwnRetries));

        var final = run.Run("sync", 75);
        Assert.Equal(["Exited sync#5 75 FAILED", "Failed sync ERR_TASK_EXECUTE", "JobFailed ERR_TASK_EXECUTE"], final.Select(RetryJobSeedTests.Name(run)));

        // The counts are a fold of the events: a replay gives the same state.
        Assert.Equal(run.State.Task("sync").RetriesUsed, JobDecider.Fold(run.Events).Task("sync").RetriesUsed);
    }

    [Fact]
    public void Retry_only_on_chosen_codes_is_retry_0_plus_rules()
    {
        var run = Start(job => job.Task("sync").Shell().Script("x").RetryOn(Failure.ExitCode(75), rule => rule.Retry(2)));
        Assert.Single(run.Run("sync", 75).OfType<TaskScheduled>());
        Assert.Contains("Failed sync ERR_TASK_EXECUTE", run.Run("sync", 3).Select(RetryJobSeedTests.Name(run)));
    }

    [Fact]
    public void A_rule_waits_its_own_backoff_counted_by_its_own_retries_and_a_rule_without_one_uses_the_tasks_delay()
    {
        var run = Start(job => job.Task("sync").Shell().Script("x").Retry(5).DelayBetweenRetries(TimeSpan.FromSeconds(7))
            .RetryOn(Failure.ExitCode(75), rule => rule.Retry(10).Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), 2, jitter: true))
            .RetryOn(Failure.ExitCode(76), rule => rule.Retry(1)), jitter: 1.0);
        Assert.Equal(TimeSpan.FromSeconds(1), Wait(run, run.Run("sync", 75)));
        Assert.Equal(TimeSpan.FromSeconds(7), Wait(run, run.Run("sync", 76))); // rule 1 has no delay: the task's
        Assert.Equal(TimeSpan.FromSeconds(2), Wait(run, run.Run("sync", 75))); // rule 0's second retry: 1s × 2
        Assert.Equal(TimeSpan.FromSeconds(7), Wait(run, run.Run("sync", 1)));  // the task's own retry
        Assert.Equal(TimeSpan.FromSeconds(4), Wait(run, run.Run("sync", 75)));
        Assert.Equal(TimeSpan.FromSeconds(8), Wait(run, run.Run("sync", 75)));
        Assert.Equal(TimeSpan.FromSeconds(10), Wait(run, run.Run("sync", 75))); // capped after jitter (RetryDelays)
    }

    [Fact]
    public void A_FATAL_rule_fails_the_job_at_once_without_task_or_job_retries_or_on_failed()
    {
        var run = Start(job => job.Retry(3).Task("sync").Shell().Script("x").Retry(5).OnFailed("notify")
                .RetryOn(Failure.ExitCode(2), rule => rule.Fatal())
            .Task("notify").Shell().Script("y"));
        var events = run.Run("sync", 2);
        Assert.Equal(["Exited sync#1 2 FATAL", "Failed sync ERR_FATAL", "JobFailed ERR_FATAL"], events.Select(RetryJobSeedTests.Name(run)));
        Assert.Equal(0, events.OfType<TaskExited>().Single().RetryRule);
    }

    [Fact]
    public void An_out_of_memory_rule_doubles_the_memory_each_retry_records_it_and_the_task_runs_with_it()
    {
        var run = Start(job => job.Task("sync").Container(Alpine512).Script("x")
            .RetryOn(Failure.ExitCode(137), rule => rule.Retry(2).MemoryFactor(2)));
        Assert.Equal("512Mi", run.State.TaskToRun("sync")!.Container!.MemoryLimit);

        Assert.Equal(new ContainerLimitsOverride("1", "1Gi"), Scheduled(run.Run("sync", 137)).Limits);
        Assert.Equal("1Gi", run.State.TaskToRun("sync")!.Container!.MemoryLimit);
        Assert.Equal(new ContainerLimitsOverride("1", "2Gi"), Scheduled(run.Run("sync", 137)).Limits);
        Assert.Equal("2Gi", run.State.TaskToRun("sync")!.Container!.MemoryLimit);
        Assert.Equal("512Mi", run.State.Definition!.Tasks[0].Container!.MemoryLimit); // the pinned definition is unchanged
    }

    [Fact]
    public void A_rule_can_set_fixed_limits_and_other_classes_keep_the_attempts_limits()
    {
        var run = Start(job => job.Task("sync").Container(Alpine512).Script("x").Retry(1)
            .RetryOn(Failure.ErrorCode("ERR_TASK_TIMED_OUT"), rule => rule.Retry(1).MemoryLimit("4Gi").CpuLimit("2")));
        Assert.Equal(new ContainerLimitsOverride("2", "4Gi"), Scheduled(run.Run("sync", null, timedOut: true)).Limits);
        var own = Scheduled(run.Run("sync", 1));
        Assert.Null(own.Limits);
        Assert.Equal("4Gi", run.State.TaskToRun("sync")!.Container!.MemoryLimit); // kept for the rest of the series
    }

    [Fact]
    public void An_output_rule_matches_the_reported_tail_and_not_when_it_does_not_match_or_is_missing()
    {
        var run = Start(job => job.Task("sync").Shell().Script("x")
            .RetryOn(Failure.ExitCode(1).And(Failure.Output("connection (reset|refused)")), rule => rule.Retry(5)));
        var matched = run.Run("sync", attempt => new ReportTaskResult("sync", attempt, 1) { OutputTail = "fetching…\ncurl: connection reset by peer\n" });
        Assert.Equal(0, Assert.Single(matched.OfType<TaskExited>()).RetryRule);
        Assert.Single(matched.OfType<TaskScheduled>());

        var other = run.Run("sync", attempt => new ReportTaskResult("sync", attempt, 1) { OutputTail = "disk full" });
        Assert.Null(Assert.Single(other.OfType<TaskExited>()).RetryRule);
        Assert.Contains(other, e => e is TaskFailed);
    }

    [Fact]
    public void An_output_pattern_whose_match_times_out_does_not_match()
    {
        var run = Start(job => job.Task("sync").Shell().Script("x").RetryOn(Failure.Output("^(a+)+$"), rule => rule.Retry(5)));
        var evil = new string('a', 5000) + "!";
        var clock = Stopwatch.StartNew();
        var events = run.Run("sync", attempt => new ReportTaskResult("sync", attempt, 1) { OutputTail = evil });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Null(Assert.Single(events.OfType<TaskExited>()).RetryRule);
        Assert.Contains(events, e => e is TaskFailed);
    }

    [Fact]
    public void An_exception_rule_matches_the_full_or_the_simple_type_name()
    {
        var run = Start(job => job.Task("call").Shell().Script("x")
            .RetryOn(Failure.Exception<TimeoutException>(), rule => rule.Retry(1))
            .RetryOn(Failure.Exception("HttpRequestException"), rule => rule.Retry(1)));
        Assert.Equal(0, run.Run("call", null, exception: "System.TimeoutException").OfType<TaskExited>().Single().RetryRule);
        Assert.Equal(1, run.Run("call", null, exception: "System.Net.Http.HttpRequestException").OfType<TaskExited>().Single().RetryRule);
        Assert.Null(run.Run("call", null, exception: "System.InvalidOperationException").OfType<TaskExited>().Single().RetryRule);
    }

    [Fact]
    public void Rules_do_not_turn_success_or_mapped_routes_into_retries()
    {
        var run = Start(job => job.Task("a").Shell().Script("x").OnExitCode(3, "b").RetryOn(Failure.ExitCode(0), rule => rule.Retry(5))
            .Task("b").Shell().Script("y"));
        Assert.Contains("Scheduled b#1 Reached", run.Run("a", 3).Select(RetryJobSeedTests.Name(run)));

        var success = Start(job => job.Task("a").Shell().Script("x").RetryOn(Failure.ExitCode(0), rule => rule.Retry(5)));
        Assert.Null(success.Run("a", 0).OfType<TaskExited>().Single().RetryRule);
        Assert.Equal(JobStatus.Completed, success.State.Status);
    }

    [Fact]
    public void Unlimited_retries_never_run_out_and_the_attempt_is_never_the_last()
    {
        var run = Start(job => job.Task("sync").Shell().Script("x").RetryForever().DelayBetweenRetries(TimeSpan.FromSeconds(1)));
        for (var i = 0; i < 500; i++)
        {
            Assert.Single(run.Run("sync", 1).OfType<TaskScheduled>());
        }

        Assert.Equal(501, run.State.Task("sync").Attempt);
        Assert.Null(run.State.Definition!.Tasks[0].MaxAttempts);
        Assert.Equal(JobStatus.Running, run.State.Status);

        var rule = Start(job => job.Task("sync").Shell().Script("x").RetryOn(Failure.ExitCode(75), r => r.RetryForever().Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1))));
        for (var i = 0; i < 200; i++)
        {
            Assert.True(Wait(rule, rule.Run("sync", 75)) <= TimeSpan.FromMinutes(1)); // no overflow after hundreds of retries
        }
    }

    [Fact]
    public void A_strategy_decision_to_retry_is_applied_with_its_time_priority_and_queue_even_past_the_limits()
    {
        var run = Start(job => job.Task("sync").Shell().Script("x").RetryStrategy("custom"));
        var at = run.Clock.GetUtcNow().AddMinutes(42);
        var events = run.Run("sync", attempt => new ReportTaskResult("sync", attempt, 1)
        {
            Strategy = RetryStrategyDecision.RetryAtTime(at, priority: 9, queue: "slow") with { Strategy = "custom" },
        });
        var scheduled = Scheduled(events);
        Assert.Equal((at, 9, "slow", "custom"), (scheduled.DueAt, scheduled.Priority, scheduled.Queue, scheduled.Strategy));
        Assert.Equal((9, "slow"), (run.State.Task("sync").Priority, run.State.Task("sync").Queue));

        var later = Scheduled(run.Run("sync", attempt => new ReportTaskResult("sync", attempt, 1) { Strategy = RetryStrategyDecision.RetryAfter(TimeSpan.FromSeconds(30)) }));
        Assert.Equal(run.Clock.GetUtcNow() + TimeSpan.FromSeconds(30), later.DueAt);
        Assert.Equal((null, null), (run.State.Task("sync").Priority, run.State.Task("sync").Queue)); // only that attempt moved
    }

    [Fact]
    public void A_strategy_decision_to_stop_fails_the_task_with_its_code_and_detail_although_retries_are_left()
    {
        var run = Start(job => job.Task("sync").Shell().Script("x").Retry(5).RetryStrategy("custom"));
        var events = run.Run("sync", attempt => new ReportTaskResult("sync", attempt, 1) { Strategy = RetryStrategyDecision.Stop("ERR_GIVE_UP", "enough") });
        var failed = Assert.Single(events.OfType<TaskFailed>());
        Assert.Equal(("ERR_GIVE_UP", "enough"), (failed.ErrorCode, failed.Detail));
        Assert.Equal(JobStatus.Failed, run.State.Status);
    }

    [Fact]
    public void A_strategy_cannot_override_a_FATAL_rule_or_a_success()
    {
        var run = Start(job => job.Task("sync").Shell().Script("x").RetryStrategy("custom").RetryOn(Failure.ExitCode(2), rule => rule.Fatal()));
        var retry = RetryStrategyDecision.RetryAfter(TimeSpan.Zero);
        Assert.Contains(run.Run("sync", a => new ReportTaskResult("sync", a, 2) { Strategy = retry }), e => e is JobFailed);
    }

    [Fact]
    public void The_default_decision_shown_to_a_strategy_is_what_the_rules_would_do()
    {
        var run = Start(job => job.Task("sync").Shell().Script("x").Retry(1).DelayBetweenRetries(TimeSpan.FromSeconds(5)).RetryStrategy("custom"));
        Assert.Single(run.Decide(new StartTask("sync", 1)));
        var now = new DecisionContext(run.Clock.GetUtcNow());
        var retry = JobDecider.DefaultRetry(run.State, new ReportTaskResult("sync", 1, 1), now)!;
        Assert.Equal((true, now.Now.AddSeconds(5), "ERR_TASK_EXECUTE"), (retry.Retry, retry.RetryAt, retry.ErrorCode));
        Assert.Null(JobDecider.DefaultRetry(run.State, new ReportTaskResult("sync", 1, 0), now)); // success: not a strategy's call
    }

    [Fact]
    public async Task The_worker_edge_asks_the_named_strategy_with_the_default_and_reports_unknown_names_clearly()
    {
        var run = Start(job => job.Task("sync").Shell().Script("x").Retry(2).RetryStrategy("patient"));
        var report = new ReportTaskResult("sync", 1, 75) { OutputTail = "busy" };
        var strategy = new RecordingStrategy();
        var edge = new RetryStrategies([new NamedRetryStrategy("patient", strategy)], run.Clock);

        var asked = await edge.ApplyAsync(run.State, report, CancellationToken.None);
        Assert.Equal(("patient", true, TimeSpan.FromHours(1), 3), (asked.Strategy!.Strategy, asked.Strategy.Retry, asked.Strategy.RetryIn, asked.Strategy.Priority));
        Assert.Equal(("sync", 1, 75, "busy", true), (strategy.Seen!.TaskType, strategy.Seen.Attempt, strategy.Seen.ExitCode, strategy.Seen.OutputTail, strategy.Seen.Default.Retry));

        var unknown = await RetryStrategies.None.ApplyAsync(run.State, report, CancellationToken.None);
        Assert.Equal((false, ErrorCodes.RetryStrategyNotFound), (unknown.Strategy!.Retry, unknown.Strategy.ErrorCode));
        Assert.Contains("services.AddRetryStrategy<YourStrategy>(\"patient\")", unknown.Strategy.Detail, StringComparison.Ordinal);

        run.Decide(new StartTask("sync", 1));
        var failed = Assert.Single(run.Decide(unknown).OfType<TaskFailed>());
        Assert.Equal(ErrorCodes.RetryStrategyNotFound, failed.ErrorCode);
    }

    /// <summary>The worked trace of docs/runtime.md ("Retry rules: a worked trace"), event by event.</summary>
    [Fact]
    public void Worked_trace_temporary_failures_back_off_an_out_of_memory_kill_doubles_the_memory_then_success()
    {
        var run = Start(job => job.Task("sync").Container(Alpine512).Script("sync")
            .RetryOn(Failure.ExitCode(75), rule => rule.Retry(2).Backoff(TimeSpan.FromSeconds(1), factor: 2))
            .RetryOn(Failure.ExitCode(137), rule => rule.Retry(1).MemoryFactor(2))
            .RetryOn(Failure.ExitCode(2), rule => rule.Fatal()));
        var t0 = run.Clock.GetUtcNow();
        run.Run("sync", 75);
        run.Run("sync", 75);
        run.Run("sync", 137);
        run.Run("sync", 0);

        string Describe(JobEvent e) => $"{(e.At - t0).TotalSeconds:0} " + e switch
        {
            TaskScheduled s => $"TaskScheduled {s.TaskType}#{s.Attempt} {s.Reason} due {(s.DueAt - t0).TotalSeconds:0}s"
                + (s.RetryRule is { } r ? $" RetryRule {r}" : string.Empty) + (s.Limits is { } l ? $" Limits memory {l.MemoryLimit}" : string.Empty),
            TaskExited x => $"TaskExited {x.TaskType}#{x.Attempt} exit {x.ExitCode} {x.Action}" + (x.RetryRule is { } r ? $" RetryRule {r}" : string.Empty),
            TaskStarted s => $"TaskStarted {s.TaskType}#{s.Attempt}",
            _ => e.GetType().Name,
        };
        Assert.Equal(
            [
                "0 JobStarted", "0 TaskScheduled sync#1 Reached due 0s",
                "0 TaskStarted sync#1", "0 TaskExited sync#1 exit 75 FAILED RetryRule 0", "0 TaskScheduled sync#2 Retry due 1s RetryRule 0",
                "1 TaskStarted sync#2", "1 TaskExited sync#2 exit 75 FAILED RetryRule 0", "1 TaskScheduled sync#3 Retry due 3s RetryRule 0",
                "3 TaskStarted sync#3", "3 TaskExited sync#3 exit 137 FAILED RetryRule 1", "3 TaskScheduled sync#4 Retry due 3s RetryRule 1 Limits memory 1Gi",
                "3 TaskStarted sync#4", "3 TaskExited sync#4 exit 0 COMPLETED", "3 TaskCompleted", "3 JobCompleted",
            ],
            run.Events.Skip(1).Select(Describe));
        Assert.Equal([new RetryCount(0, 2), new RetryCount(1, 1)], run.State.Task("sync").RetriesUsed);
    }

    private sealed class RecordingStrategy : IRetryStrategy
    {
        public RetryContext? Seen { get; private set; }

        public ValueTask<RetryStrategyDecision> DecideAsync(RetryContext context, CancellationToken cancellationToken)
        {
            Seen = context;
            return ValueTask.FromResult(RetryStrategyDecision.RetryAfter(TimeSpan.FromHours(1), priority: 3));
        }
    }
}
