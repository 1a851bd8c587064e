using Marten;
using Microsoft.Extensions.Time.Testing;
using Workflows.Definitions;
using Workflows.Marten.Doctor;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests;

/// <summary>
/// The invariant checker on a real PostgreSQL: a store written by <see cref="JobStore"/> passes; a stream or table
/// corrupted by hand (SQL, or an append that bypasses the decider) is reported under the invariant it breaks.
/// </summary>
public sealed class InvariantCheckerTests : IAsyncLifetime
{
    private readonly string _schema = "wf_doctor_" + Guid.NewGuid().ToString("N")[..12];
    private readonly DocumentStore _documents;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
    private readonly JobStore _jobs;

    public InvariantCheckerTests()
    {
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        _jobs = new JobStore(_documents, _clock);
    }

    private static readonly JobDefinition TwoTasks = Workflow.Create("doctor-two", job => job
        .Task("a").Shell().Script("true").OnCompleted("b")
        .Task("b").Shell().Script("true")).Definition;

    private static readonly JobDefinition Failing = Workflow.Create("doctor-fail", job => job.Task("a").Shell().Script("exit 3")).Definition;

    private InvariantChecker Checker(TimeSpan? bound = null) => new(_documents, _clock) { ClaimBound = bound };

    private async Task SubmitAsync(string id, JobDefinition definition, JobRequest? request = null) =>
        await _jobs.ExecuteAsync(id, new RequestJob(id, definition, request ?? new JobRequest()));

    private async Task RunTaskAsync(string id, string task, int attempt, int exitCode)
    {
        await _jobs.ExecuteAsync(id, new StartTask(task, attempt));
        await _jobs.ExecuteAsync(id, new ReportTaskResult(task, attempt, exitCode));
    }

    private async Task CompletedAsync(string id)
    {
        await SubmitAsync(id, TwoTasks);
        await _jobs.ExecuteAsync(id, new StartJob());
        await RunTaskAsync(id, "a", 1, 0);
        await RunTaskAsync(id, "b", 1, 0);
    }

    private async Task FailedAsync(string id)
    {
        await SubmitAsync(id, Failing, new JobRequest { SubmittedBy = "alice" });
        await _jobs.ExecuteAsync(id, new StartJob());
        await RunTaskAsync(id, "a", 1, 3);
    }

