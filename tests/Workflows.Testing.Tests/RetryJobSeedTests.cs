using Workflows.Testing;
using static Workflows.Testing.Outcome;

namespace Workflows.Testing.Tests;

/// <summary>The retry-job seed's documented paths, each in a few lines of the kit (the YAML as uploaded, and the C# sample).</summary>
public class RetryJobSeedTests
{
    private static WorkflowTest Yaml() => WorkflowTest.FromYamlFile(Path.Combine(AppContext.BaseDirectory, "legacy-yaml", "retry-job.yaml"));

    [Fact]
    public void All_tasks_exit_0_and_the_job_completes_through_first_second_third()
    {
        Yaml().Run()
            .ShouldComplete()
            .ShouldFollow("first", "second", "third");
    }

    [Fact]
    public void When_second_exits_2_it_is_retried_as_RESTART_TASK_and_exit_3_fails_the_job_with_ERR_XYZ_after_its_job_retries()
    {
        var run = Yaml().When("second", Exit(2), Exit(2), Exit(3)).Run();

        run.ShouldFail("ERR_XYZ")
            .ShouldHaveHistory(
                "Exited second#1 2 RESTART_TASK", "Scheduled second#2 Retry",
                "Exited second#3 3 ERR_XYZ", "Failed second ERR_XYZ", "JobRetry#1 from second",
                "+6s Started second#1", // the job's delay_between_retries, skipped on the virtual clock
                "JobRetry#2 from second", "+12s Started second#1", "JobFailed ERR_XYZ")
            .ShouldFollow("first", "second", "second", "second", "second", "second", "second", "second", "second", "second");
        Assert.Equal(TimeSpan.FromSeconds(12), run.Elapsed);
    }

    [Fact]
    public void Exit_1_is_FATAL_the_job_fails_at_once()
    {
        Yaml().When("second", Exit(1)).Run()
            .ShouldFail("ERR_FATAL")
            .ShouldFollow("first", "second");
    }

    [Fact]
    public void When_first_exits_10_the_job_restarts_from_first_after_6_seconds_until_its_2_retries_are_used()
    {
        var run = WorkflowTest.For<Samples.RetryJob>().When("first", Exit(10)).Run();

        run.ShouldFail("ERR_RESTART_JOB")
            .ShouldFollow("first", "first", "first")
            .ShouldHaveHistory("JobRetry#1 from first full", "+6s Started first#1", "JobRetry#2 from first full", "+12s Started first#1");
    }

    [Fact]
    public void A_first_attempt_that_runs_past_its_15_second_timeout_fails_and_the_job_retry_resumes_at_first()
    {
        var run = Yaml().When("first", Succeeds.Took(TimeSpan.FromSeconds(20)), Succeeds).Run();

        run.ShouldComplete()
            .ShouldHaveHistory("+15s Failed first ERR_TASK_TIMED_OUT", "JobRetry#1 from first", "+21s Started first#1", "JobCompleted")
            .ShouldFollow("first", "first", "second", "third");
    }

    [Fact]
    public void The_rendered_script_of_second_is_an_exit_with_a_random_code_from_0_to_3()
    {
        var run = Yaml().WithSeed(7).Run();

        var line = Assert.Single(run.Rendered("second").Script);
        Assert.Matches("^exit [0-3]$", line);
        run.ShouldRender("third", "date");
    }
}
