using Marten;
using Microsoft.Extensions.Time.Testing;
using Workflows.Hosting;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests;

/// <summary>
/// A worker whose result starts the job's next attempt now keeps its execution slot for it: the start is written with
/// the result and the attempt runs at once, even while another worker waits for a slot (it used to take the slot
/// given back, and the retry waited for a start write and a worker of its own). Only an attempt that ended while its
/// own start still committed gives the slot to a waiting worker, and takes the next one freed ahead of new work.
/// </summary>
public sealed class SlotHandoverTests : IAsyncLifetime
{
    private readonly string _schema = "wf_slot_" + Guid.NewGuid().ToString("N")[..12];
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));
    private readonly DocumentStore _documents;
    private readonly JobStore _jobs;

    public SlotHandoverTests()
    {
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        _jobs = new JobStore(_documents, _clock);
    }

    [Fact]
    public async Task An_immediate_retry_runs_on_the_slot_of_the_failed_attempt_while_another_worker_waits_for_one()
    {
        using var slots = new ExecutionSlots(1);
        Task? waiting = null;
        var workflow = Workflow.Create("flaky", job => job.Task("a").Retry(1).Run(async (context, cancellationToken) =>
        {
            if (context.Attempt == 1)
            {
                waiting = slots.TakeAsync(CancellationToken.None); // another worker asks for the only slot, and keeps it
                while (!(await _jobs.EventsAsync(context.JobId, cancellationToken)).OfType<TaskStarted>().Any())
                {
                    await Task.Delay(5, cancellationToken); // an attempt that outlasts its start's commit, as any real task does
                }
            }

            return context.Attempt == 1 ? 1 : 0;
        }));
        await _jobs.EnsureSchemaAsync();
        var worker = NewWorker(workflow, slots);
        await _jobs.ExecuteAsync("f1", new RequestJob("f1", workflow.Definition, new JobRequest()));

        await worker.RunOnceAsync(); // one claim: the job's start, its first attempt, and the retry

        Assert.Equal(JobStatus.Completed, (await _jobs.GetAsync("f1"))!.Status);
        var events = await _jobs.EventsAsync("f1");
        var exited = events.OfType<TaskExited>().ToList();
        Assert.Equal([1, 0], exited.Select(e => e.ExitCode));
        Assert.Equal(2, events.OfType<TaskStarted>().Count());
        Assert.True(waiting!.IsCompleted); // the waiting worker got the slot once the job had ended
    }

    [Fact]
    public async Task An_attempt_that_ends_while_its_start_commits_gives_the_slot_to_a_waiting_worker_and_its_retry_takes_the_next_one_first()
    {
        using var slots = new ExecutionSlots(1);
        var order = new List<string>();
        Task? other = null;
        var workflow = Workflow.Create("flaky", job => job.Task("a").Retry(1).Run((context, _) =>
        {
            lock (order)
            {
                order.Add("attempt " + context.Attempt);
            }

            if (context.Attempt == 1)
            {
                // Another worker wants the only slot for a short attempt of its own, then gives it back.
                other = slots.TakeAsync(CancellationToken.None).ContinueWith(
                    _ =>
                    {
                        lock (order)
                        {
                            order.Add("other");
                        }

                        slots.Release();
                    },
                    TaskScheduler.Default);
            }

            return ValueTask.FromResult(context.Attempt == 1 ? 1 : 0);
        }));
        await _jobs.EnsureSchemaAsync();
        var worker = NewWorker(workflow, slots);
        await _jobs.ExecuteAsync("f2", new RequestJob("f2", workflow.Definition, new JobRequest()));

        await worker.RunOnceAsync();

        Assert.Equal(JobStatus.Completed, (await _jobs.GetAsync("f2"))!.Status);
        var events = await _jobs.EventsAsync("f2");
        Assert.Equal([1, 0], events.OfType<TaskExited>().Select(e => e.ExitCode));
        Assert.Equal(2, events.OfType<TaskStarted>().Count()); // the retry's start still came with the failed result: no write of its own
        await other!;
        Assert.Equal(3, order.Count); // whichever had the slot first, both ran, and the retry ran in the same claim
        Assert.Equal(1, slots.Free);
    }

    private TaskWorker NewWorker(Workflow workflow, ExecutionSlots slots) => InProcessWorkers.New(_jobs, _documents, _clock, _schema, workflow, slots);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
    }
}
