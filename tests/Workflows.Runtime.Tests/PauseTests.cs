using Workflows.Definitions;

namespace Workflows.Runtime.Tests;

/// <summary>PAUSE_JOB as formicary's code runs it (pauses count in JobRetry), and operators' pause and resume.</summary>
public class PauseTests
{
    private static JobRun Start(Action<JobBuilder> define, double jitter = 0.5)
    {
        var run = new JobRun(Workflow.Create("pauses", define).Definition, jitter);
        run.Decide(new StartJob());
        return run;
    }

    private static Func<JobEvent, string> Name(JobRun run) => RetryJobSeedTests.Name(run);

    /// <summary>formicary's docs/examples/pause-job.yaml: <c>second</c> exits 1 (PAUSE_JOB) while JobRetry &lt; 4.</summary>
    private static JobRun PauseJobExample() => Start(job => job.PauseTime(TimeSpan.FromSeconds(2)).DelayBetweenRetries(TimeSpan.FromSeconds(6))
        .Task("first").HttpGet("https://jsonplaceholder.typicode.com/todos/1").OnExitCode(10, ExitAction.RestartJob).OnExitCode(200, "second").OnCompleted("second")
        .Task("second").Container("alpine").Script("exit {{ if JobRetry < 4 }}1{{ else }}0{{ end }}").OnExitCode(1, ExitAction.PauseJob).OnCompleted("third")
        .Task("third").Container("alpine").Script("date"));

    [Fact]
    public void The_pause_job_example_pauses_four_times_and_completes_on_the_fifth_start_with_JobRetry_4()
    {
        var run = PauseJobExample();
        run.Run("first", 0);
        var seen = new List<int>();
        while (run.Due.TaskType == "second")
        {
            seen.Add(run.State.JobRetry); // what the attempt's template renders as JobRetry
            run.Run("second", run.State.JobRetry < 4 ? 1 : 0);
        }

        run.Run("third", 0);
        Assert.Equal([0, 1, 2, 3, 4], seen);
        Assert.Equal((JobStatus.Completed, 4, 0, 4), (run.State.Status, run.State.Pauses, run.State.JobAttempt, run.State.JobRetry));
        Assert.Equal(4, run.Events.OfType<JobPaused>().Count());
        Assert.All(run.Events.OfType<TaskStarted>().Where(s => s.TaskType == "second"), s => Assert.Equal(1, s.Attempt)); // a resume keeps the attempt
    }

    [Fact]
    public void Pauses_use_up_job_retries_as_formicarys_one_retried_counter_does()
    {
        var run = Start(job => job.Retry(2).PauseTime(TimeSpan.FromSeconds(5)).Task("a").Shell().Script("x").OnExitCode(1, ExitAction.PauseJob));
        run.Run("a", 1); // paused: JobRetry 1
        Assert.Contains("JobRetry#1 from a", run.Run("a", 2).Select(Name(run))); // JobRetry 1 < retry 2: a job retry (JobRetry 2)
        Assert.Equal((1, 1, 2), (run.State.JobAttempt, run.State.Pauses, run.State.JobRetry));
        Assert.Equal(["Exited a#1 2 FAILED", "Failed a ERR_TASK_EXECUTE", "JobFailed ERR_TASK_EXECUTE"], run.Run("a", 2).Select(Name(run)));
    }

    [Theory]
    [InlineData(0.0, 30)]
    [InlineData(0.5, 35)]
    [InlineData(0.999, 39)]
    public void The_default_pause_time_is_formicarys_30_to_39_seconds(double jitter, int seconds)
    {
        var run = Start(job => job.Task("a").Shell().Script("x").OnExitCode(1, ExitAction.PauseJob), jitter);
        run.Run("a", 1);
        var paused = run.Events.OfType<JobPaused>().Single();
        Assert.Equal(TimeSpan.FromSeconds(seconds), paused.ResumeAt - paused.At);
    }

