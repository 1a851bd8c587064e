extern alias generators;

using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Definitions;

namespace Workflows.Generators.Tests;

public class GeneratorTests
{
    private const string RetryJob = """
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

    private const string Rich = """
        namespace Shop.Jobs
        {
            [Workflow("rich")]
            public sealed partial class Rich : Workflow
            {
                private const string Image = "busybox";
                protected override void Define(JobBuilder job) => job
                    .Description("every kind of value").Timeout(TimeSpan.FromMinutes(30)).MaxConcurrency(2)
                    .Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), 3, jitter: true).Variable("Region", "eu")
                    .Task("build-app").Docker(Image).Script("make", "make test").Environment("CI", "1").Tags("Linux", "x64")
                        .Artifacts("out/app.tar").AllowFailure().Timeout(TimeSpan.FromMilliseconds(1500)).OnExitCode("APPROVED", Completed)
                        .OnCompleted("ship").OnFailed("notify")
                    .Task("ship").HttpPostJson("https://example.com/deploy").Header("X-Token", "t").OnExitCode(404, Executing)
                        .Timeout(TimeSpan.FromSeconds(30)).Retry(3).OnExitCode(503, RestartTask).OnExitCode(409, ExitAction.Error("ERR_CONFLICT"))
                    .Task("notify").Shell().Script("echo \"failed\"").Dependencies("build-app").AlwaysRun();
            }
        }
        """;

    /// <summary>Retry rules: the parser reads Failure factories (joined by And, generic Exception&lt;T&gt;) and the rule lambda.</summary>
    private const string Resilient = """
        namespace Shop.Jobs
        {
            public sealed class FeedUnavailableException : Exception
            {
            }

            [Workflow("resilient")]
            public sealed partial class Resilient : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Task("sync").Docker("alpine").Script("sync").Retry(1)
                        .RetryOn(Failure.ExitCode(75, 76), rule => rule.Retry(10).Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), 2, jitter: true))
                        .RetryOn(Failure.ExitCode(2), rule => rule.Fatal())
                        .RetryOn(Failure.ExitCode(137), rule => rule.Retry(2).MemoryLimit("1Gi").CpuLimit("2"))
                        .RetryOn(Failure.ExitCode(1).And(Failure.Output("connection (reset|refused)")), rule => rule.Retry(5).DelayBetweenRetries(TimeSpan.FromSeconds(2)))
                        .RetryOn(Failure.ErrorCode("ERR_TASK_TIMED_OUT"))
                        .OnCompleted("notify")
                    .Task("notify").Shell().Script("notify")
                        .RetryOn(Failure.Exception<TimeoutException>(), rule => rule.RetryForever().DelayBetweenRetries(TimeSpan.FromSeconds(5)))
                        .RetryOn(Failure.Exception<FeedUnavailableException>(), rule => rule.Retry(3))
                        .RetryStrategy("business-hours");
            }
        }
        """;

    /// <summary>The seeds' keys: on_exit, and Procrastinate's linear_wait and exponential_wait at job, task and rule level.</summary>
    private const string Waits = """
        [Workflow("waits")]
        public sealed partial class Waits : Workflow
        {
            protected override void Define(JobBuilder job) => job
                .Retry(2).ExponentialWait(TimeSpan.FromSeconds(5))
                .Task("fetch").Shell().Script("./fetch.sh").Retry(3).LinearWait(TimeSpan.FromSeconds(5))
                    .RetryOn(Failure.ExitCode(75), rule => rule.Retry(4).ExponentialWait(TimeSpan.FromSeconds(2)))
                    .OnExit("report")
                .Task("report").Shell().Script("./report.sh");
        }
        """;

    /// <summary>An approval gate: the parser reads the ApprovalPolicy's arguments (lists as arrays or as EquatableArray.Create, durations, words).</summary>
    private const string Gated = """
        namespace Shop.Jobs
        {
            [Workflow("gated")]
            public sealed partial class Gated : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Task("stage").Shell().Script("deploy staging").OnCompleted("sign-off")
                    .Task("sign-off").Manual(new Workflows.Definitions.ApprovalPolicy(MinApprovals: 2, AllowedUsers: new[] { "carol", "dave" },
                            AllowedRoles: Workflows.Definitions.EquatableArray.Create("release-manager"), SlaDeadline: TimeSpan.FromHours(8), TimeoutAction: "AUTO_REJECT"))
                        .OnExitCode("APPROVED", "production").OnExitCode("REJECTED", "rollback")
                    .Task("production").Shell().Script("deploy production")
                    .Task("rollback").Shell().Script("rollback");
            }
        }
        """;

    /// <summary>The same gate with the policy written fluently: the parser reads the lambda's chain, every key of the policy set.</summary>
    private const string GatedFluent = """
        namespace Shop.Jobs
        {
            [Workflow("gated-fluent")]
            public sealed partial class GatedFluent : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Task("stage").Shell().Script("deploy staging").OnCompleted("sign-off")
                    .Task("sign-off").Manual(approvals => approvals.MinApprovals(2).AllowedUsers("carol", "dave")
                            .AllowedRoles("release-manager").RequireUnanimous().SlaDeadline(TimeSpan.FromHours(8))
                            .Escalate("oncall@example.com", "lead@example.com").EscalationMessage("sign-off is waiting"))
                        .OnExitCode("APPROVED", "production").OnExitCode("REJECTED", "rollback")
                    .Task("production").Manual(approvals => approvals.AllowedRoles("sre").SlaDeadline(TimeSpan.FromMinutes(30)).AutoApprove())
                        .OnCompleted("ship")
                    .Task("ship").Shell().Script("deploy production")
                    .Task("rollback").Shell().Script("rollback");
            }
        }
        """;

    [Theory]
    [InlineData(Waits, "Waits")]
    [InlineData(Gated, "Shop.Jobs.Gated")]
    [InlineData(GatedFluent, "Shop.Jobs.GatedFluent")]
    [InlineData(RetryJob, "RetryJob")]
    [InlineData(Rich, "Shop.Jobs.Rich")]
    [InlineData(Resilient, "Shop.Jobs.Resilient")]
    public void The_compiled_definition_equals_what_the_run_time_builder_makes(string source, string typeName)
    {
        var generated = Harness.Load(Harness.Generate(source).Output);
        var compiled = (JobDefinition)generated.GetType(typeName)!.GetProperty("CompiledDefinition")!.GetValue(null)!;

        // The same source without the generator: Define runs through the builder at run time.
        var plain = Harness.Load(Harness.Compile(source));
        var built = ((Workflow)Activator.CreateInstance(plain.GetType(typeName)!)!).Definition;

        Assert.Equal(built, compiled);
        Assert.Equal(compiled, ((Workflow)Activator.CreateInstance(generated.GetType(typeName)!)!).Definition);
        if (typeName == "Shop.Jobs.GatedFluent")
        {
            Assert.Equal(
                new ApprovalPolicy(2, new[] { "release-manager" }, new[] { "carol", "dave" }, true, TimeSpan.FromHours(8), "ESCALATE",
                    new[] { "oncall@example.com", "lead@example.com" }, "sign-off is waiting"),
                compiled.Tasks[1].ApprovalPolicy);
            Assert.Equal(new ApprovalPolicy(AllowedRoles: new[] { "sre" }, SlaDeadline: TimeSpan.FromMinutes(30), TimeoutAction: "AUTO_APPROVE"), compiled.Tasks[2].ApprovalPolicy);
        }

        if (typeName == "Waits")
        {
            Assert.Equal((BackoffShape.ExponentialWait, BackoffShape.LinearWait, BackoffShape.ExponentialWait, "report"),
                (compiled.Backoff!.Shape, compiled.Tasks[0].Backoff!.Shape, compiled.Tasks[0].RetryRules[0].Backoff!.Shape, compiled.Tasks[0].OnExit));
        }
    }

    [Fact]
    public void Generated_source_matches_the_checked_in_baseline()
    {
        var (_, generated) = Harness.Generate(RetryJob);
        var actual = generated["RetryJob.g.cs"].ReplaceLineEndings("\n");

        // To accept a deliberate change of the emitter: WORKFLOWS_ACCEPT_BASELINES=1 dotnet test, then review the diff.
        if (Environment.GetEnvironmentVariable("WORKFLOWS_ACCEPT_BASELINES") == "1")
        {
            File.WriteAllText(Path.Combine(SourceDirectory(), "Baselines", "RetryJob.g.cs.txt"), actual);
        }

        var expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Baselines", "RetryJob.g.cs.txt"));
        Assert.Equal(expected.ReplaceLineEndings("\n"), actual);
    }

    [Fact]
    public void Task_names_become_constants_with_safe_identifiers()
    {
        var assembly = Harness.Load(Harness.Generate(Rich).Output);
        var tasks = assembly.GetType("Shop.Jobs.Rich+Tasks")!;
        Assert.Equal("build-app", tasks.GetField("BuildApp")!.GetRawConstantValue());
        Assert.Equal("ship", tasks.GetField("Ship")!.GetRawConstantValue());
    }

    [Fact]
    public void The_registry_and_DI_extension_list_every_workflow_without_reflection()
    {
        const string probe = """
            public static class Probe
            {
                public static IServiceCollection Register(IServiceCollection services) => services.AddWorkflowsFromAssembly();
                public static System.Collections.Generic.IReadOnlyList<string> JobTypes => GeneratedWorkflowRegistry.JobTypes;
            }
            """;
        var assembly = Harness.Load(Harness.Generate(RetryJob, Rich, probe).Output);
        var type = assembly.GetType("Probe")!;
        Assert.Equal(["retry-job", "rich"], (IReadOnlyList<string>)type.GetProperty("JobTypes")!.GetValue(null)!);

        var services = (IServiceCollection)type.GetMethod("Register")!.Invoke(null, [new ServiceCollection()])!;
        using var provider = services.BuildServiceProvider();
        var workflows = provider.GetServices<Workflow>().ToList();
        Assert.Equal(["retry-job", "rich"], workflows.Select(w => w.Definition.JobType));
        Assert.Same(workflows[0], provider.GetRequiredService(assembly.GetType("RetryJob")!));
    }

    [Fact]
    public void Workflows_that_cannot_be_compiled_fall_back_to_the_run_time_builder()
    {
        const string dynamic = """
            [Workflow("dynamic")]
            public sealed partial class Dynamic : Workflow
            {
                private static readonly string Image = Environment.GetEnvironmentVariable("IMAGE") ?? "alpine";
                protected override void Define(JobBuilder job) => job.Task("a").Container(Image).Script("x");
            }
            """;
        var (output, generated) = Harness.Generate(dynamic);
        Assert.DoesNotContain("CompiledDefinition", generated["Dynamic.g.cs"], StringComparison.Ordinal);
        Assert.Contains("public const string A = \"a\";", generated["Dynamic.g.cs"], StringComparison.Ordinal);
        var workflow = (Workflow)Activator.CreateInstance(Harness.Load(output).GetType("Dynamic")!)!;
        Assert.Equal("alpine", workflow.Definition.Tasks[0].Container!.Image);
    }

    [Fact]
    public void A_workflow_with_validation_errors_gets_no_compiled_definition()
    {
        const string broken = """
            [Workflow("broken")]
            public sealed partial class Broken : Workflow
            {
                protected override void Define(JobBuilder job) => job.Task("a").Shell().Script("x").OnCompleted("b");
            }
            """;
        var (_, generated) = Harness.Generate(broken);
        Assert.DoesNotContain("CompiledDefinition", generated["Broken.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_workflow_with_a_template_error_gets_no_compiled_definition()
    {
        const string broken = """
            [Workflow("templated")]
            public sealed partial class Templated : Workflow
            {
                protected override void Define(JobBuilder job) => job.Task("a").Shell().Script("exit {{ Randm 0 3 }}");
            }
            """;
        var driver = Harness.Driver().RunGenerators(Harness.Compile(broken));
        var generated = driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName == "Templated.g.cs").SourceText.ToString();
        Assert.DoesNotContain("CompiledDefinition", generated, StringComparison.Ordinal);
        Assert.Contains("public const string A = \"a\";", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void Editing_one_workflow_does_not_re_emit_the_others()
    {
        const string other = """
            [Workflow("other")]
            public sealed partial class Other : Workflow
            {
                protected override void Define(JobBuilder job) => job.Task("only").Shell().Script("echo 1");
            }
            """;
        var compilation = Harness.Compile(RetryJob, other, "public static class Unrelated { }");
        var driver = Harness.Driver().RunGenerators(compilation);

        // An unrelated edit: every workflow step is cached, nothing is regenerated.
        var unrelated = Replace(compilation, 2, "public static class Unrelated { public const int X = 1; }");
        driver = driver.RunGenerators(unrelated);
        Assert.All(Steps(driver), reason => Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, reason.ToString()));

        // Editing 'other' changes only its own output.
        var edited = Replace(unrelated, 1, other.Replace("echo 1", "echo 2", StringComparison.Ordinal));
        driver = driver.RunGenerators(edited);
        var reasons = Steps(driver);
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Modified));
        Assert.Equal(1, reasons.Count(r => r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
    }

    [Fact]
    public void Models_hold_no_symbols_syntax_or_locations()
    {
        var spec = typeof(generators::Workflows.Generators.WorkflowGenerator).Assembly.GetType("Workflows.Generators.WorkflowSpec")!;
        foreach (var property in spec.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name != "EqualityContract"))
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            Assert.False(typeof(ISymbol).IsAssignableFrom(type) || typeof(SyntaxNode).IsAssignableFrom(type) || typeof(Location).IsAssignableFrom(type), property.Name);
            Assert.True(type == typeof(string) || type == typeof(bool) || type.Namespace!.StartsWith("Workflows", StringComparison.Ordinal), $"{property.Name}: {type}");
        }
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    private static IncrementalStepRunReason[] Steps(GeneratorDriver driver) =>
        driver.GetRunResult().Results.Single().TrackedSteps[generators::Workflows.Generators.WorkflowGenerator.WorkflowsStep]
            .SelectMany(step => step.Outputs).Select(output => output.Reason).ToArray();

    private static Compilation Replace(Compilation compilation, int index, string source)
    {
        var old = compilation.SyntaxTrees.Single(t => t.FilePath == $"File{index}.cs");
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(Harness.Usings + source, (CSharpParseOptions)old.Options, old.FilePath));
    }
}
