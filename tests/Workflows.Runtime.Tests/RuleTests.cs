using Workflows.Definitions;
using static Workflows.ExitAction;

namespace Workflows.Runtime.Tests;

/// <summary>The decider's rules beyond the seeds: routing, allow_failure, cleanup, cancellation, timeouts, exactly-once results.</summary>
public class RuleTests
{
    private static JobRun Start(Action<JobBuilder> define)
    {
        var run = new JobRun(Workflow.Create("rules", define).Definition);
        run.Decide(new StartJob());
        return run;
    }

    private static Func<JobEvent, string> Name(JobRun run) => RetryJobSeedTests.Name(run);

    [Fact]
    public void An_exit_code_mapped_to_a_task_branches_there_and_the_task_counts_as_completed()
    {
        var run = Start(job => job
            .Task("check").Shell().Script("x").OnExitCode(2, "fix").OnCompleted("done")
            .Task("fix").Shell().Script("y")
            .Task("done").Shell().Script("z"));
        Assert.Equal(["Exited check#1 2 fix", "Completed check", "Scheduled fix#1 Reached"], run.Run("check", 2).Select(Name(run)));
        run.Run("fix", 0);
        Assert.Equal((JobStatus.Completed, 2), (run.State.Status, run.State.Succeeded));
    }

    [Fact]
    public void State_keyed_routes_COMPLETED_and_FAILED_act_like_on_completed_and_on_failed()
    {
        var ok = Start(job => job.Task("a").Shell().Script("x").OnExitCode("COMPLETED", "b").Task("b").Shell().Script("y"));
        Assert.Contains("Scheduled b#1 Reached", ok.Run("a", 0).Select(Name(ok)));

        var failing = Start(job => job.Task("a").Shell().Script("x").OnExitCode("FAILED", "b").Task("b").Shell().Script("y"));
        Assert.Contains("Scheduled b#1 Reached", failing.Run("a", 1).Select(Name(failing)));
        failing.Run("b", 0);
        Assert.Equal(JobStatus.Failed, failing.State.Status); // a handler does not rescue the job
    }

    [Fact]
    public void On_failed_runs_the_handler_but_the_job_still_fails_with_the_task_error()
    {
        var run = Start(job => job
            .Task("build").Shell().Script("x").OnFailed("notify")
            .Task("notify").Shell().Script("y"));
        Assert.Equal(["Exited build#1 1 FAILED", "Failed build ERR_TASK_EXECUTE", "Scheduled notify#1 Reached"], run.Run("build", 1).Select(Name(run)));
        Assert.Equal(["Exited notify#1 0 COMPLETED", "Completed notify", "JobFailed ERR_TASK_EXECUTE"], run.Run("notify", 0).Select(Name(run)));
        Assert.Equal("build", run.State.FailedTask);
    }

    /// <summary>
    /// The retry-job and sensor-job seeds: "The next task can be defined using <c>on_completed</c>, <c>on_failed</c> or
    /// <c>on_exit</c>". <c>on_exit</c> is the next task whatever the outcome, taken when the outcome's own route is not
    /// set; like <c>on_failed</c> it does not rescue the job.
    /// </summary>
    [Fact]
    public void On_exit_is_the_next_task_whatever_the_outcome_when_the_outcomes_own_route_is_not_set()
    {
        void Define(JobBuilder job) => job
            .Task("build").Shell().Script("x").OnExit("report")
            .Task("report").Shell().Script("y");
        var ok = Start(Define);
        Assert.Equal(["Exited build#1 0 COMPLETED", "Completed build", "Scheduled report#1 Reached"], ok.Run("build", 0).Select(Name(ok)));
        ok.Run("report", 0);
        Assert.Equal(JobStatus.Completed, ok.State.Status);

        var failing = Start(Define);
        Assert.Equal(["Exited build#1 1 FAILED", "Failed build ERR_TASK_EXECUTE", "Scheduled report#1 Reached"], failing.Run("build", 1).Select(Name(failing)));
        Assert.Equal(["Exited report#1 0 COMPLETED", "Completed report", "JobFailed ERR_TASK_EXECUTE"], failing.Run("report", 0).Select(Name(failing)));

        // The outcome's own route wins: on_completed after success, on_failed after failure.
        void Both(JobBuilder job) => job
            .Task("build").Shell().Script("x").OnCompleted("deploy").OnFailed("notify").OnExit("report")
            .Task("deploy").Shell().Script("d")
            .Task("notify").Shell().Script("n")
            .Task("report").Shell().Script("r");
        var routed = Start(Both);
        Assert.Contains("Scheduled deploy#1 Reached", routed.Run("build", 0).Select(Name(routed)));
        routed = Start(Both);
        Assert.Contains("Scheduled notify#1 Reached", routed.Run("build", 1).Select(Name(routed)));
    }

