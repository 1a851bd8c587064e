using Workflows.Definitions;
using Workflows.Testing;
using static Workflows.Testing.Outcome;

namespace Workflows.Testing.Tests;

/// <summary>What a failed expectation or a bad test says: the expectation, the path, and the history.</summary>
public class FailureMessageTests
{
    private static WorkflowTest RetryJob() => WorkflowTest.FromYamlFile(Path.Combine(AppContext.BaseDirectory, "legacy-yaml", "retry-job.yaml"));

    [Fact]
    public void A_failed_expectation_prints_what_was_expected_the_path_and_the_history()
    {
        var run = RetryJob().When("second", Exit(1)).Run();

        var e = Assert.Throws<WorkflowAssertionException>(() => run.ShouldComplete());

        Assert.Equal(
            string.Join(Environment.NewLine,
                "Expected the job to be Completed, but it is Failed with ERR_FATAL.",
                "Job 'retry-job' is Failed with ERR_FATAL after 0s (virtual)",
                "Path: first → second",
                "History:",
                "  +0s Requested retry-job",
                "  +0s JobStarted#0",
                "  +0s Scheduled first#1 Reached",
                "  +0s Started first#1",
                "  +0s Exited first#1 0 COMPLETED",
                "  +0s Completed first",
                "  +0s Scheduled second#1 Reached",
                "  +0s Started second#1",
                "  +0s Exited second#1 1 FATAL",
                "  +0s Failed second ERR_FATAL",
                "  +0s JobFailed ERR_FATAL",
                string.Empty),
            e.Message);
    }

    [Fact]
    public void A_missing_history_line_is_named_with_the_line_it_was_expected_after()
    {
        var run = RetryJob().Run();

        var e = Assert.Throws<WorkflowAssertionException>(() => run.ShouldHaveHistory("Completed first", "Failed second ERR_XYZ"));

        Assert.StartsWith("Expected the history to have \"Failed second ERR_XYZ\" after \"+0s Completed first\", but it does not.", e.Message, StringComparison.Ordinal);
        Assert.Contains("  +0s JobCompleted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_different_path_prints_both_paths()
    {
        var e = Assert.Throws<WorkflowAssertionException>(() => RetryJob().Run().ShouldFollow("first", "third"));
        Assert.StartsWith($"Expected the path{Environment.NewLine}  first → third{Environment.NewLine}but it was{Environment.NewLine}  first → second → third", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scripting_a_task_the_job_does_not_have_names_the_tasks_it_has()
    {
        var e = Assert.Throws<ArgumentException>(() => RetryJob().When("secnd", Exit(2)));
        Assert.StartsWith("Job 'retry-job' has no task 'secnd'. Its tasks: 'first', 'second', 'third'.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_with_errors_is_refused_with_each_problem_and_its_line()
    {
        var e = Assert.Throws<ArgumentException>(() => WorkflowTest.FromYaml("job_type: broken\ntasks:\n- task_type: a\n  on_completed: b\n", "broken.yaml"));
        Assert.StartsWith("The YAML definition broken.yaml cannot be run; fix these problems:", e.Message, StringComparison.Ordinal);
        Assert.Contains("broken.yaml(4,", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_workflow_that_polls_forever_fails_at_the_bound_instead_of_hanging()
    {
        var poller = Workflow.Create("poller", job => job
            .Task("wait").Shell().Script("check").OnExitCode(1, ExitAction.Executing));

        var e = Assert.Throws<WorkflowAssertionException>(() => WorkflowTest.For(poller).When("wait", Exit(1)).Run(maxRuns: 5));

        Assert.StartsWith("The job did not end within 5 task runs", e.Message, StringComparison.Ordinal);
        Assert.Contains("Path: wait → wait → wait → wait → wait", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_definition_is_refused_by_the_one_validator()
    {
        var definition = new JobDefinition { JobType = "bad", Tasks = new[] { new TaskDefinition { TaskType = "a", OnCompleted = "missing" } } };
        Assert.Throws<InvalidWorkflowDefinitionException>(() => WorkflowTest.For(definition));
    }
}