    [Fact]
    public void An_operator_pause_lets_the_running_task_finish_then_holds_the_next_until_resumed()
    {
        var run = Start(job => job.Task("a").Shell().Script("x").OnCompleted("b").Task("b").Shell().Script("y"));
        run.Decide(new StartTask("a", 1));
        Assert.Equal(["JobPauseRequested"], run.Decide(new PauseRunningJob("ops")).Select(Name(run)));
        Assert.Equal((JobStatus.Running, "ops"), (run.State.Status, run.State.PauseRequestedBy));

        Assert.Equal(["Exited a#1 0 COMPLETED", "Completed a", "Scheduled b#1 Reached", "JobPausedByOperator"], run.Decide(new ReportTaskResult("a", 1, 0)).Select(Name(run)));
        Assert.Equal((JobStatus.Paused, true, "ops", 1), (run.State.Status, run.State.IsHeld, run.State.PausedBy, run.State.Pauses));

        run.Clock.Advance(TimeSpan.FromDays(1)); // no pause time: it waits for a resume
        Assert.Empty(run.Decide(new StartTask("b", 1)));

        Assert.Equal(["JobResumed"], run.Decide(new ResumePausedJob("ops")).Select(Name(run)));
        Assert.Equal((JobStatus.Running, false), (run.State.Status, run.State.IsHeld));
        run.Run("b", 0);
        Assert.Equal((JobStatus.Completed, 1, 1), (run.State.Status, run.State.Pauses, run.State.JobRetry));
    }

    [Fact]
    public void An_operator_pause_with_no_task_running_holds_at_once_and_a_waiting_retry_keeps_what_it_used()
    {
        var run = Start(job => job.Task("a").Shell().Script("x").Retry(2).DelayBetweenRetries(TimeSpan.FromMinutes(10)));
        run.Run("a", 1);
        var due = run.Due.DueAt;
        Assert.Equal(["JobPausedByOperator"], run.Decide(new PauseRunningJob("ops")).Select(Name(run)));

        run.Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Empty(run.Decide(new StartTask("a", 2)));
        Assert.Equal(["JobResumed"], run.Decide(new ResumePausedJob("ops")).Select(Name(run))); // the retry is not scheduled again
        Assert.Equal((2, due, 1), (run.Due.Attempt, run.Due.DueAt, run.State.Task("a").Used(TaskRun.OwnRetries)));
        run.Run("a", 0);
        Assert.Equal(JobStatus.Completed, run.State.Status);
    }

    [Fact]
    public void An_operator_pause_of_a_PAUSE_JOB_pause_stops_its_auto_resume_and_a_resume_runs_the_task_now()
    {
        var run = Start(job => job.PauseTime(TimeSpan.FromHours(1)).Task("a").Shell().Script("x").OnExitCode(1, ExitAction.PauseJob));
        run.Run("a", 1);
        Assert.Equal(["JobPausedByOperator"], run.Decide(new PauseRunningJob("ops")).Select(Name(run)));
        Assert.Equal(1, run.State.Pauses); // one pause, held

        run.Clock.Advance(TimeSpan.FromHours(2)); // past its pause time: held, it does not start
        Assert.Empty(run.Decide(new StartTask("a", 1)));
        Assert.Equal(["JobResumed"], run.Decide(new ResumePausedJob("ops")).Select(Name(run))); // its resume, overdue, runs at once
        Assert.True(run.Due.DueAt < run.Clock.GetUtcNow());
        run.Run("a", 0);
        Assert.Equal((JobStatus.Completed, 1), (run.State.Status, run.State.Pauses));

        var early = Start(job => job.PauseTime(TimeSpan.FromHours(1)).Task("a").Shell().Script("x").OnExitCode(1, ExitAction.PauseJob));
        early.Run("a", 1);
        Assert.Equal(["JobResumed", "Scheduled a#1 Resume"], early.Decide(new ResumePausedJob("ops")).Select(Name(early))); // before its pause time
        Assert.Equal(early.Clock.GetUtcNow(), early.Due.DueAt);
        early.Run("a", 0);
        Assert.Equal((JobStatus.Completed, 1), (early.State.Status, early.State.Pauses));
    }

