using Workflows.Testing;
using static Workflows.Testing.Outcome;

namespace Workflows.Testing.Tests;

/// <summary>The sensor-job seed's documented paths: EXECUTING polls, allow_failure, and second's exit-code map.</summary>
public class SensorJobSeedTests
{
    private static WorkflowTest Yaml() => WorkflowTest.FromYamlFile(Path.Combine(AppContext.BaseDirectory, "legacy-yaml", "sensor-job.yaml"));

    [Fact]
    public void First_polls_every_5_seconds_while_it_gets_404_and_its_URL_changes_once_3_seconds_have_passed()
    {
        var run = Yaml().When("first", Exit(404), Exit(404), Succeeds).Run();

        run.ShouldComplete()
            .ShouldFollow("first", "first", "first", "second", "third")
            .ShouldHaveHistory("+0s Exited first#1 404 EXECUTING", "+5s Started first#1", "+10s Exited first#1 0 COMPLETED");
        Assert.Equal(["https://jsonplaceholder.typicode.com/blaaaaahtodos/1"], run.Rendered("first", 1).Script);
        Assert.Equal(["https://jsonplaceholder.typicode.com/todos/1"], run.Rendered("first", 2).Script);
    }

    [Fact]
    public void Polling_past_the_15_second_timeout_fails_first_which_allow_failure_ignores()
    {
        Yaml().When("first", Exit(404)).Run()
            .ShouldComplete()
            .ShouldHaveHistory("+15s Failed first ERR_TASK_TIMED_OUT ignored", "Completed second", "Completed third");
    }

    [Theory]
    [InlineData(1, "ERR_TASK_EXECUTE")]
    [InlineData(2, "ERR_RESTART_JOB")]
    [InlineData(4, "ERR_BLAH")]
    [InlineData(5, "ERR_RESTART_TASK")]
    public void Second_failures_fail_the_job_at_once_because_the_sensor_job_has_no_retries(int exitCode, string errorCode)
    {
        Yaml().When("second", Exit(exitCode)).Run()
            .ShouldFail(errorCode)
            .ShouldFollow("first", "second");
    }

    [Fact]
    public void Second_exit_3_is_COMPLETED_and_the_job_goes_on_to_third()
    {
        WorkflowTest.For<Samples.SensorJob>().When("second", Exit(3)).Run()
            .ShouldComplete()
            .ShouldHaveHistory("Exited second#1 3 COMPLETED", "Completed third");
    }

    [Fact]
    public void Second_echoes_the_attempts_nonce()
    {
        var script = Yaml().Run().Rendered("second").Script;
        Assert.Matches("^echo nonce [0-9a-f]{32}$", script[0]);
    }
}
