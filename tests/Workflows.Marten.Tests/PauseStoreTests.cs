using Marten;
using Microsoft.Extensions.Time.Testing;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests;

/// <summary>Paused jobs in PostgreSQL: a PAUSE_JOB resume is a due row that outlives the store; an operator's hold has none until resumed.</summary>
public sealed class PauseStoreTests : IAsyncLifetime
{
    private readonly string _schema = "wf_test_" + Guid.NewGuid().ToString("N")[..12];
    private readonly DocumentStore _documents;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));
    private readonly JobStore _jobs;

    public PauseStoreTests()
    {
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        _jobs = new JobStore(_documents, _clock);
    }

    private static Workflows.Definitions.JobDefinition TwoTasks(TimeSpan pause) => Workflow.Create("pausing", job => job.PauseTime(pause)
        .Task("a").Shell().Script("x").OnExitCode(1, ExitAction.PauseJob).OnCompleted("b")
        .Task("b").Shell().Script("y")).Definition;

    private async Task RunFirstTaskAsync(string id, int exitCode, JobCommand? whileRunning = null)
    {
        await _jobs.ExecuteAsync(id, new RequestJob(id, TwoTasks(TimeSpan.FromMinutes(5)), new JobRequest()));
        await _jobs.ExecuteAsync(id, new StartJob());
        var claimed = Assert.Single(await _jobs.ClaimDueAsync("w", 10, TimeSpan.FromSeconds(30)));
        Assert.Equal(("a", 1), (claimed.TaskType, claimed.Attempt));
        await _jobs.ExecuteAsync(id, new StartTask("a", 1));
        if (whileRunning is not null)
        {
            await _jobs.ExecuteAsync(id, whileRunning);
        }

        await _jobs.ExecuteAsync(id, new ReportTaskResult("a", 1, exitCode));
    }

    [Fact]
    public async Task A_PAUSE_JOB_resume_waits_in_the_database_and_survives_a_new_store()
    {
        await RunFirstTaskAsync("p-1", 1);
        var paused = (await _jobs.GetAsync("p-1"))!;
        Assert.Equal((JobStatus.Paused, 1, null), (paused.Status, paused.Pauses, paused.PausedBy));

        // The host restarts: a new store on the same database.
        using var restarted = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        var again = new JobStore(restarted, _clock);
        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Empty(await again.ClaimDueAsync("w2", 10, TimeSpan.FromSeconds(30)));
        _clock.Advance(TimeSpan.FromMinutes(1));
        var resumed = Assert.Single(await again.ClaimDueAsync("w2", 10, TimeSpan.FromSeconds(30)));
        Assert.Equal(("p-1", "a", 1), (resumed.JobId, resumed.TaskType, resumed.Attempt));
        Assert.Single(await again.ExecuteAsync("p-1", new StartTask("a", 1)));
        Assert.Equal(JobStatus.Running, (await again.GetAsync("p-1"))!.Status);
    }

    [Fact]
    public async Task An_operators_hold_has_no_due_row_until_it_is_resumed()
    {
        await RunFirstTaskAsync("p-2", 0, new PauseRunningJob("ops"));
        var held = (await _jobs.GetAsync("p-2"))!;
        Assert.Equal((JobStatus.Paused, "ops", null, 1), (held.Status, held.PausedBy, held.PauseRequestedBy, held.Pauses));
        Assert.Equal(TaskRunStatus.Scheduled, held.Tasks.Single(t => t.TaskType == "b").Status);

        using var restarted = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        var again = new JobStore(restarted, _clock);
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.Empty(await again.ClaimDueAsync("w2", 10, TimeSpan.FromSeconds(30)));

        Assert.Single(await again.ExecuteAsync("p-2", new ResumePausedJob("ops")));
        var next = Assert.Single(await again.ClaimDueAsync("w2", 10, TimeSpan.FromSeconds(30)));
        Assert.Equal(("p-2", "b", 1), (next.JobId, next.TaskType, next.Attempt));
        var view = (await again.GetAsync("p-2"))!;
        Assert.Equal((JobStatus.Running, null), (view.Status, view.PausedBy));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
    }
}