    [Fact]
    public void Allow_failure_goes_on_via_on_completed_and_counts_the_task_as_ignored()
    {
        var run = Start(job => job
            .Task("lint").Shell().Script("x").AllowFailure().OnCompleted("test")
            .Task("test").Shell().Script("y"));
        Assert.Equal(["Exited lint#1 1 FAILED", "Failed lint ERR_TASK_EXECUTE ignored", "Scheduled test#1 Reached"], run.Run("lint", 1).Select(Name(run)));
        run.Run("test", 0);
        Assert.Equal((JobStatus.Completed, 1, 0, 1), (run.State.Status, run.State.Succeeded, run.State.Failed, run.State.Ignored));
    }

    [Fact]
    public void Always_run_tasks_clean_up_after_a_failure_then_the_job_fails()
    {
        var run = Start(job => job
            .Task("deploy").Shell().Script("x")
            .Task("cleanup").Shell().Script("y").AlwaysRun());
        Assert.Equal(["Exited deploy#1 1 FAILED", "Failed deploy ERR_TASK_EXECUTE", "Ending Failed", "Scheduled cleanup#1 Cleanup"], run.Run("deploy", 1).Select(Name(run)));
        Assert.Equal(["Exited cleanup#1 0 COMPLETED", "Completed cleanup", "JobFailed ERR_TASK_EXECUTE"], run.Run("cleanup", 0).Select(Name(run)));
    }

    [Fact]
    public void Always_run_tasks_are_not_run_when_the_job_succeeds()
    {
        var run = Start(job => job.Task("deploy").Shell().Script("x").Task("cleanup").Shell().Script("y").AlwaysRun());
        Assert.Equal(["Exited deploy#1 0 COMPLETED", "Completed deploy", "JobCompleted"], run.Run("deploy", 0).Select(Name(run)));
    }

    [Fact]
    public void Cancelling_a_queued_job_ends_it_at_once()
    {
        var run = new JobRun(Workflow.Create("q", job => job.Task("a").Shell().Script("x")).Definition);
        Assert.Equal(["JobCancelled"], run.Decide(new CancelJob()).Select(Name(run)));
        Assert.Empty(run.Decide(new StartJob()));
    }

    [Fact]
    public void Cancelling_a_running_job_waits_for_the_running_task_then_cleans_up_and_ends_cancelled()
    {
        var run = Start(job => job.Task("long").Shell().Script("sleep 60").Task("cleanup").Shell().Script("y").AlwaysRun());
        var due = run.Due;
        run.Decide(new StartTask("long", due.Attempt));
        Assert.Equal(["Cancelling"], run.Decide(new CancelJob()).Select(Name(run)));
        Assert.Equal(JobStatus.Cancelling, run.State.Status);
        Assert.Equal(
            ["Exited long#1 - FAILED", "Ending Cancelled", "Scheduled cleanup#1 Cleanup"],
            run.Decide(new ReportTaskResult("long", 1, null, TimedOut: false)).Select(Name(run)));
        Assert.Equal(["Exited cleanup#1 0 COMPLETED", "Completed cleanup", "JobCancelled"], run.Run("cleanup", 0).Select(Name(run)));
    }

