using Workflows.Testing;
using static Workflows.Testing.Outcome;

namespace Workflows.Testing.Tests;

/// <summary>Time that the virtual clock skips: PAUSE_JOB's pause and the job's timeout.</summary>
public class VirtualTimeTests
{
    [Fact]
    public void A_PAUSE_JOB_exit_pauses_the_job_and_the_task_runs_again_35_seconds_later()
    {
        var poller = Workflow.Create("pauser", job => job
            .Task("wait").Shell().Script("check").OnExitCode(5, ExitAction.PauseJob));

        var run = WorkflowTest.For(poller).When("wait", Exit(5), Succeeds).Run();

        run.ShouldComplete()
            .ShouldHaveHistory("+0s Exited wait#1 5 PAUSE_JOB", "+0s Paused wait", "+35s Started wait#1", "+35s JobCompleted");
        Assert.Equal(TimeSpan.FromSeconds(35), run.Elapsed);
    }

    [Fact]
    public void A_job_that_runs_past_its_timeout_fails_at_the_timeout_while_its_task_still_runs()
    {
        var slow = Workflow.Create("slow", job => job
            .Timeout(TimeSpan.FromMinutes(1))
            .Task("long").Shell().Script("sleep 3600"));

        WorkflowTest.For(slow).When("long", Succeeds.Took(TimeSpan.FromHours(1))).Run()
            .ShouldFail("ERR_JOB_TIMED_OUT")
            .ShouldHaveHistory("+0s Started long#1", "+60s JobFailed ERR_JOB_TIMED_OUT");
    }
}
