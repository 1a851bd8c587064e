using Workflows.Testing;
using static Workflows.Testing.Outcome;

namespace Workflows.Testing.Tests;

/// <summary>The scripted outcomes besides exit codes: outputs later tasks see, exceptions and output tails that retry_on rules match.</summary>
public class OutcomeTests
{
    private static readonly Workflow Release = Workflow.Create("release", job => job
        .Task("build").Shell().Script("make").OnCompleted("call")
        .Task("call").Run((_, _) => new ValueTask<int>(0))
            .RetryOn(Failure.Exception<HttpRequestException>(), rule => rule.Retry(2))
            .OnCompleted("ship")
        .Task("ship").Shell().Script("ship {{ Version }}")
            .RetryOn(Failure.Output("connection reset"), rule => rule.Retry(1)));

    [Fact]
    public void An_output_set_by_one_task_is_rendered_into_a_later_tasks_script()
    {
        WorkflowTest.For(Release).When("build", Succeeds.WithOutput("Version", "1.2.3")).Run()
            .ShouldComplete()
            .ShouldRender("ship", "ship 1.2.3");
    }

    [Fact]
    public void A_thrown_exception_is_matched_by_its_retry_on_rule_until_the_rule_is_used_up()
    {
        var run = WorkflowTest.For(Release).When("call", Throws<HttpRequestException>()).Run();

        run.ShouldFail()
            .ShouldFollow("build", "call", "call", "call")
            .ShouldHaveHistory("Scheduled call#2 Retry", "Scheduled call#3 Retry", "Failed call ERR_TASK_EXECUTE");
    }

    [Fact]
    public void An_output_tail_is_matched_by_a_retry_on_output_pattern()
    {
        WorkflowTest.For(Release).When("ship", Exit(1).Printing("curl: connection reset by peer"), Succeeds).Run()
            .ShouldComplete()
            .ShouldFollow("build", "call", "ship", "ship");
        WorkflowTest.For(Release).When("ship", Exit(1).Printing("disk full")).Run()
            .ShouldFail()
            .ShouldFollow("build", "call", "ship");
    }
}
