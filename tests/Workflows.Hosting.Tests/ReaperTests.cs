using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Workflows.Marten;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Hosting.Tests;

/// <summary>The reaper on the real store, with a fake clock: jobs queued too long past their due time are cancelled with a reason.</summary>
public sealed class ReaperTests : IAsyncLifetime
{
    private readonly string _schema = "wf_reaper_" + Guid.NewGuid().ToString("N")[..12];
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
    private readonly DocumentStore _documents;
    private readonly JobStore _jobs;

    public ReaperTests()
    {
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        _jobs = new JobStore(_documents, _clock);
    }

    [Fact]
    public async Task Jobs_queued_past_the_limit_are_cancelled_with_the_reason_and_others_are_left()
    {
        var definition = Workflow.Create("reaped", job => job.Task("a").Shell().Script("true")).Definition;
        var reaper = new ReaperService(_jobs, Options.Create(new WorkflowsOptions()), _clock, NullLogger<ReaperService>.Instance);
        await _jobs.ExecuteAsync("old", new RequestJob("old", definition, new JobRequest()));
        await _jobs.ExecuteAsync("scheduled", new RequestJob("scheduled", definition, new JobRequest { ScheduledAt = _clock.GetUtcNow().AddDays(5) }));
        await _jobs.ExecuteAsync("started", new RequestJob("started", definition, new JobRequest()));
        await _jobs.ExecuteAsync("started", new StartJob());
        _clock.Advance(TimeSpan.FromDays(8));
        await _jobs.ExecuteAsync("young", new RequestJob("young", definition, new JobRequest()));
        // Submitted now with a scheduled_at long past: due from its submission, not from that date (it was reaped at once).
        await _jobs.ExecuteAsync("backdated", new RequestJob("backdated", definition, new JobRequest { ScheduledAt = _clock.GetUtcNow().AddDays(-30) }));

        Assert.Equal(1, await reaper.SweepAsync(TimeSpan.FromDays(7), CancellationToken.None));

        var old = (await _jobs.GetAsync("old"))!;
        Assert.Equal(JobStatus.Cancelled, old.Status);
        Assert.Equal("reaped: still queued 7 days after it was due (Workflows:ReapQueuedAfter)", old.CancelReason);
        Assert.Equal(old.CancelReason, Assert.IsType<JobCancelled>((await _jobs.EventsAsync("old"))[^1]).Reason);
        Assert.Equal(JobStatus.Queued, (await _jobs.GetAsync("scheduled"))!.Status); // due 3 days ago only
        Assert.Equal(JobStatus.Running, (await _jobs.GetAsync("started"))!.Status);
        Assert.Equal(JobStatus.Queued, (await _jobs.GetAsync("young"))!.Status);
        Assert.Equal(JobStatus.Queued, (await _jobs.GetAsync("backdated"))!.Status);

        _clock.Advance(TimeSpan.FromDays(5));
        Assert.Equal(1, await reaper.SweepAsync(TimeSpan.FromDays(7), CancellationToken.None));
        Assert.Equal(JobStatus.Cancelled, (await _jobs.GetAsync("scheduled"))!.Status); // 8 days past its scheduled time
        Assert.Equal(JobStatus.Queued, (await _jobs.GetAsync("young"))!.Status); // 5 days
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
    }
}
