using Workflows.Testing;
using static Workflows.Testing.Outcome;

namespace WorkflowsApp.Tests;

/// <summary>The workflow through the real decider in memory: scripted exits, a clock that skips time, no database.</summary>
public class HelloWorkflowTests
{
    [Fact]
    public void Greets_then_checks_and_completes()
    {
        WorkflowTest.For<HelloWorkflow>().WithParam("Name", "Ada").Run()
            .ShouldComplete()
            .ShouldFollow("greet", "check")
            .ShouldRender("greet", "echo Hello, 'Ada'!");
    }

    [Fact]
    public void A_failed_greeting_is_retried_once_after_5_seconds()
    {
        WorkflowTest.For<HelloWorkflow>().WithParam("Name", "Ada").When("greet", Exit(1), Succeeds).Run()
            .ShouldComplete()
            .ShouldHaveHistory("Exited greet#1 1 FAILED", "+5s Started greet#2");
    }

    [Fact]
    public void Exit_3_of_check_fails_the_job_with_ERR_NOBODY()
    {
        WorkflowTest.For<HelloWorkflow>().WithParam("Name", "nobody").When("check", Exit(3)).Run()
            .ShouldFail("ERR_NOBODY")
            .ShouldRender("check", "test 'nobody' != nobody || exit 3");
    }
}
