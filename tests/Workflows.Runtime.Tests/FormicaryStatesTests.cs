namespace Workflows.Runtime.Tests;

/// <summary>formicary's request states as job statuses, as <c>CountByJobTypeAndState</c> counts them.</summary>
public class FormicaryStatesTests
{
    [Theory]
    [InlineData("PENDING", new[] { JobStatus.Queued })]
    [InlineData("ready", new[] { JobStatus.Queued })]
    [InlineData("EXECUTING", new[] { JobStatus.Running, JobStatus.Ending, JobStatus.Cancelling })]
    [InlineData("Started", new[] { JobStatus.Running, JobStatus.Ending, JobStatus.Cancelling })]
    [InlineData("PAUSED", new[] { JobStatus.Paused })]
    [InlineData("MANUAL_APPROVAL_REQUIRED", new[] { JobStatus.AwaitingApproval })]
    [InlineData("COMPLETED", new[] { JobStatus.Completed })]
    [InlineData("FAILED", new[] { JobStatus.Failed })]
    [InlineData("CANCELLED", new[] { JobStatus.Cancelled })]
    [InlineData("HISTORY", new JobStatus[0])]
    public void Each_state_is_the_statuses_a_job_in_it_has_here(string state, JobStatus[] expected)
    {
        Assert.Equal(expected.Order(), FormicaryStates.ToStatuses([state]).Order());
    }

    [Fact]
    public void Several_states_give_each_status_once()
    {
        Assert.Equal([JobStatus.Queued, JobStatus.Running, JobStatus.Ending, JobStatus.Cancelling], FormicaryStates.ToStatuses(["PENDING", "READY", "EXECUTING", "RUNNING"]).Order());
    }

    [Fact]
    public void An_unknown_state_is_refused_naming_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => FormicaryStates.ToStatuses(["PENDING", "QUEUED"]));
        Assert.StartsWith("'QUEUED' is not a formicary job state; use one of PENDING, READY, STARTED, EXECUTING", e.Message, StringComparison.Ordinal);
    }
}
