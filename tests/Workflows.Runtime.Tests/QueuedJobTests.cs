using Workflows.Definitions;

namespace Workflows.Runtime.Tests;

/// <summary>What the API may change on a queued job, and what it may not once the job started.</summary>
public class QueuedJobTests
{
    private static JobDefinition Definition => Workflow.Create("queued", job => job.Task("a").Shell().Script("true")).Definition;

    [Fact]
    public void A_request_records_who_asked_the_pinned_version_the_schedule_and_the_description()
    {
        var at = new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
        var events = JobDecider.Decide(
            new RequestJob("job-1", Definition, new JobRequest { Priority = 3, Queue = "nightly", SubmittedBy = "alice", DefinitionVersion = 7, ScheduledAt = at, Description = "d" }),
            JobState.Initial,
            new DecisionContext(at.AddHours(-1), 0.5));

        var requested = Assert.IsType<JobRequested>(Assert.Single(events));
        var state = JobDecider.Fold(events);
        Assert.Equal(("alice", 7, at, "d"), (requested.Request.SubmittedBy, requested.Request.DefinitionVersion, requested.Request.ScheduledAt, requested.Request.Description));
        Assert.Equal((JobStatus.Queued, 3, "nightly", "alice", 7, at, "d"), (state.Status, state.Request.Priority, state.Request.Queue, state.Request.SubmittedBy, state.Request.DefinitionVersion, state.Request.ScheduledAt, state.Request.Description));
    }

    [Fact]
    public void A_queued_job_takes_updates_field_by_field_and_a_started_one_takes_none()
    {
        var run = new JobRun(Definition);
        var later = run.Start0.AddHours(2);

        Assert.IsType<JobUpdated>(Assert.Single(run.Decide(new UpdateQueuedJob(5, null, null))));
        Assert.IsType<JobUpdated>(Assert.Single(run.Decide(new UpdateQueuedJob(null, "now described", later))));
        Assert.Equal((5, "now described", later), (run.State.Request.Priority, run.State.Request.Description, run.State.Request.ScheduledAt));
        Assert.Empty(run.Decide(new UpdateQueuedJob(null, null, null)));

        run.Decide(new StartJob());
        Assert.Empty(run.Decide(new UpdateQueuedJob(9, "too late", null)));
        Assert.Equal((5, "now described"), (run.State.Request.Priority, run.State.Request.Description));
    }
}