    [Fact]
    public void A_cancellation_records_who_asked_for_it()
    {
        var queued = new JobRun(Workflow.Create("q", job => job.Task("a").Shell().Script("x")).Definition);
        Assert.Equal("alice", Assert.IsType<JobCancelled>(Assert.Single(queued.Decide(new CancelJob { RequestedBy = "alice" }))).RequestedBy);

        var running = Start(job => job.Task("long").Shell().Script("sleep 60"));
        running.Decide(new StartTask("long", running.Due.Attempt));
        var asked = Assert.IsType<JobCancellationRequested>(Assert.Single(running.Decide(new CancelJob { RequestedBy = "bob" })));
        Assert.Equal("bob", asked.RequestedBy);

        var bySystem = Start(job => job.Task("x").Shell().Script("y"));
        bySystem.Decide(new StartTask("x", bySystem.Due.Attempt));
        Assert.Null(Assert.IsType<JobCancellationRequested>(Assert.Single(bySystem.Decide(new CancelJob("the reaper")))).RequestedBy);
    }

    [Fact]
    public void A_task_still_running_when_the_job_times_out_cannot_end_the_job_before_its_cleanup()
    {
        var run = Start(job => job.Task("long").Shell().Script("sleep 600").Task("cleanup").Shell().Script("y").AlwaysRun());
        run.Decide(new StartTask("long", 1));
        run.Decide(new JobTimedOut());
        Assert.Empty(run.Decide(new ReportTaskResult("long", 1, 137))); // the killed task reports late: ignored
        Assert.Equal(JobStatus.Ending, run.State.Status);
        run.Run("cleanup", 0);
        Assert.Equal((JobStatus.Failed, "ERR_JOB_TIMED_OUT"), (run.State.Status, run.State.ErrorCode));
    }

    [Fact]
    public void Cancelling_while_waiting_for_a_delayed_retry_ends_the_job_without_waiting()
    {
        var run = Start(job => job.Task("a").Shell().Script("x").Retry(3).DelayBetweenRetries(TimeSpan.FromMinutes(5)));
        run.Run("a", 1);
        Assert.Equal(["Cancelling", "JobCancelled"], run.Decide(new CancelJob()).Select(Name(run)));
        Assert.Equal(TaskRunStatus.Cancelled, run.State.Task("a").Status);
    }

    [Fact]
    public void A_result_is_recorded_once_duplicates_and_stale_attempts_are_ignored()
    {
        var run = Start(job => job.Task("a").Shell().Script("x").Retry(1));
        run.Run("a", 1);
        Assert.Empty(run.Decide(new ReportTaskResult("a", 1, 1))); // duplicate of attempt 1
        var due = run.Due;
        run.Decide(new StartTask("a", 2));
        Assert.Empty(run.Decide(new StartTask("a", 2)));           // a second claim of the same attempt
        Assert.NotEmpty(run.Decide(new ReportTaskResult("a", 2, 0)));
        Assert.Empty(run.Decide(new ReportTaskResult("a", 2, 0)));
        Assert.Equal(JobStatus.Completed, run.State.Status);
        Assert.Equal(2, due.Attempt);
    }

    [Fact]
    public void A_timed_out_attempt_fails_with_ERR_TASK_TIMED_OUT_and_retries_apply()
    {
        var run = Start(job => job.Task("a").Shell().Script("x").Timeout(TimeSpan.FromSeconds(10)).Retry(1));
        Assert.Equal(["Exited a#1 - FAILED", "Scheduled a#2 Retry"], run.Run("a", null, timedOut: true).Select(Name(run)));
        Assert.Equal(["Exited a#2 - FAILED", "Failed a ERR_TASK_TIMED_OUT", "JobFailed ERR_TASK_TIMED_OUT"], run.Run("a", null, timedOut: true).Select(Name(run)));
    }

