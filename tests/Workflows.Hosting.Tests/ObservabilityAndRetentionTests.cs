using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Workflows.Hosting.Tests.Support;
using Workflows.Runtime;

namespace Workflows.Hosting.Tests;

/// <summary>Spans and metrics of real job runs; finished jobs archived after their retention.</summary>
public sealed class ObservabilityAndRetentionTests
{
    private static Definitions.JobDefinition Shell(string jobType, int exitCode = 0) =>
        Workflow.Create(jobType, job => job.Task("a").Shell().Script("true").OnCompleted("b").Task("b").Shell().Script($"exit {exitCode}")).Definition;

    [Fact]
    public async Task A_job_run_emits_a_span_per_task_attempt_and_one_for_the_job_and_counts_its_end()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == WorkflowsTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var ended = new ConcurrentBag<(long Value, string? Outcome, string? JobType)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == WorkflowsTelemetry.Name && instrument.Name == "workflows.jobs.ended")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var all = tags.ToArray();
            ended.Add((value, all.FirstOrDefault(t => t.Key == "outcome").Value as string, all.FirstOrDefault(t => t.Key == "workflows.job.type").Value as string));
        });
        meters.Start();

        await using var host = await RunningHost.StartAsync("otel");
        var id = await host.Client.SubmitAsync(Shell("otel-job", exitCode: 4));
        await host.WaitForEndAsync(id);

        // The job's span and counter are recorded by the worker just after the end commits, so a reader of the database
        // may see the end first: wait for them (bounded) before asserting.
        List<Activity> Mine() => spans.Where(s => (string?)s.GetTagItem("workflows.job.id") == id).ToList();
        for (var waited = 0; (Mine().Count < 3 || !ended.Contains((1L, "failed", "otel-job"))) && waited < 10_000; waited += 20)
        {
            await Task.Delay(20);
        }

        var mine = Mine();
        Assert.Equal(["job otel-job", "task a", "task b"], mine.Select(s => s.DisplayName).Order(StringComparer.Ordinal));
        var b = mine.Single(s => s.DisplayName == "task b");
        Assert.Equal((4, 1, ActivityStatusCode.Error), (b.GetTagItem("workflows.task.exit_code"), b.GetTagItem("workflows.task.attempt"), b.Status));
        var job = mine.Single(s => s.DisplayName == "job otel-job");
        Assert.Equal("failed", job.GetTagItem("workflows.job.outcome"));
        Assert.True(job.StartTimeUtc <= mine.Single(s => s.DisplayName == "task a").StartTimeUtc);
        Assert.Contains((1L, "failed", "otel-job"), ended);
    }

    [Fact]
    public async Task Finished_jobs_are_archived_after_the_retention_of_their_type_and_others_are_kept()
    {
        await using var host = await RunningHost.StartAsync("retention", options =>
        {
            options.RetentionByJobType["short-lived"] = TimeSpan.Zero;
            options.RetentionSweep = TimeSpan.FromMilliseconds(50);
        });
        var kept = await host.Client.SubmitAsync(Shell("long-lived"));
        var archived = await host.Client.SubmitAsync(Shell("short-lived"));
        await host.WaitForEndAsync(kept);

        var view = await host.WaitUntilAsync(archived, v => v.ArchivedAt is not null);

        Assert.Equal(JobStatus.Completed, view.Status);
        var (listed, _) = await host.Jobs.ListAsync(new Marten.JobQuery());
        Assert.Equal([kept], listed.Select(v => v.Id));
        Assert.NotEmpty(await host.Jobs.EventsAsync(kept));
    }

    [Fact]
    public async Task A_definitions_retention_days_archive_its_finished_jobs_by_their_end_state()
    {
        await using var host = await RunningHost.StartAsync("defretention", options => options.RetentionSweep = TimeSpan.FromMilliseconds(50));
        var definition = Workflow.Create("kept-by-state", job => job.RetentionDays(completed: 0, failed: 30)
            .Task("a").Shell().Script("exit {{ Code }}")).Definition;
        var completed = await host.Client.SubmitAsync(definition, new Dictionary<string, string> { ["Code"] = "0" });
        var failed = await host.Client.SubmitAsync(definition, new Dictionary<string, string> { ["Code"] = "1" });
        var failedView = await host.WaitForEndAsync(failed);

        var archived = await host.WaitUntilAsync(completed, v => v.ArchivedAt is not null);

        Assert.Equal(JobStatus.Completed, archived.Status);
        Assert.Equal(archived.EndedAt, archived.RetainUntil);
        Assert.Equal(JobStatus.Failed, failedView.Status);
        Assert.Equal(failedView.EndedAt!.Value.AddDays(30), failedView.RetainUntil);
        Assert.Null((await host.Jobs.GetAsync(failed))!.ArchivedAt);
    }
}
