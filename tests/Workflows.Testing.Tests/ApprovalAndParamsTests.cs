using Workflows.Runtime;
using Workflows.Testing;

namespace Workflows.Testing.Tests;

/// <summary>A C# workflow in the kit: request params in the rendered script, approvals voted by the test or left waiting.</summary>
public class ApprovalAndParamsTests
{
    [Fact]
    public void Params_reach_the_rendered_script_and_a_voted_approval_lets_the_job_on()
    {
        var deploy = Workflow.Create("deploy", job => job
            .Task("approve").Manual().OnCompleted("ship")
            .Task("ship").Shell().Script("deploy {{ Version }}"));

        var run = WorkflowTest.For(deploy).WithParam("Version", "1.2.3").Vote("approve", ApprovalDecision.Approved).Run();

        run.ShouldComplete().ShouldRender("ship", "deploy 1.2.3").ShouldFollow("ship");
    }

    [Fact]
    public void An_approval_without_a_vote_leaves_the_job_waiting()
    {
        var deploy = Workflow.Create("deploy", job => job
            .Task("approve").Manual().OnCompleted("ship")
            .Task("ship").Shell().Script("deploy"));

        WorkflowTest.For(deploy).Run().ShouldEnd(JobStatus.AwaitingApproval);
    }
}
