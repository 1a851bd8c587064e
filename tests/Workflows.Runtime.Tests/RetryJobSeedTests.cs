namespace Workflows.Runtime.Tests;

/// <summary>The seed retry-job, every exit code of its maps, checked event by event (part 1 of FORMICARY-FORMAT.md).</summary>
public class RetryJobSeedTests
{
    private static JobRun Start()
    {
        var run = new JobRun(new Samples.RetryJob().Definition);
        run.Decide(new StartJob());
        return run;
    }

    [Fact]
    public void All_zero_exit_codes_complete_the_job_through_every_task()
    {
        var run = Start();
        run.Run("first", 0);
        run.Run("second", 0);
        run.Run("third", 0);
        Assert.Equal(
            [
                "JobStarted#0", "Scheduled first#1 Reached",
                "Started first#1", "Exited first#1 0 COMPLETED", "Completed first", "Scheduled second#1 Reached",
                "Started second#1", "Exited second#1 0 COMPLETED", "Completed second", "Scheduled third#1 Reached",
                "Started third#1", "Exited third#1 0 COMPLETED", "Completed third", "JobCompleted",
            ],
            run.Trace());
        Assert.Equal((JobStatus.Completed, 3, 0, 0), (run.State.Status, run.State.Succeeded, run.State.Failed, run.State.Ignored));
    }

    [Fact]
    public void Exit_1_is_FATAL_the_job_fails_at_once_without_task_or_job_retries()
    {
        var run = Start();
        run.Run("first", 0);
        var events = run.Run("second", 1);
        Assert.Equal(["Exited second#1 1 FATAL", "Failed second ERR_FATAL", "JobFailed ERR_FATAL"], events.Select(Name(run)));
        Assert.Equal((JobStatus.Failed, "ERR_FATAL", "second"), (run.State.Status, run.State.ErrorCode, run.State.FailedTask));
    }

    [Fact]
    public void Exit_2_is_RESTART_TASK_two_task_retries_then_two_job_retries_resuming_at_the_failed_task()
    {
        var run = Start();
        run.Run("first", 0);
        Assert.Equal(["Exited second#1 2 RESTART_TASK", "Scheduled second#2 Retry"], run.Run("second", 2).Select(Name(run)));
        Assert.Equal(["Exited second#2 2 RESTART_TASK", "Scheduled second#3 Retry"], run.Run("second", 2).Select(Name(run)));

        var beforeJobRetry = run.Clock.GetUtcNow();
        Assert.Equal(
            ["Exited second#3 2 RESTART_TASK", "Failed second ERR_RESTART_TASK", "JobRetry#1 from second", "Scheduled second#1 JobRetry"],
            run.Run("second", 2).Select(Name(run)));
        Assert.Equal(beforeJobRetry + TimeSpan.FromSeconds(6), run.Due.DueAt);
        Assert.Equal(TaskRunStatus.Completed, run.State.Task("first").Status); // completed tasks keep their results

        for (var jobRetry = 1; jobRetry <= 2; jobRetry++)
        {
            run.Run("second", 2);
            run.Run("second", 2);
            run.Run("second", 2);
        }

        Assert.Equal((JobStatus.Failed, "ERR_RESTART_TASK", 2), (run.State.Status, run.State.ErrorCode, run.State.JobAttempt));
        Assert.Equal(9, run.Events.OfType<TaskStarted>().Count(s => s.TaskType == "second"));
    }

    [Fact]
    public void Exit_3_is_ERR_XYZ_the_task_fails_with_that_code_after_its_retries()
    {
        var run = Start();
        run.Run("first", 0);
        run.Run("second", 3);
        run.Run("second", 3);
        var events = run.Run("second", 3);
        Assert.Contains("Failed second ERR_XYZ", events.Select(Name(run)));
        Assert.Equal("ERR_XYZ", run.Events.OfType<TaskExited>().Last().ErrorCode);
    }

    /// <summary>
    /// The retry-job doc's prose says "exit-code 2 will restart the entire job, exit-code 3 will mark the task as
    /// successful", but its YAML maps <c>2: RESTART_TASK</c> and <c>3: ERR_XYZ</c>. The map is the definition
    /// (docs/compatibility.md): exit 2 restarts the task, not the job; exit 3 fails the task with ERR_XYZ, not success.
    /// </summary>
    [Fact]
    public void The_map_not_the_prose_decides_exit_2_restarts_the_task_and_exit_3_fails_with_ERR_XYZ()
    {
        var run = Start();
        run.Run("first", 0);
        var two = run.Run("second", 2);
        Assert.Equal(["Exited second#1 2 RESTART_TASK", "Scheduled second#2 Retry"], two.Select(Name(run)));
        Assert.DoesNotContain(run.Events, e => e is JobRetryScheduled);

        run.Run("second", 3);
        var three = run.Run("second", 3);
        Assert.DoesNotContain(run.Events, e => e is TaskCompleted { TaskType: "second" });
        Assert.Equal(["Exited second#3 3 ERR_XYZ", "Failed second ERR_XYZ", "JobRetry#1 from second", "Scheduled second#1 JobRetry"], three.Select(Name(run)));
    }

    [Fact]
    public void First_exit_10_is_RESTART_JOB_the_job_starts_again_from_the_first_task_after_the_job_delay()
    {
        var run = Start();
        var at = run.Clock.GetUtcNow();
        Assert.Equal(["Exited first#1 10 RESTART_JOB", "JobRetry#1 from first full", "Scheduled first#1 JobRetry"], run.Run("first", 10).Select(Name(run)));
        Assert.Equal(at + TimeSpan.FromSeconds(6), run.Due.DueAt);
        run.Run("first", 10);
        Assert.Equal(["Exited first#1 10 RESTART_JOB", "Failed first ERR_RESTART_JOB", "JobFailed ERR_RESTART_JOB"], run.Run("first", 10).Select(Name(run)));
    }

    [Fact]
    public void An_unmapped_failure_of_first_fails_the_task_and_the_job_retries_resume_there()
    {
        var run = Start();
        var events = run.Run("first", 404);
        Assert.Equal(["Exited first#1 404 FAILED", "Failed first ERR_TASK_EXECUTE", "JobRetry#1 from first", "Scheduled first#1 JobRetry"], events.Select(Name(run)));
    }

    internal static Func<JobEvent, string> Name(JobRun run) => e => run.Trace()[run.Events.ToList().IndexOf(e) - 1];
}
