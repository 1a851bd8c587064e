using Microsoft.Extensions.DependencyInjection;
using Workflows.Runtime;
using Workflows.Testing;
using static Workflows.Testing.Outcome;

namespace Workflows.Testing.Tests;

/// <summary>The fixture a test class shares: a real host on the test PostgreSQL (WORKFLOWS_TEST_PG) running SHELL tasks.</summary>
public sealed class ShellHostFixture : WorkflowsHostFixture
{
    public static Workflow Greeter { get; } = Workflow.Create("kit-greeter", job => job
        .Task("greet").Shell().Script("echo hello {{ Name | shell_quote }}").OnCompleted("check")
        .Task("check").Shell().Script("test {{ Name | shell_quote }} != nobody || exit 3").OnExitCode(3, "ERR_NO_GREETING"));

    protected override void Register(IServiceCollection services) => services.AddSingleton(Greeter);
}

/// <summary>The same workflow in memory (the kit) and for real (the host fixture): the two agree.</summary>
public class HostFixtureTests(ShellHostFixture fixture) : IClassFixture<ShellHostFixture>
{
    [Fact]
    public async Task The_fixture_runs_the_workflow_for_real_to_the_end_the_kit_predicts()
    {
        var real = await fixture.Host.RunAsync("kit-greeter", new Dictionary<string, string> { ["Name"] = "ada" });

        Assert.Equal(JobStatus.Completed, real.Status);
        WorkflowTest.For(ShellHostFixture.Greeter).WithParam("Name", "ada").Run()
            .ShouldComplete()
            .ShouldRender("greet", "echo hello 'ada'");
    }

    [Fact]
    public async Task A_real_exit_3_fails_the_job_with_the_mapped_code_as_the_scripted_one_does()
    {
        var real = await fixture.Host.RunAsync("kit-greeter", new Dictionary<string, string> { ["Name"] = "nobody" });

        Assert.Equal((JobStatus.Failed, "ERR_NO_GREETING"), (real.Status, real.ErrorCode));
        WorkflowTest.For(ShellHostFixture.Greeter).WithParam("Name", "nobody").When("check", Exit(3)).Run()
            .ShouldFail("ERR_NO_GREETING")
            .ShouldRender("check", "test 'nobody' != nobody || exit 3");
    }
}
