using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Workflows.Definitions;
using Workflows.Yaml;
using Workflows.Yaml.Translation;
using Xunit.Abstractions;

namespace Workflows.Cli.Tests.Translation;

/// <summary>The translation reads like the hand-written samples (samples/Workflows.Samples).</summary>
public class ReadabilityTests(ITestOutputHelper output)
{
    /// <summary>The seed YAML calls jsonplaceholder.typicode.com; the C# samples call a local server instead.</summary>
    private static string TranslateSeed(string file)
    {
        var loaded = YamlJobLoader.Load(Repo.Read("samples", "legacy-yaml", file), "samples/legacy-yaml/" + file);
        var job = loaded.Definition!;
        job = job with
        {
            Tasks = job.Tasks.Select(t => t with
            {
                Script = t.Script.Select(l => l.Replace("https://jsonplaceholder.typicode.com", "http://127.0.0.1:5080", StringComparison.Ordinal)).ToEquatableArray(),
            }).ToEquatableArray(),
        };
        return CSharpTranslator.Translate(job, "samples/legacy-yaml/" + file);
    }

    [Fact]
    public void The_retry_job_translates_to_the_calls_of_the_hand_written_sample_in_the_same_order()
    {
        var translated = TranslateSeed("retry-job.yaml");
        output.WriteLine(translated);

        Assert.Equal(Calls(Repo.Read("samples", "Workflows.Samples", "RetryJob.cs")), Calls(translated));

        var lines = translated.Split('\n').Select(l => l.Trim()).ToList();
        Assert.Equal("// Translated from samples/legacy-yaml/retry-job.yaml (legacy formicary YAML) by 'workflows translate'.", lines[0]);
        Assert.Contains("using Workflows;", lines);
        Assert.Contains("using static Workflows.ExitAction;", lines);
        Assert.DoesNotContain("using Workflows.Definitions;", lines);
        Assert.Contains("[Workflow(\"retry-job\")]", lines);
        Assert.Contains("public sealed partial class RetryJob : Workflow", lines);
        Assert.Contains("protected override void Define(JobBuilder job) => job", lines);
        Assert.Contains(".Retry(2)", lines);
        Assert.Contains(".DelayBetweenRetries(TimeSpan.FromSeconds(6))", lines);
        Assert.Contains(".Task(\"first\")", lines);
        Assert.Contains(".HttpGet(\"http://127.0.0.1:5080/todos/1\")", lines);
        Assert.Contains(".OnExitCode(10, RestartJob)", lines);
        Assert.Contains(".Container(\"alpine\")", lines);
        Assert.Contains(".Script(\"exit {{ Random 0 3 }}\")", lines);
        Assert.Contains(".OnExitCode(1, Fatal)", lines);
        Assert.Contains(".OnExitCode(2, RestartTask)", lines);
        Assert.Contains(".OnExitCode(3, \"ERR_XYZ\")", lines);
        Assert.Contains(".Script(\"date\");", lines);

        // Indented like the sample: job-level calls and tasks at 8 spaces, a task's calls at 12.
        Assert.Contains("        .Retry(2)", translated.Split('\n'));
        Assert.Contains("        .Task(\"second\")", translated.Split('\n'));
        Assert.Contains("            .Container(\"alpine\")", translated.Split('\n'));
    }

    [Fact]
    public void The_sensor_job_translates_to_the_calls_of_the_hand_written_sample()
    {
        var translated = TranslateSeed("sensor-job.yaml");
        output.WriteLine(translated);

        // The same calls; within a task only the order of independent calls may differ.
        Assert.Equal(Calls(Repo.Read("samples", "Workflows.Samples", "SensorJob.cs")).Order(), Calls(translated).Order());
        Assert.Contains("            .OnExitCode(404, Executing)", translated.Split('\n'));
        Assert.Contains("            .Script(\"echo nonce {{ Nonce }}\", \"exit {{ Random 0 5 }}\")", translated.Split('\n'));
    }

    /// <summary>The calls of the Define chain, in order, each as written without whitespace between tokens.</summary>
    private static List<string> Calls(string source)
    {
        var define = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>()
            .Single(m => m.Identifier.Text == "Define");
        var calls = new List<string>();
        for (var node = define.ExpressionBody!.Expression; node is InvocationExpressionSyntax invocation;)
        {
            var access = (MemberAccessExpressionSyntax)invocation.Expression;
            calls.Add(access.Name + string.Concat(invocation.ArgumentList.DescendantTokens().Select(t => t.Text + (t.IsKind(SyntaxKind.CommaToken) ? " " : ""))));
            node = access.Expression;
        }

        calls.Reverse();
        return calls;
    }
}