    [Fact]
    public void A_pause_asked_while_a_task_runs_is_withdrawn_by_a_resume_and_dropped_when_the_task_ends_the_job()
    {
        var withdrawn = Start(job => job.Task("a").Shell().Script("x").OnCompleted("b").Task("b").Shell().Script("y"));
        withdrawn.Decide(new StartTask("a", 1));
        withdrawn.Decide(new PauseRunningJob("ops"));
        Assert.Equal(["JobResumed"], withdrawn.Decide(new ResumePausedJob("ops")).Select(Name(withdrawn)));
        Assert.DoesNotContain("JobPausedByOperator", withdrawn.Decide(new ReportTaskResult("a", 1, 0)).Select(Name(withdrawn)));
        Assert.Equal((JobStatus.Running, 0), (withdrawn.State.Status, withdrawn.State.Pauses));

        var last = Start(job => job.Task("a").Shell().Script("x"));
        last.Decide(new StartTask("a", 1));
        last.Decide(new PauseRunningJob("ops"));
        Assert.Equal(["Exited a#1 0 COMPLETED", "Completed a", "JobCompleted"], last.Decide(new ReportTaskResult("a", 1, 0)).Select(Name(last)));
    }

    [Fact]
    public void A_held_job_can_be_cancelled_and_its_cleanup_runs()
    {
        var run = Start(job => job.Task("a").Shell().Script("x").OnCompleted("b").Task("b").Shell().Script("y").Task("cleanup").Shell().Script("z").AlwaysRun());
        run.Run("a", 0);
        run.Decide(new PauseRunningJob("ops"));
        Assert.Equal(["Cancelling", "Ending Cancelled", "Scheduled cleanup#1 Cleanup"], run.Decide(new CancelJob()).Select(Name(run)));
        run.Run("cleanup", 0); // the hold does not stop the cleanup
        Assert.Equal(JobStatus.Cancelled, run.State.Status);
    }

    [Fact]
    public void Pause_and_resume_are_refused_with_a_reason_when_they_do_not_apply()
    {
        var queued = new JobRun(Workflow.Create("pauses", job => job.Task("a").Shell().Script("x").OnCompleted("b").Task("b").Shell().Script("y")).Definition);
        Assert.Equal(PauseRefusalReason.NotRunning, JobDecider.CanPause(queued.State)?.Reason);
        Assert.Empty(queued.Decide(new PauseRunningJob("ops")));
        Assert.Contains("queued", JobDecider.CanPause(queued.State)!.Message, StringComparison.Ordinal);

        queued.Decide(new StartJob());
        Assert.Equal(PauseRefusalReason.NotPaused, JobDecider.CanResume(queued.State)?.Reason);
        Assert.Empty(queued.Decide(new ResumePausedJob("ops")));

        queued.Decide(new StartTask("a", 1));
        queued.Decide(new PauseRunningJob("ops"));
        Assert.Equal(PauseRefusalReason.AlreadyPaused, JobDecider.CanPause(queued.State)?.Reason);
        Assert.Empty(queued.Decide(new PauseRunningJob("other")));

        queued.Decide(new ReportTaskResult("a", 1, 0));
        var held = JobDecider.CanPause(queued.State);
        Assert.Equal(PauseRefusalReason.AlreadyPaused, held?.Reason);
        Assert.Contains("paused by 'ops'", held!.Message, StringComparison.Ordinal);

        queued.Decide(new ResumePausedJob("ops"));
        queued.Run("b", 0);
        Assert.Equal((PauseRefusalReason.NotRunning, PauseRefusalReason.NotPaused), (JobDecider.CanPause(queued.State)?.Reason, JobDecider.CanResume(queued.State)?.Reason));
    }
}
