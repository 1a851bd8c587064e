using Marten;
using Microsoft.Extensions.Time.Testing;
using Workflows.Executors;
using Workflows.Executors.InProcess;
using Workflows.Hosting;
using Workflows.Marten.Artifacts;
using Workflows.Marten.Logs;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests;

public sealed class JobStoreTests : IAsyncLifetime
{
    private readonly string _schema = "wf_test_" + Guid.NewGuid().ToString("N")[..12];
    private readonly DocumentStore _documents;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
    private readonly JobStore _jobs;

    public JobStoreTests()
    {
        // A schema of its own per test class instance: tests never see each other's streams.
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        _jobs = new JobStore(_documents, _clock);
    }

    [Fact]
    public async Task The_seed_retry_job_runs_through_the_store_and_its_full_history_is_kept()
    {
        var definition = new Samples.RetryJob().Definition;
        await _jobs.ExecuteAsync("job-1", new RequestJob("job-1", definition, new JobRequest { Params = new Dictionary<string, string> { ["Key"] = "Value" } }));
        await _jobs.ExecuteAsync("job-1", new StartJob());
        foreach (var (task, code) in new[] { ("first", 0), ("second", 2), ("second", 0), ("third", 0) })
        {
            var view = (await _jobs.GetAsync("job-1"))!;
            var attempt = view.Tasks.Single(t => t.TaskType == task && t.Status == TaskRunStatus.Scheduled).Attempt;
            await _jobs.ExecuteAsync("job-1", new StartTask(task, attempt));
            await _jobs.ExecuteAsync("job-1", new ReportTaskResult(task, attempt, code));
        }

        var done = (await _jobs.GetAsync("job-1"))!;
        Assert.Equal((JobStatus.Completed, "retry-job", 3, 0, 0), (done.Status, done.JobType, done.Succeeded, done.Failed, done.Ignored));

        var history = await _jobs.EventsAsync("job-1");
        Assert.Equal(done.Version, history.Count);
        var requested = Assert.IsType<JobRequested>(history[0]);
        Assert.Equal(definition, requested.Definition); // the pinned definition round-trips exactly through PostgreSQL
        Assert.Equal("Value", requested.Request.Params["Key"]);
        Assert.Equal(ExitAction.RestartTask, history.OfType<TaskExited>().Single(e => e.ExitCode == 2).Action);
        Assert.IsType<JobCompleted>(history[^1]);
        var rebuilt = JobView.From(JobDecider.Fold(history), history.Count); // the stream alone rebuilds the view
        Assert.Equal(done with { Tasks = [], Params = rebuilt.Params, RetryIds = rebuilt.RetryIds }, rebuilt with { Tasks = [] });
        Assert.Equal(done.RetryIds, rebuilt.RetryIds);
        Assert.Equal(done.Tasks, rebuilt.Tasks);
        Assert.Equal(done.Params, rebuilt.Params);
    }

