using Marten;
using Microsoft.Extensions.Time.Testing;
using Workflows.Definitions;
using Workflows.Executors;
using Workflows.Executors.InProcess;
using Workflows.Hosting;
using Workflows.Marten.Artifacts;
using Workflows.Marten.Logs;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests;

/// <summary>Retry rules and retry strategies through PostgreSQL: the events keep what was decided, the due rows follow it, and the worker asks the strategy.</summary>
public sealed class RetryRuleStoreTests : IAsyncLifetime
{
    private readonly string _schema = "wf_test_" + Guid.NewGuid().ToString("N")[..12];
    private readonly DocumentStore _documents;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
    private readonly JobStore _jobs;

    public RetryRuleStoreTests()
    {
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        _jobs = new JobStore(_documents, _clock);
    }

    [Fact]
    public async Task A_rules_limits_and_match_survive_the_store_and_a_strategys_queue_and_priority_move_the_due_row()
    {
        var definition = Workflow.Create("oom", job => job
            .Task("sync").Container(new ContainerSpec("alpine", MemoryLimit: "512Mi")).Script("sync").RetryStrategy("custom")
                .RetryOn(Failure.ExitCode(137), rule => rule.Retry(2).MemoryFactor(2))).Definition;
        await _jobs.ExecuteAsync("job-1", new RequestJob("job-1", definition, new JobRequest()));
        await _jobs.ExecuteAsync("job-1", new StartJob());
        await _jobs.ExecuteAsync("job-1", new StartTask("sync", 1));
        await _jobs.ExecuteAsync("job-1", new ReportTaskResult("sync", 1, 137)
        {
            Strategy = RetryStrategyDecision.RetryAfter(TimeSpan.Zero, priority: 7, queue: "big-memory") with { Strategy = "custom" },
        });

        var history = await _jobs.EventsAsync("job-1");
        Assert.Equal(0, history.OfType<TaskExited>().Single().RetryRule);
        var retry = history.OfType<TaskScheduled>().Single(e => e.Reason == ScheduleReason.Retry);
        Assert.Equal((0, new ContainerLimitsOverride(null, "1Gi"), 7, "big-memory", "custom"), (retry.RetryRule, retry.Limits, retry.Priority, retry.Queue, retry.Strategy));
        Assert.Equal("1Gi", JobDecider.Fold(history).TaskToRun("sync")!.Container!.MemoryLimit);

        Assert.Empty(await _jobs.ClaimDueAsync("w-default", 10, TimeSpan.FromSeconds(30), ["default"])); // moved to the strategy's queue
        var claimed = Assert.Single(await _jobs.ClaimDueAsync("w-big", 10, TimeSpan.FromSeconds(30), ["big-memory"]));
        Assert.Equal(("sync", 2), (claimed.TaskType, claimed.Attempt));
    }

    [Fact]
    public async Task The_worker_asks_the_tasks_strategy_and_an_exception_rule_retries_an_in_process_task()
    {
        var calls = 0;
        var workflow = Workflow.Create("csharp-rules", job => job
            .Task("flaky").RetryStrategy("patient").RetryOn(Failure.Exception<TimeoutException>(), rule => rule.Retry(1))
                .Run((_, _) => ++calls <= 2 ? throw new TimeoutException("slow") : ValueTask.FromResult(0)));
        var strategy = new CountingStrategy();
        var worker = Worker([new NamedRetryStrategy("patient", strategy)], workflow);

        await _jobs.ExecuteAsync("job-2", new RequestJob("job-2", workflow.Definition, new JobRequest()));
        for (var round = 0; round < 10 && (await _jobs.GetAsync("job-2"))!.Status != JobStatus.Completed; round++)
        {
            await worker.RunOnceAsync();
        }

        Assert.Equal(JobStatus.Completed, (await _jobs.GetAsync("job-2"))!.Status);
        var history = await _jobs.EventsAsync("job-2");
        Assert.Equal([0, 0, null], history.OfType<TaskExited>().Select(e => e.RetryRule));
        // The rule allows one retry; the strategy (shown that default) granted the second one.
        Assert.Equal([true, false], strategy.Defaults.Select(d => d.Retry));
        Assert.All(history.OfType<TaskScheduled>().Where(e => e.Reason == ScheduleReason.Retry), e => Assert.Equal("patient", e.Strategy));
    }

    [Fact]
    public async Task A_strategy_no_host_registered_fails_the_task_with_a_code_and_how_to_register_it()
    {
        var workflow = Workflow.Create("csharp-unknown", job => job
            .Task("flaky").Retry(3).RetryStrategy("nobody").Run((_, _) => ValueTask.FromResult(1)));
        var worker = Worker([], workflow);

        await _jobs.ExecuteAsync("job-3", new RequestJob("job-3", workflow.Definition, new JobRequest()));
        for (var round = 0; round < 5 && (await _jobs.GetAsync("job-3"))!.Status != JobStatus.Failed; round++)
        {
            await worker.RunOnceAsync();
        }

        var failed = (await _jobs.EventsAsync("job-3")).OfType<TaskFailed>().Single();
        Assert.Equal(ErrorCodes.RetryStrategyNotFound, failed.ErrorCode);
        Assert.Contains("services.AddRetryStrategy<YourStrategy>(\"nobody\")", failed.Detail, StringComparison.Ordinal);
    }

    private TaskWorker Worker(IEnumerable<NamedRetryStrategy> strategies, params Workflow[] workflows) => new(
        _jobs,
        new TaskRunner(new TaskExecutors([new InProcessExecutor(workflows)]), _clock),
        new TaskLogs(_documents, _clock),
        new FileArtifactStore(_documents, Path.Combine(Path.GetTempPath(), "wf-artifacts-" + _schema), _clock),
        new RunningAttempts(),
        "worker-1")
    {
        Strategies = new RetryStrategies(strategies, _clock),
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
    }

    private sealed class CountingStrategy : IRetryStrategy
    {
        public List<RetryStrategyDecision> Defaults { get; } = [];

        public ValueTask<RetryStrategyDecision> DecideAsync(RetryContext context, CancellationToken cancellationToken)
        {
            Defaults.Add(context.Default);
            return ValueTask.FromResult(RetryStrategyDecision.RetryAfter(TimeSpan.Zero));
        }
    }
}
