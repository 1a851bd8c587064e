using Workflows.Hosting.Tests.Support;
using Workflows.Runtime;

namespace Workflows.Hosting.Tests;

/// <summary>A job's own timeout, delivered by the store's due rows: the job fails with ERR_JOB_TIMED_OUT, its running task is stopped, its cleanup runs.</summary>
public sealed class JobTimeoutTests
{
    [Fact]
    public async Task A_job_past_its_timeout_fails_stops_its_running_task_and_runs_its_cleanup()
    {
        await using var host = await RunningHost.StartAsync("jobtimeout");
        var definition = Workflow.Create("slow-job", job => job.Timeout(TimeSpan.FromSeconds(1))
            .Task("slow").Shell().Script("sleep 30").OnCompleted("never")
            .Task("never").Shell().Script("true")
            .Task("cleanup").Shell().AlwaysRun().Script("echo cleaned")).Definition;

        var id = await host.Client.SubmitAsync(definition);
        // Bounded wait well under the task's 30 s: the job ended because of its timeout, not because the task did.
        var view = await host.WaitForEndAsync(id, TimeSpan.FromSeconds(20));

        Assert.Equal((JobStatus.Failed, ErrorCodes.JobTimedOut), (view.Status, view.ErrorCode));
        var tasks = view.Tasks.ToDictionary(t => t.TaskType);
        Assert.Equal(TaskRunStatus.Cancelled, tasks["slow"].Status);
        Assert.Equal(TaskRunStatus.Completed, tasks["cleanup"].Status);
        Assert.False(tasks.ContainsKey("never"));
        var events = await host.Jobs.EventsAsync(id);
        Assert.Contains(events, e => e is JobEnding { ErrorCode: ErrorCodes.JobTimedOut });
        Assert.IsType<JobFailed>(events[^1]);
    }
}