    [Fact]
    public void An_exception_in_a_csharp_task_fails_it_with_the_exception_type_recorded()
    {
        var run = Start(job => job.Task("code").Run((_, _) => ValueTask.FromResult(0)));
        run.Run("code", null, exception: "System.IO.IOException");
        var exited = run.Events.OfType<TaskExited>().Single();
        Assert.Equal(("System.IO.IOException", "ERR_TASK_EXECUTE"), (exited.ExceptionType, exited.ErrorCode));
        Assert.Equal(JobStatus.Failed, run.State.Status);
    }

    [Fact]
    public void An_executor_error_code_is_the_failure_code_unless_the_exit_code_map_says_otherwise()
    {
        // An HTTP transport failure: exit 1000 with ERR_HTTP_TRANSPORT; a retry, then the job fails with that code.
        var run = Start(job => job.Task("call").Retry(1).HttpGet("http://127.0.0.1/x"));
        run.Run("call", 1000, errorCode: "ERR_HTTP_TRANSPORT");
        run.Run("call", 1000, errorCode: "ERR_HTTP_TRANSPORT");
        Assert.Equal((JobStatus.Failed, "ERR_HTTP_TRANSPORT"), (run.State.Status, run.State.ErrorCode));

        // The same failure mapped in on_exit_code follows the map; an image that cannot be had has no exit code at all.
        var mapped = Start(job => job.Task("call").HttpGet("http://127.0.0.1/x").OnExitCode(1000, "ERR_OFFLINE"));
        mapped.Run("call", 1000, errorCode: "ERR_HTTP_TRANSPORT");
        Assert.Equal("ERR_OFFLINE", mapped.State.ErrorCode);
        var image = Start(job => job.Task("build").Container("nope:1").Script("true"));
        image.Run("build", null, errorCode: "ERR_IMAGE_NOT_FOUND");
        Assert.Equal("ERR_IMAGE_NOT_FOUND", image.Events.OfType<TaskExited>().Single().ErrorCode);
    }

    [Fact]
    public void A_job_timeout_fails_the_job_with_ERR_JOB_TIMED_OUT_after_cleanup()
    {
        var run = Start(job => job.Timeout(TimeSpan.FromMinutes(1)).Task("a").Shell().Script("x").Task("cleanup").Shell().Script("y").AlwaysRun());
        Assert.Equal(["Ending Failed", "Scheduled cleanup#1 Cleanup"], run.Decide(new JobTimedOut()).Select(Name(run)));
        Assert.Equal(TaskRunStatus.Cancelled, run.State.Task("a").Status); // its pending attempt may no longer start
        Assert.Empty(run.Decide(new StartTask("a", 1)));
        run.Run("cleanup", 0);
        Assert.Equal((JobStatus.Failed, "ERR_JOB_TIMED_OUT"), (run.State.Status, run.State.ErrorCode));
    }

    [Fact]
    public void Pause_job_waits_for_the_pause_time_then_runs_the_task_again()
    {
        var run = Start(job => job.PauseTime(TimeSpan.FromSeconds(40)).Task("wait").Shell().Script("x").OnExitCode(1, PauseJob));
        var at = run.Clock.GetUtcNow();
        Assert.Equal(["Exited wait#1 1 PAUSE_JOB", "Paused wait", "Scheduled wait#1 Resume"], run.Run("wait", 1).Select(Name(run)));
        Assert.Equal((JobStatus.Paused, at + TimeSpan.FromSeconds(40)), (run.State.Status, run.Due.DueAt));
        run.Run("wait", 0);
        Assert.Equal(JobStatus.Completed, run.State.Status);
    }

