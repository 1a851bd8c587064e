namespace Workflows.Definitions.Tests;

public class TaskOutputsTests
{
    [Theory]
    [InlineData("::set-output name=Version::1.2.3", "Version", "1.2.3")]
    [InlineData("  ::set-output name=_x9::a::b  ", "_x9", "a::b")]
    [InlineData("::set-output name=Empty::", "Empty", "")]
    public void An_output_line_sets_a_name_and_value(string line, string name, string value)
    {
        Assert.True(TaskOutputs.TryParse(line, out var n, out var v));
        Assert.Equal((name, value), (n, v));
    }

    [Theory]
    [InlineData("echo ::set-output name=Version::1")]
    [InlineData("::set-output name=9lives::1")]
    [InlineData("::set-output name=has-dash::1")]
    [InlineData("::set-output name=NoValue")]
    [InlineData("::set-output Version=1")]
    public void Other_lines_set_nothing(string line) => Assert.False(TaskOutputs.TryParse(line, out _, out _));

    [Fact]
    public void A_job_declares_the_literal_output_names_of_its_scripts_and_its_methods_own()
    {
        var job = Jobs.Of(
            Jobs.Shell("a", "b") with { Script = EquatableArray.Create("echo \"::set-output name=Version::$(cat v)\"", "echo ::set-output name={{ Dynamic }}::x") },
            new TaskDefinition { TaskType = "b", Method = TaskMethod.ExpireArtifacts });

        Assert.Equal(["TotalExpired", "TotalSize", "Version", "a-status", "b-status"], TaskOutputs.DeclaredBy(job).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Fork_and_await_tasks_declare_what_the_runtime_sets_for_them()
    {
        var job = Jobs.Of(
            new TaskDefinition { TaskType = "fork", Method = TaskMethod.ForkJob, ForkJobType = "child", OnCompleted = "await" },
            new TaskDefinition
            {
                TaskType = "await", Method = TaskMethod.AwaitForkedJob, AwaitForkedTasks = EquatableArray.Create("fork"),
                SubWorkflow = new SubWorkflowSpec(OutputVariables: EquatableArray.Create(new NamedValue("Total", "ChildTotal"))),
            });

        Assert.Equal(["ChildTotal", "RequestIDs", "TotalRequests", "await-status", "fork-status", "fork.ForkedJobID", "fork.ForkedJobType"], TaskOutputs.DeclaredBy(job).Order(StringComparer.Ordinal));
    }
}
