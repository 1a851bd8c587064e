namespace Workflows.Runtime.Tests;

/// <summary>The seed sensor-job: EXECUTING polls, allow_failure, and every exit code of second's map.</summary>
public class SensorJobSeedTests
{
    private static JobRun Start()
    {
        var run = new JobRun(new Samples.SensorJob().Definition);
        run.Decide(new StartJob());
        return run;
    }

    private static Func<JobEvent, string> Name(JobRun run) => RetryJobSeedTests.Name(run);

    [Fact]
    public void First_polls_every_5_seconds_while_404_then_goes_on_when_found()
    {
        var run = Start();
        var t0 = run.Clock.GetUtcNow();
        Assert.Equal(["Exited first#1 404 EXECUTING", "Scheduled first#1 Poll"], run.Run("first", 404).Select(Name(run)));
        Assert.Equal(t0 + TimeSpan.FromSeconds(5), run.Due.DueAt);
        Assert.Equal(TaskRunStatus.Executing, run.State.Task("first").Status);
        run.Run("first", 404);
        Assert.Equal(["Exited first#1 0 COMPLETED", "Completed first", "Scheduled second#1 Reached"], run.Run("first", 0).Select(Name(run)));
        Assert.Equal((1, 2), (run.State.Task("first").Attempt, run.State.Task("first").Polls)); // polls consume no retries
    }

    [Fact]
    public void Polling_past_the_15_second_timeout_fails_first_which_allow_failure_ignores()
    {
        var run = Start();
        run.Run("first", 404); // t = 0
        run.Run("first", 404); // t = 5
        run.Run("first", 404); // t = 10
        var events = run.Run("first", 404); // t = 15: timed out
        Assert.Equal(["Exited first#1 404 FAILED", "Failed first ERR_TASK_TIMED_OUT ignored", "Scheduled second#1 Reached"], events.Select(Name(run)));
        run.Run("second", 0);
        run.Run("third", 0);
        Assert.Equal((JobStatus.Completed, 2, 0, 1), (run.State.Status, run.State.Succeeded, run.State.Failed, run.State.Ignored));
    }

    [Theory]
    [InlineData(0, "Completed second")]
    [InlineData(3, "Completed second")]
    public void Second_exit_0_or_3_completes_and_goes_to_third(int exitCode, string expected)
    {
        var run = Start();
        run.Run("first", 0);
        Assert.Contains(expected, run.Run("second", exitCode).Select(Name(run)));
        run.Run("third", 0);
        Assert.Equal(JobStatus.Completed, run.State.Status);
    }

    [Theory]
    [InlineData(1, "FAILED", "ERR_TASK_EXECUTE")]
    [InlineData(2, "RESTART_JOB", "ERR_RESTART_JOB")]
    [InlineData(4, "ERR_BLAH", "ERR_BLAH")]
    [InlineData(5, "RESTART_TASK", "ERR_RESTART_TASK")]
    public void Second_failures_fail_the_job_at_once_because_sensor_job_has_no_retries(int exitCode, string action, string errorCode)
    {
        var run = Start();
        run.Run("first", 0);
        Assert.Equal([$"Exited second#1 {exitCode} {action}", $"Failed second {errorCode}", $"JobFailed {errorCode}"], run.Run("second", exitCode).Select(Name(run)));
    }
}
