using Marten;
using Microsoft.Extensions.Time.Testing;
using Workflows.Hosting;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests;

/// <summary>
/// An attempt runs while the write that starts it commits (its slot runs work instead of waiting for the commit), and
/// its result is recorded only once that start has committed: a start the stream refuses when it is written (the job
/// moved on since the worker read it) stops the attempt, and nothing of it is recorded.
/// </summary>
public sealed class StartWhileCommittingTests : IAsyncLifetime
{
    private readonly string _schema = "wf_overlap_" + Guid.NewGuid().ToString("N")[..12];
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));
    private readonly DocumentStore _documents;
    private readonly JobStore _jobs;

    public StartWhileCommittingTests()
    {
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        _jobs = new JobStore(_documents, _clock);
    }

    [Fact]
    public async Task A_start_refused_when_written_stops_the_attempt_and_records_nothing_of_it()
    {
        var stopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ran = 0;
        var workflow = Workflow.Create("stale", job => job.Task("a").Run(async (_, cancellationToken) =>
        {
            Interlocked.Increment(ref ran);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
                stopped.TrySetResult(false);
                return 0;
            }
            catch (OperationCanceledException)
            {
                stopped.TrySetResult(true);
                throw;
            }
        }));
        await _jobs.EnsureSchemaAsync();
        await _jobs.ExecuteAsync("s1", new RequestJob("s1", workflow.Definition, new JobRequest()));
        var claimed = Assert.Single(await _jobs.ClaimWorkAsync("w1", 16, 1, TimeSpan.FromMinutes(5), []));
        await _jobs.ExecuteAsync("s1", new CancelJob("changed its mind")); // the worker's snapshot is stale now

        await NewWorker(workflow).ProcessAsync(claimed);

        var events = await _jobs.EventsAsync("s1");
        Assert.Empty(events.OfType<TaskStarted>());
        Assert.Empty(events.OfType<TaskExited>());
        Assert.Equal(JobStatus.Cancelled, (await _jobs.GetAsync("s1"))!.Status);
        if (Volatile.Read(ref ran) > 0)
        {
            Assert.True(await stopped.Task.WaitAsync(TimeSpan.FromSeconds(10))); // it had begun: it was stopped, not left to run
        }
    }

    [Fact]
    public async Task A_start_decided_again_on_the_stream_keeps_the_attempt_that_already_runs()
    {
        var runs = 0;
        var workflow = Workflow.Create("again", job => job.Task("a").Run((_, _) =>
        {
            Interlocked.Increment(ref runs);
            return ValueTask.FromResult(0);
        }));
        await _jobs.EnsureSchemaAsync();
        await _jobs.ExecuteAsync("s2", new RequestJob("s2", workflow.Definition, new JobRequest()));
        var claimed = Assert.Single(await _jobs.ClaimWorkAsync("w1", 16, 1, TimeSpan.FromMinutes(5), []));
        await _jobs.ExecuteAsync("s2", new UpdateQueuedJob(5, "reprioritized", null)); // the stream moves on; the job still starts

        await NewWorker(workflow).ProcessAsync(claimed);

        var events = await _jobs.EventsAsync("s2");
        Assert.Equal(JobStatus.Completed, (await _jobs.GetAsync("s2"))!.Status);
        Assert.Single(events.OfType<TaskStarted>());
        Assert.Single(events.OfType<TaskExited>());
        Assert.Equal(1, runs); // decided again, the same attempt started: the run that began before is the one recorded
    }

    private TaskWorker NewWorker(Workflow workflow) => InProcessWorkers.New(_jobs, _documents, _clock, _schema, workflow);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
    }
}