    [Fact]
    public void Hard_reset_after_retries_restarts_from_the_first_task_on_that_retry()
    {
        var run = Start(job => job.Retry(2).HardResetAfterRetries(1)
            .Task("a").Shell().Script("x").OnCompleted("b")
            .Task("b").Shell().Script("y"));
        run.Run("a", 0);
        Assert.Contains("JobRetry#1 from b", run.Run("b", 1).Select(Name(run)));
        Assert.Contains("JobRetry#2 from a full", run.Run("b", 1).Select(Name(run)));
        Assert.Equal(TaskRunStatus.Ready, run.State.Task("b").Status);
    }

    [Fact]
    public void The_final_failed_attempt_is_recorded_at_once_without_waiting_for_a_delay()
    {
        var run = Start(job => job.Task("a").Shell().Script("x").Retry(1).DelayBetweenRetries(TimeSpan.FromMinutes(10)));
        run.Run("a", 1);
        var before = run.Clock.GetUtcNow();
        run.Run("a", 1);
        var failed = run.Events.OfType<JobFailed>().Single();
        Assert.Equal(run.Clock.GetUtcNow(), failed.At);
        Assert.Equal(before + TimeSpan.FromMinutes(10), failed.At); // only the retry waited
    }

    [Fact]
    public void Queue_time_counts_from_the_earliest_start_one_rule_for_state_due_rows_and_api()
    {
        var created = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
        Assert.Equal(created, JobTimes.EarliestStart(created, created.AddHours(-1))); // a past scheduled_at: from submission
        Assert.Equal(created.AddHours(1), JobTimes.EarliestStart(created, created.AddHours(1)));
        Assert.Equal(TimeSpan.FromMinutes(5), JobTimes.QueueTime(created, created.AddHours(1), created.AddHours(1).AddMinutes(5)));
        Assert.Equal(TimeSpan.Zero, JobTimes.QueueTime(created, created.AddHours(1), created.AddMinutes(1))); // never negative
        Assert.Null(JobTimes.QueueTime(created, null, null));
    }

    [Fact]
    public void A_result_is_decided_as_of_when_its_attempt_ended_not_when_its_write_ran()
    {
        var run = new JobRun(Workflow.Create("t", job => job.Task("a").Shell().Script("x").OnCompleted("b").Task("b").Shell().Script("y")).Definition);
        run.Decide(new StartJob());
        run.Decide(new StartTask("a", 1));
        run.Clock.Advance(TimeSpan.FromSeconds(2));
        var ended = run.Clock.GetUtcNow();
        run.Clock.Advance(TimeSpan.FromMilliseconds(300)); // the worker gave its slot back, then wrote the result
        var events = run.Decide(new ReportTaskResult("a", 1, 0) { EndedAt = ended });
        Assert.All(events, e => Assert.Equal(ended, e.At));
        Assert.Equal(ended, run.State.Task("a").EndedAt);

        // A clock that says the attempt ended after the decision is not believed.
        run.Decide(new StartTask("b", 1));
        var later = run.Decide(new ReportTaskResult("b", 1, 0) { EndedAt = run.Clock.GetUtcNow().AddMinutes(5) });
        Assert.All(later, e => Assert.Equal(run.Clock.GetUtcNow(), e.At));
    }

    [Fact]
    public void Timings_and_queue_time_are_kept()
    {
        var run = new JobRun(Workflow.Create("t", job => job.Task("a").Shell().Script("x")).Definition);
        run.Clock.Advance(TimeSpan.FromSeconds(3));
        run.Decide(new StartJob());
        run.Clock.Advance(TimeSpan.FromSeconds(2));
        run.Run("a", 0);
        Assert.Equal(TimeSpan.FromSeconds(3), run.State.QueueTime);
        Assert.NotNull(run.State.Task("a").StartedAt);
        Assert.Equal(run.State.CreatedAt, run.State.EarliestStart);
        Assert.Equal(run.State.EndedAt, run.State.Task("a").EndedAt);
    }
}