    [Fact]
    public async Task A_result_reported_twice_concurrently_is_recorded_once()
    {
        await _jobs.ExecuteAsync("job-2", new RequestJob("job-2", new Samples.RetryJob().Definition, new JobRequest()));
        await _jobs.ExecuteAsync("job-2", new StartJob());
        await _jobs.ExecuteAsync("job-2", new StartTask("first", 1));

        // Two workers (say, after a lease expired) report the same attempt at the same moment.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            try
            {
                return (await _jobs.ExecuteAsync("job-2", new ReportTaskResult("first", 1, 0))).Count;
            }
            catch (JobConcurrencyException)
            {
                return -1;
            }
        }));

        var history = await _jobs.EventsAsync("job-2");
        Assert.Single(history.OfType<TaskExited>());
        Assert.Single(history.OfType<TaskCompleted>());
        Assert.Contains(outcomes, count => count > 0);
        Assert.All(outcomes.Where(count => count <= 0), count => Assert.True(count is 0 or -1));
    }

    [Fact]
    public async Task A_stale_decision_is_rejected_with_a_clear_concurrency_error()
    {
        await _jobs.ExecuteAsync("job-3", new RequestJob("job-3", new Samples.RetryJob().Definition, new JobRequest()));
        await using (var session = _documents.LightweightSession())
        {
            // Another writer appends behind this store's back after it has read version 1.
            session.Events.Append("job-3", new JobStarted("job-3", _clock.GetUtcNow(), 0));
            await session.SaveChangesAsync();
        }

        // What JobStore does with a decision based on version 1: append expecting version 2.
        await using var stale = _documents.LightweightSession();
        stale.Events.Append("job-3", 2, new JobCancelled("job-3", _clock.GetUtcNow()));
        var conflict = await Record.ExceptionAsync(() => stale.SaveChangesAsync());
        Assert.NotNull(conflict);
        Assert.True(JobStore.IsConcurrencyConflict(conflict), conflict.GetType().FullName);
        Assert.Equal(2, (await _jobs.EventsAsync("job-3")).Count); // nothing half-written
        Assert.Contains("changed after version 1 was read", new JobConcurrencyException("job-3", 1, conflict).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submitting_the_same_job_id_twice_keeps_the_first()
    {
        var definition = new Samples.SensorJob().Definition;
        Assert.Single(await _jobs.ExecuteAsync("job-4", new RequestJob("job-4", definition, new JobRequest())));
        Assert.Empty(await _jobs.ExecuteAsync("job-4", new RequestJob("job-4", definition, new JobRequest())));
        Assert.Equal(JobStatus.Queued, (await _jobs.GetAsync("job-4"))!.Status);
    }

    [Fact]
    public async Task A_due_task_is_claimed_by_one_worker_until_its_lease_runs_out()
    {
        await _jobs.ExecuteAsync("job-5", new RequestJob("job-5", new Samples.RetryJob().Definition, new JobRequest()));
        var start = Assert.Single(await _jobs.ClaimDueAsync("a", 10, TimeSpan.FromSeconds(30))); // a queued job: claim = start it
        Assert.Equal(("job-5", "", 0), (start.JobId, start.TaskType, start.Attempt));
        await _jobs.ExecuteAsync("job-5", new StartJob());

        var claimed = Assert.Single(await _jobs.ClaimDueAsync("a", 10, TimeSpan.FromSeconds(30)));
        Assert.Equal(("job-5", "first", 1), (claimed.JobId, claimed.TaskType, claimed.Attempt));
        Assert.Empty(await _jobs.ClaimDueAsync("b", 10, TimeSpan.FromSeconds(30))); // leased by a
        _clock.Advance(TimeSpan.FromSeconds(2)); // the attempt starts a little after it was due
        await _jobs.ExecuteAsync("job-5", new StartTask("first", 1));
        Assert.Empty(await _jobs.ClaimDueAsync("b", 10, TimeSpan.FromSeconds(30))); // running keeps the lease

        _clock.Advance(TimeSpan.FromSeconds(29)); // worker a died: its lease (30 s from the claim) ran out
        var retaken = Assert.Single(await _jobs.ClaimDueAsync("b", 10, TimeSpan.FromSeconds(30)));
        Assert.Equal(("first", 1), (retaken.TaskType, retaken.Attempt));

        await _jobs.ExecuteAsync("job-5", new ReportTaskResult("first", 1, 0));
        var next = Assert.Single(await _jobs.ClaimDueAsync("b", 10, TimeSpan.FromSeconds(30)));
        Assert.Equal("second", next.TaskType); // the finished attempt's row is gone, the next task's is due
    }

    [Fact]
    public async Task A_claim_returns_each_claimed_jobs_stream_as_stored()
    {
        await _jobs.ExecuteAsync("job-6", new RequestJob("job-6", new Samples.RetryJob().Definition, new JobRequest { Params = new Dictionary<string, string> { ["k"] = "v" } }));
        await _jobs.ExecuteAsync("job-7", new RequestJob("job-7", new Samples.RetryJob().Definition, new JobRequest()));
        await _jobs.ExecuteAsync("job-7", new StartJob());

        var items = await _jobs.ClaimWorkAsync("a", 10, 10, TimeSpan.FromSeconds(30), null);

        Assert.Equal([("job-6", ""), ("job-7", "first")], items.Select(i => (i.Claim.JobId, i.Claim.TaskType)).Order());
        foreach (var item in items)
        {
            // The same state and version as a fresh read of the stream: the worker can decide on it at once.
            var stored = await _jobs.SnapshotAsync(item.Claim.JobId);
            var known = Assert.IsType<JobSnapshot>(item.Known);
            Assert.Equal(stored.Version, known.Version);
            Assert.Equal(JobView.From(stored.State, stored.Version) with { Params = null!, Tasks = [] }, JobView.From(known.State, known.Version) with { Params = null!, Tasks = [] });
            Assert.Equal(stored.State.Request.Params, known.State.Request.Params);
            Assert.Equal(stored.State.Tasks.Values, known.State.Tasks.Values);
        }
    }

    [Fact]
    public async Task A_renewed_lease_keeps_a_long_task_from_being_taken_over()
    {
        await _jobs.ExecuteAsync("job-8", new RequestJob("job-8", new Samples.RetryJob().Definition, new JobRequest()));
        await _jobs.ExecuteAsync("job-8", new StartJob());
        var claim = Assert.Single(await _jobs.ClaimDueAsync("a", 10, TimeSpan.FromSeconds(30)));
        await _jobs.ExecuteAsync("job-8", new StartTask("first", 1));

        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await _jobs.RenewLeaseAsync(claim, "a", TimeSpan.FromSeconds(30)));
        _clock.Advance(TimeSpan.FromSeconds(20)); // 40 s after the claim: the first lease would have run out
        Assert.Empty(await _jobs.ClaimDueAsync("b", 10, TimeSpan.FromSeconds(30)));
        Assert.False(await _jobs.RenewLeaseAsync(claim, "b", TimeSpan.FromSeconds(30))); // only the holder renews

        _clock.Advance(TimeSpan.FromSeconds(11)); // the renewed lease ran out: the worker died after all
        Assert.Single(await _jobs.ClaimDueAsync("b", 10, TimeSpan.FromSeconds(30)));
        Assert.False(await _jobs.RenewLeaseAsync(claim, "a", TimeSpan.FromSeconds(30))); // a lost its claim
    }

    [Fact]
    public async Task A_delayed_retry_waits_in_the_database_and_survives_a_new_store()
    {
        var definition = Workflow.Create("delayed", job => job.Task("a").Shell().Script("x").Retry(1).DelayBetweenRetries(TimeSpan.FromMinutes(5))).Definition;
        await _jobs.ExecuteAsync("job-6", new RequestJob("job-6", definition, new JobRequest()));
        await _jobs.ExecuteAsync("job-6", new StartJob());
        await _jobs.ClaimDueAsync("a", 1, TimeSpan.FromSeconds(30));
        await _jobs.ExecuteAsync("job-6", new StartTask("a", 1));
        await _jobs.ExecuteAsync("job-6", new ReportTaskResult("a", 1, 1));

        // The host restarts: a new store on the same database.
        using var restarted = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        var again = new JobStore(restarted, _clock);
        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Empty(await again.ClaimDueAsync("b", 10, TimeSpan.FromSeconds(30)));
        _clock.Advance(TimeSpan.FromMinutes(1));
        var retry = Assert.Single(await again.ClaimDueAsync("b", 10, TimeSpan.FromSeconds(30)));
        Assert.Equal(("a", 2), (retry.TaskType, retry.Attempt));
    }

    [Fact]
    public async Task Concurrent_workers_never_claim_the_same_attempt()
    {
        var definition = Workflow.Create("fan", job => job.Task("only").Shell().Script("x")).Definition;
        for (var i = 0; i < 40; i++)
        {
            await _jobs.ExecuteAsync($"job-c{i}", new RequestJob($"job-c{i}", definition, new JobRequest()));
            await _jobs.ExecuteAsync($"job-c{i}", new StartJob());
        }

        // Each claim holds at most one task attempt; four workers claim until nothing is left.
        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(async w =>
        {
            var mine = new List<IReadOnlyList<ClaimedTask>>();
            while (await _jobs.ClaimDueAsync($"w{w}", 15, TimeSpan.FromMinutes(1)) is { Count: > 0 } claim)
            {
                mine.Add(claim);
            }

            return mine;
        }));
        Assert.All(claims.SelectMany(c => c), claim => Assert.Single(claim));
        var all = claims.SelectMany(c => c).SelectMany(c => c).Select(c => c.JobId).ToList();
        Assert.Equal(40, all.Count);
        Assert.Equal(40, all.Distinct().Count());
    }

    [Fact]
    public async Task An_in_process_workflow_runs_end_to_end_on_PostgreSQL_with_a_retry_after_an_exception()
    {
        var calls = 0;
        var workflow = Workflow.Create("csharp-job", job => job
            .Task("prepare").Run((_, _) => ValueTask.FromResult(0)).OnCompleted("flaky")
            .Task("flaky").Retry(1).Run((context, _) => ++calls == 1 ? throw new TimeoutException("first call fails") : ValueTask.FromResult(0)));
        var worker = Worker(workflow);

        await _jobs.ExecuteAsync("job-7", new RequestJob("job-7", workflow.Definition, new JobRequest()));
        for (var round = 0; round < 10 && (await _jobs.GetAsync("job-7"))!.Status != JobStatus.Completed; round++)
        {
            await worker.RunOnceAsync();
        }

        var view = (await _jobs.GetAsync("job-7"))!;
        Assert.Equal((JobStatus.Completed, 2, 0), (view.Status, view.Succeeded, view.Failed));
        var exits = (await _jobs.EventsAsync("job-7")).OfType<TaskExited>().Where(e => e.TaskType == "flaky").ToList();
        Assert.Equal(["System.TimeoutException", null], exits.Select(e => e.ExceptionType));
        Assert.Equal(2, calls);
        Assert.Empty(await _jobs.ClaimDueAsync("worker-2", 10, TimeSpan.FromSeconds(30))); // nothing left to do
    }

    private TaskWorker Worker(params Workflow[] workflows) => new(
        _jobs,
        new TaskRunner(new TaskExecutors([new InProcessExecutor(workflows)]), _clock),
        new TaskLogs(_documents, _clock),
        new FileArtifactStore(_documents, Path.Combine(Path.GetTempPath(), "wf-artifacts-" + _schema), _clock),
        new RunningAttempts(),
        "worker-1");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
    }
}
