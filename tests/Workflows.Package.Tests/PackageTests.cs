namespace Workflows.Package.Tests;

[Collection(SharedFeed.Name)]
public class PackageTests(PackageFixture package)
{
    private const string CardExample = """
        using Workflows;
        using static Workflows.ExitAction;

        Console.WriteLine($"{RetryJob.Tasks.Second} {new RetryJob().Definition.Tasks.Count} {RetryJob.CompiledDefinition.JobType}");

        [Workflow("retry-job")]
        public sealed partial class RetryJob : Workflow
        {
            protected override void Define(JobBuilder job) => job
                .Retry(2)
                .DelayBetweenRetries(TimeSpan.FromSeconds(6))
                .Task("first").HttpGet("http://127.0.0.1:5080/todos/1")
                    .Timeout(TimeSpan.FromSeconds(15)).DelayBetweenRetries(TimeSpan.FromSeconds(5))
                    .OnExitCode(10, RestartJob).OnCompleted("second")
                .Task("second").Container("alpine").Retry(2).Script("exit {{ Random 0 3 }}")
                    .OnExitCode(1, Fatal).OnExitCode(2, RestartTask).OnExitCode(3, "ERR_XYZ")
                    .OnCompleted("third")
                .Task("third").Container("alpine").Script("date");
        }
        """;

    [Fact]
    public void One_package_reference_gives_the_DSL_the_generated_code_and_a_clean_build()
    {
        var project = package.CreateConsumer("CardExample", CardExample);
        var (code, output) = Dotnet.Run(project, "build", "-nodeReuse:false");
        Assert.True(code == 0, output);
        Assert.Contains("0 Warning(s)", output, StringComparison.Ordinal);

        var (runCode, printed) = Dotnet.Run(project, "run", "--no-build");
        Assert.True(runCode == 0, printed);
        Assert.Equal("second 3 retry-job", printed.Trim());
    }

    [Fact]
    public void A_typo_in_an_edge_fails_the_build_naming_the_task_and_the_fix()
    {
        var project = package.CreateConsumer("Typo", CardExample.Replace(".OnCompleted(\"third\")", ".OnCompleted(\"thrid\")", StringComparison.Ordinal));
        var (code, output) = Dotnet.Run(project, "build", "-nodeReuse:false");
        Assert.NotEqual(0, code);
        Assert.Matches(@"Program\.cs\(17,26\): error WF0101: Task 'second' refers to unknown task 'thrid' in on_completed\. Did you mean 'third'\?", output);
    }
}
