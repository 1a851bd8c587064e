using Marten;
using Microsoft.Extensions.Time.Testing;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests;

/// <summary>
/// The fast write path: a job's start and its first attempt in one write, results decided on the state this process
/// last wrote (read again when stale), jobs submitted in a process with workers handed to them with their rows kept
/// leased for recovery, and claims sized to the idle workers.
/// </summary>
public sealed class WritePathTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly string _schema = "wf_test_" + Guid.NewGuid().ToString("N")[..12];
    private readonly DocumentStore _documents;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
    private readonly Workflows.Definitions.JobDefinition _twoTasks =
        Workflow.Create("two", job => job.Task("a").Shell().Script("a").OnCompleted("b").Task("b").Shell().Script("b")).Definition;

    public WritePathTests() =>
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));

    [Fact]
    public async Task A_jobs_start_and_its_first_attempt_are_one_write_leased_to_the_worker_and_recovered_when_the_lease_lapses()
    {
        var jobs = new JobStore(_documents, _clock);
        await jobs.ExecuteAsync("j1", new RequestJob("j1", _twoTasks, new JobRequest()));

        var step = await jobs.StepAsync("j1", null, new StartJob(), "w1", Lease);

        Assert.Equal(["JobStarted", "TaskScheduled", "TaskStarted"], step.Events.Select(e => e.GetType().Name));
        Assert.Equal(("a", 1), (step.Started!.TaskType, step.Started.Attempt));
        Assert.Equal(4, step.Snapshot.Version);
        Assert.Empty(await jobs.ClaimDueAsync("w2", 10, Lease)); // leased to w1 by the same write

        _clock.Advance(Lease + TimeSpan.FromSeconds(1)); // w1 died: the attempt is claimable again
        var retaken = Assert.Single(await jobs.ClaimDueAsync("w2", 10, Lease));
        Assert.Equal(("j1", "a", 1), (retaken.JobId, retaken.TaskType, retaken.Attempt));
    }

    [Fact]
    public async Task A_result_starts_the_next_due_attempt_in_the_same_write()
    {
        var jobs = new JobStore(_documents, _clock);
        await jobs.ExecuteAsync("j2", new RequestJob("j2", _twoTasks, new JobRequest()));
        var started = await jobs.StepAsync("j2", null, new StartJob(), "w1", Lease);

        var step = await jobs.StepAsync("j2", started.Snapshot, new ReportTaskResult("a", 1, 0), "w1", Lease);

        Assert.Equal(("b", 1), (step.Started!.TaskType, step.Started.Attempt));
        Assert.IsType<TaskStarted>(step.Events[^1]);
        Assert.Equal(step.Snapshot.Version, (await jobs.EventsAsync("j2")).Count);
        Assert.Empty(await jobs.ClaimDueAsync("w2", 10, Lease));
        var done = await jobs.StepAsync("j2", step.Snapshot, new ReportTaskResult("b", 1, 0), "w1", Lease);
        Assert.Null(done.Started);
        Assert.Equal(JobStatus.Completed, done.Snapshot.State.Status);
    }

    [Fact]
    public async Task A_stale_snapshot_is_read_again_and_a_result_already_recorded_is_not_recorded_twice()
    {
        var jobs = new JobStore(_documents, _clock);
        await jobs.ExecuteAsync("j3", new RequestJob("j3", _twoTasks, new JobRequest()));
        var started = await jobs.StepAsync("j3", null, new StartJob(), "w1", Lease);
        await jobs.ExecuteAsync("j3", new ReportTaskResult("a", 1, 0)); // another worker (a lease taken over) records it first

        var late = await jobs.StepAsync("j3", started.Snapshot, new ReportTaskResult("a", 1, 0), "w1", Lease);

        Assert.Empty(late.Events);
        Assert.Single((await jobs.EventsAsync("j3")).OfType<TaskExited>());
    }

    [Fact]
    public async Task A_job_submitted_in_a_process_with_workers_is_handed_to_them_with_its_row_leased_for_recovery()
    {
        var local = new LocalWork();
        local.Open(workers: 1, backlog: 1, "host-a", Lease, []);
        var jobs = new JobStore(_documents, _clock, local);

        await jobs.ExecuteAsync("j4", new RequestJob("j4", _twoTasks, new JobRequest()));
        Assert.True(local.Reader.TryRead(out var item));
        Assert.Equal(("j4", "", JobStatus.Queued, 1L), (item.Claim.JobId, item.Claim.TaskType, item.Known!.State.Status, item.Known.Version));
        Assert.Empty(await jobs.ClaimDueAsync("host-b", 10, Lease)); // the row is kept, leased to this process

        await jobs.ExecuteAsync("j5", new RequestJob("j5", _twoTasks, new JobRequest())); // the backlog is full
        Assert.False(local.Reader.TryRead(out _));
        Assert.Equal("j5", Assert.Single(await jobs.ClaimDueAsync("host-b", 10, TimeSpan.FromHours(1))).JobId); // left to any worker's claim

        _clock.Advance(Lease + TimeSpan.FromSeconds(1)); // host-a died before starting j4: another host starts it
        Assert.Equal("j4", Assert.Single(await jobs.ClaimDueAsync("host-b", 10, Lease)).JobId);
    }

    [Fact]
    public async Task A_job_with_a_concurrency_rule_or_a_later_start_is_not_handed_over_locally()
    {
        var local = new LocalWork();
        local.Open(workers: 1, backlog: 10, "host-a", Lease, []);
        var jobs = new JobStore(_documents, _clock, local);

        await jobs.ExecuteAsync("j6", new RequestJob("j6", _twoTasks with { MaxConcurrency = 1 }, new JobRequest()));
        await jobs.ExecuteAsync("j7", new RequestJob("j7", _twoTasks, new JobRequest { LockKey = "deploy" }));
        await jobs.ExecuteAsync("j8", new RequestJob("j8", _twoTasks, new JobRequest { ScheduledAt = _clock.GetUtcNow().AddMinutes(5) }));

        Assert.False(local.Reader.TryRead(out _));
        Assert.Equal(["j6", "j7"], (await jobs.ClaimDueAsync("host-b", 10, Lease)).Select(c => c.JobId).Order());
    }

    [Fact]
    public async Task An_attempt_due_now_that_no_worker_starts_is_handed_to_this_process_with_its_row_leased()
    {
        var local = new LocalWork();
        local.Open(workers: 1, backlog: 10, "host-a", Lease, []);
        var jobs = new JobStore(_documents, _clock, local);
        await jobs.ExecuteAsync("j9", new RequestJob("j9", _twoTasks, new JobRequest()));
        Assert.True(local.Reader.TryRead(out _)); // the submitted job's start
        local.Taken();
        var started = await jobs.StepAsync("j9", null, new StartJob(), "host-a", Lease);

        // The first task completes and no slot is free to start the second in the same write (worker: null).
        var result = await jobs.StepAsync("j9", started.Snapshot, new ReportTaskResult("a", 1, 0), null, Lease);

        Assert.Null(result.Started);
        Assert.True(local.Reader.TryRead(out var item));
        Assert.Equal(("j9", "b", 1), (item.Claim.JobId, item.Claim.TaskType, item.Claim.Attempt));
        Assert.Equal(result.Snapshot, item.Known);
        Assert.Empty(await jobs.ClaimDueAsync("host-b", 10, 10, Lease, null)); // leased to this process, kept for recovery
        _clock.Advance(Lease + TimeSpan.FromSeconds(1)); // host-a died before running it: another host does
        Assert.Equal(("j9", "b"), Assert.Single(await jobs.ClaimDueAsync("host-b", 10, 10, Lease, null)) is var c ? (c.JobId, c.TaskType) : default);
    }

    [Fact]
    public async Task A_result_says_beforehand_whether_it_starts_an_attempt_now_an_immediate_retry_or_the_next_task()
    {
        var jobs = new JobStore(_documents, _clock);
        var flaky = Workflow.Create("flaky", job => job.Task("a").Shell().Script("a").Retry(1).OnCompleted("b").Task("b").Shell().Script("b")).Definition;
        await jobs.ExecuteAsync("s1", new RequestJob("s1", flaky, new JobRequest()));
        var first = await jobs.StepAsync("s1", null, new StartJob(), "w1", Lease);

        Assert.True(jobs.StartsNextAttempt(first.Snapshot, new ReportTaskResult("a", 1, 1))); // retried at once
        var retried = await jobs.StepAsync("s1", first.Snapshot, new ReportTaskResult("a", 1, 1), "w1", Lease);
        Assert.Equal(("a", 2), (retried.Started!.TaskType, retried.Started.Attempt));
        Assert.True(jobs.StartsNextAttempt(retried.Snapshot, new ReportTaskResult("a", 2, 0))); // the next task
        Assert.False(jobs.StartsNextAttempt(retried.Snapshot, new ReportTaskResult("a", 2, 1))); // no retry left: the job fails
        var second = await jobs.StepAsync("s1", retried.Snapshot, new ReportTaskResult("a", 2, 0), "w1", Lease);
        Assert.False(jobs.StartsNextAttempt(second.Snapshot, new ReportTaskResult("b", 1, 0))); // the job completes
        Assert.False(jobs.StartsNextAttempt(second.Snapshot, new ReportTaskResult("a", 9, 0))); // refused: no such attempt runs
    }

    [Fact]
    public async Task A_claim_takes_one_task_attempt_per_idle_worker()
    {
        var jobs = new JobStore(_documents, _clock);
        for (var i = 0; i < 5; i++)
        {
            await jobs.ExecuteAsync($"k{i}", new RequestJob($"k{i}", _twoTasks, new JobRequest()));
            await jobs.ExecuteAsync($"k{i}", new StartJob());
        }

        Assert.Equal(3, (await jobs.ClaimDueAsync("host", 10, 3, Lease, null)).Count);
        Assert.Equal(2, (await jobs.ClaimDueAsync("host", 10, 3, Lease, null)).Count);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
    }
}