    private async Task SqlAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(TestInfrastructure.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql.Replace("{schema}", _schema, StringComparison.Ordinal), connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Appends events as a writer that skips the decider, the view and the due rows would.</summary>
    private async Task AppendBypassingTheDeciderAsync(string id, params JobEvent[] events)
    {
        await using var session = _documents.LightweightSession();
        session.Events.Append(id, events);
        await session.SaveChangesAsync();
    }

    private async Task<DoctorReport> HealthyStoreAsync()
    {
        await _jobs.EnsureSchemaAsync();
        await CompletedAsync("done");
        await FailedAsync("failed");
        await SubmitAsync("queued", TwoTasks);
        await SubmitAsync("later", TwoTasks, new JobRequest { ScheduledAt = _clock.GetUtcNow().AddHours(1) });
        await SubmitAsync("running", TwoTasks);
        await _jobs.ExecuteAsync("running", new StartJob());
        await _jobs.ExecuteAsync("running", new StartTask("a", 1));
        await SubmitAsync("cancelled", TwoTasks);
        await _jobs.ExecuteAsync("cancelled", new CancelJob());
        Assert.Null((await _jobs.RetryAsync("failed", new RetryRequest("failed-retry", "alice")))!.Refusal);
        var report = await Checker(TimeSpan.FromMinutes(5)).CheckAsync();
        Assert.Equal([], report.Violations);
        return report;
    }

    [Fact]
    public async Task A_store_written_by_the_job_store_passes_every_invariant()
    {
        var report = await HealthyStoreAsync();
        Assert.True(report.Healthy);
        Assert.Equal((7, 4), (report.Jobs, report.Unfinished)); // done, failed, queued, later, running, cancelled, failed-retry
        Assert.Equal(_schema, report.Schema);
    }

    [Fact]
    public async Task A_job_that_ends_twice_breaks_ended_once()
    {
        await HealthyStoreAsync();
        await AppendBypassingTheDeciderAsync("done", new JobFailed("done", _clock.GetUtcNow(), "ERR_X", null));

        var report = await Checker().CheckAsync();
        var violation = Assert.Single(report.Violations, v => v.Invariant == "ended-once");
        Assert.Equal("done", violation.JobId);
        Assert.Contains("second end event (JobFailed)", violation.Found, StringComparison.Ordinal);
        Assert.Contains(report.Violations, v => v is { JobId: "done", Invariant: "view-state" }); // the view was not written
    }

    [Fact]
    public async Task A_result_recorded_twice_breaks_attempt_once()
    {
        await HealthyStoreAsync();
        var exited = (await _jobs.EventsAsync("done")).OfType<TaskExited>().First(e => e.TaskType == "a");
        await AppendBypassingTheDeciderAsync("running", new TaskExited("running", _clock.GetUtcNow(), "a", 1, 0, exited.Action, null, null) { },
            new TaskExited("running", _clock.GetUtcNow(), "a", 1, 0, exited.Action, null, null));

        var violation = Assert.Single((await Checker().CheckAsync()).Violations, v => v.Invariant == "attempt-once");
        Assert.Equal("running", violation.JobId);
        Assert.Contains("TaskExited) of a #1", violation.Found, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_version_that_is_not_its_event_count_is_reported()
    {
        await HealthyStoreAsync();
        await SqlAsync("update {schema}.mt_streams set version = version + 1 where id = 'done'");

        var violation = Assert.Single((await Checker().CheckAsync()).Violations, v => v.Invariant == "stream-version");
        Assert.Equal("done", violation.JobId);
    }

    [Fact]
    public async Task A_job_whose_due_row_is_gone_is_reported_as_never_claimed()
    {
        await HealthyStoreAsync();
        await SqlAsync("delete from {schema}.wf_due_tasks where job_id = 'queued'");

        var violation = Assert.Single((await Checker().CheckAsync()).Violations);
        Assert.Equal(("queued", "due-rows"), (violation.JobId, violation.Invariant));
        Assert.Contains("waits for start but has no due row for it", violation.Found, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_due_row_of_an_ended_job_is_reported()
    {
        await HealthyStoreAsync();
        await SqlAsync("""
            insert into {schema}.wf_due_tasks (job_id, kind, task_type, attempt, due_at, priority, queue, job_type)
            values ('done', 'attempt', 'b', 1, now(), 0, '', 'doctor-two')
            """);

        var violation = Assert.Single((await Checker().CheckAsync()).Violations);
        Assert.Equal(("done", "due-rows"), (violation.JobId, violation.Invariant));
        Assert.Contains("the job is Completed but has due row(s) it does not wait for: attempt b #1", violation.Found, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_due_row_of_an_older_attempt_is_reported()
    {
        await HealthyStoreAsync();
        await SqlAsync("update {schema}.wf_due_tasks set attempt = 7 where job_id = 'running' and kind = 'attempt'");

        var violation = Assert.Single((await Checker().CheckAsync()).Violations);
        Assert.Equal(("running", "due-attempt"), (violation.JobId, violation.Invariant));
    }

    [Fact]
    public async Task Work_left_unclaimed_beyond_the_bound_is_reported_only_when_a_bound_is_given()
    {
        await HealthyStoreAsync();
        _clock.Advance(TimeSpan.FromMinutes(30));

        Assert.True((await Checker().CheckAsync()).Healthy);
        var violations = (await Checker(TimeSpan.FromMinutes(10)).CheckAsync()).Violations;
        Assert.All(violations, v => Assert.Equal("claimed", v.Invariant));
        Assert.Equal(["failed-retry", "queued", "running"], violations.Select(v => v.JobId).Order(StringComparer.Ordinal)); // "later" is not due yet
    }

    [Fact]
    public async Task A_view_that_disagrees_with_its_stream_is_reported()
    {
        await HealthyStoreAsync();
        await SqlAsync("""update {schema}.mt_doc_jobview set data = jsonb_set(data, '{Status}', '"Completed"'), status = 'Completed' where id = 'running'""");

        var violation = Assert.Single((await Checker().CheckAsync()).Violations);
        Assert.Equal(("running", "view-state"), (violation.JobId, violation.Invariant));
        Assert.Contains("status Completed (stream: Running)", violation.Found, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_view_without_a_stream_is_reported()
    {
        await HealthyStoreAsync();
        await SqlAsync("delete from {schema}.mt_events where stream_id = 'cancelled'; delete from {schema}.mt_streams where id = 'cancelled'");

        var violation = Assert.Single((await Checker().CheckAsync()).Violations);
        Assert.Equal(("cancelled", "view-state"), (violation.JobId, violation.Invariant));
    }

    [Fact]
    public async Task A_stale_retry_lock_and_a_second_retry_in_flight_break_retry_once()
    {
        await HealthyStoreAsync();
        await SqlAsync("insert into {schema}.wf_retry_inflight (root_id, job_id, created_at) values ('done', 'done', now())");

        var stale = Assert.Single((await Checker().CheckAsync()).Violations);
        Assert.Equal(("done", "retry-once"), (stale.JobId, stale.Invariant));
        Assert.Contains("wf_retry_inflight holds retry done, which is Completed", stale.Found, StringComparison.Ordinal);

        // A second retry of "failed" written past the lock (the request names the root, as a retry's does).
        await SqlAsync("delete from {schema}.wf_retry_inflight where root_id = 'done'");
        await SubmitAsync("failed-retry-2", Failing, new JobRequest { RetryOf = "failed", RetryRoot = "failed" });
        var twice = (await Checker().CheckAsync()).Violations;
        Assert.Contains(twice, v => v is { JobId: "failed", Invariant: "retry-once" } && v.Found.Contains("2 retries of this root are in flight", StringComparison.Ordinal));
        Assert.Contains(twice, v => v is { JobId: "failed", Invariant: "retry-once" } && v.Found.Contains("retry failed-retry-2 is Queued but wf_retry_inflight holds no row", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_fork_attempt_that_forked_two_children_breaks_fork_once()
    {
        await HealthyStoreAsync();
        var parent = Workflow.Create("doctor-batch", job => job.Task("fork").ForkJob("doctor-two")).Definition;
        await SubmitAsync("batch", parent);
        await _jobs.ExecuteAsync("batch", new StartJob());
        await _jobs.ExecuteAsync("batch", new StartTask("fork", 1));
        await SubmitAsync("child-1", TwoTasks, new JobRequest { ParentJobId = "batch", ForkTask = "fork" });
        Assert.True((await Checker().CheckAsync()).Healthy); // one start, one child

        // The host died after submitting the child and before recording the result; the next host ran the attempt again.
        await SubmitAsync("child-2", TwoTasks, new JobRequest { ParentJobId = "batch", ForkTask = "fork" });
        var violation = Assert.Single((await Checker().CheckAsync()).Violations);
        Assert.Equal(("batch", "fork-once"), (violation.JobId, violation.Invariant));
        Assert.Contains("task fork started 1 time(s) and forked 2 children: child-1, child-2", violation.Found, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fan_out_attempt_forks_one_child_per_item_and_a_second_child_of_one_item_breaks_fork_once()
    {
        await HealthyStoreAsync();
        var parent = Workflow.Create("doctor-fan", job => job.Task("fan").ForkJob("doctor-two").FanOut(new FanOutSpec("items", "item", ForkJobType: "doctor-two"))).Definition;
        await SubmitAsync("fan-batch", parent);
        await _jobs.ExecuteAsync("fan-batch", new StartJob());
        await _jobs.ExecuteAsync("fan-batch", new StartTask("fan", 1));
        JobRequest Item(int i) => new() { ParentJobId = "fan-batch", ForkTask = "fan", Params = new Dictionary<string, string> { ["item"] = "x", [$"FanOutIndex_{i}"] = $"{i}" } };
        await SubmitAsync("item-0", TwoTasks, Item(0));
        await SubmitAsync("item-1", TwoTasks, Item(1));
        await SubmitAsync("item-2", TwoTasks, Item(2));
        Assert.True((await Checker().CheckAsync()).Healthy); // one start, three items, one child each

        // Item 1 forked again for the same attempt (a host that took it over submitted a new id).
        await SubmitAsync("item-1-again", TwoTasks, Item(1));
        var violation = Assert.Single((await Checker().CheckAsync()).Violations);
        Assert.Equal(("fan-batch", "fork-once"), (violation.JobId, violation.Invariant));
        Assert.Contains("task fan started 1 time(s) and forked 2 children for fan-out item 1: item-1, item-1-again", violation.Found, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notifications_without_a_job_or_of_an_end_queued_twice_or_too_early_break_outbox()
    {
        await HealthyStoreAsync();
        const string row = "insert into {schema}.wf_outbox (id, job_id, channel, state, payload, status, attempts, created_at, due_at) values ";
        await SqlAsync(row + "(gen_random_uuid(), 'ghost', 'webhook', 'COMPLETED', '{}', 'pending', 0, now(), now())");
        await SqlAsync(row + "(gen_random_uuid(), 'done', 'webhook', 'COMPLETED', '{}', 'sent', 1, now(), now()), (gen_random_uuid(), 'done', 'webhook', 'COMPLETED', '{}', 'pending', 0, now(), now())");
        await SqlAsync(row + "(gen_random_uuid(), 'running', 'webhook', 'FAILED', '{}', 'pending', 0, now(), now())");

        var violations = (await Checker().CheckAsync()).Violations;
        Assert.All(violations, v => Assert.Equal("outbox", v.Invariant));
        Assert.Equal(["done", "ghost", "running"], violations.Select(v => v.JobId).Order(StringComparer.Ordinal));
        Assert.Contains("COMPLETED is queued 2 times on webhook", violations.Single(v => v.JobId == "done").Found, StringComparison.Ordinal);
        Assert.Contains("but the job is Running", violations.Single(v => v.JobId == "running").Found, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_invariant_has_a_unique_id_and_is_documented()
    {
        var ids = Invariant.All.Select(i => i.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        var doc = File.ReadAllText(Path.Combine(TestInfrastructure.RepoRoot, "docs", "reliability.md"));
        Assert.All(ids, id => Assert.Contains($"`{id}`", doc, StringComparison.Ordinal));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
    }
}
