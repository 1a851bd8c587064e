extern alias analyzers;

using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using static Workflows.Definitions.WorkflowDiagnostics;
using AppendCallFix = analyzers::Workflows.Analyzers.CodeFixes.AppendCallFix;
using MakePartialFix = analyzers::Workflows.Analyzers.CodeFixes.MakePartialFix;
using ReplaceWithSuggestionFix = analyzers::Workflows.Analyzers.CodeFixes.ReplaceWithSuggestionFix;
using WorkflowAnalyzer = analyzers::Workflows.Analyzers.WorkflowAnalyzer;

namespace Workflows.Analyzers.Tests;

public class CodeFixTests
{
    private static async Task Fix<TFix>(string source, string fixedSource, string? equivalenceKey = null, params DiagnosticResult[] remaining)
        where TFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<WorkflowAnalyzer, TFix, DefaultVerifier>
        {
            TestCode = Verify.Usings + source,
            FixedCode = Verify.Usings + fixedSource,
            ReferenceAssemblies = Verify.References,
            CodeActionEquivalenceKey = equivalenceKey,
        };
        test.TestState.AdditionalReferences.AddRange(Verify.Extra);
        test.FixedState.AdditionalReferences.AddRange(Verify.Extra);
        test.FixedState.ExpectedDiagnostics.AddRange(remaining);
        await test.RunAsync();
    }

    private const string Typo = """
        [Workflow("typo")]
        public sealed partial class Typo : Workflow
        {
            protected override void Define(JobBuilder job) => job
                .Task("start").Shell().Script("x").OnCompleted({|WF0101:"stepp"|})
                .Task("step1").Shell().Script("y").OnCompleted("step2")
                .Task("step2").Shell().Script("z");
        }
        """;

    [Fact]
    public async Task Unknown_task_offers_the_closest_name() =>
        await Fix<ReplaceWithSuggestionFix>(Typo, Typo.Replace("{|WF0101:\"stepp\"|}", "\"step1\"", StringComparison.Ordinal), UnknownTaskId + ":step1");

    [Fact]
    public async Task Unknown_task_offers_every_other_close_name_too() =>
        await Fix<ReplaceWithSuggestionFix>(
            Typo,
            Typo.Replace("{|WF0101:\"stepp\"|}", "\"step2\"", StringComparison.Ordinal),
            UnknownTaskId + ":step2",
            DiagnosticResult.CompilerError("WF0104").WithSpan(9, 15, 9, 22).WithArguments("Task 'step1' is never reached: no route leads to it from the first task 'start'. Route to it (on_completed, on_failed, on_exit or on_exit_code), mark it always_run for cleanup, or remove it."));

    [Fact]
    public async Task Misspelt_action_word_is_replaced_by_the_word() =>
        await Fix<ReplaceWithSuggestionFix>(
            """
            [Workflow("word")]
            public sealed partial class Word : Workflow
            {
                protected override void Define(JobBuilder job) => job.Task("a").Shell().Script("x").OnExitCode(3, {|WF1003:"fatal"|});
            }
            """,
            """
            [Workflow("word")]
            public sealed partial class Word : Workflow
            {
                protected override void Define(JobBuilder job) => job.Task("a").Shell().Script("x").OnExitCode(3, "FATAL");
            }
            """,
            UnknownActionId + ":FATAL");

    [Fact]
    public async Task Missing_partial_is_added() =>
        await Fix<MakePartialFix>(
            """
            [Workflow("plain")]
            public sealed class {|WF6001:Plain|} : Workflow
            {
                protected override void Define(JobBuilder job) => job.Task("a").Shell().Script("x");
            }
            """,
            """
            [Workflow("plain")]
            public sealed partial class Plain : Workflow
            {
                protected override void Define(JobBuilder job) => job.Task("a").Shell().Script("x");
            }
            """);

    [Fact]
    public async Task Restart_task_without_retry_gets_retry_1() =>
        await Fix<AppendCallFix>(
            """
            [Workflow("restart")]
            public sealed partial class Restart : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Task("a").Shell().Script("x").OnExitCode({|WF2001:2|}, RestartTask).OnCompleted("b")
                    .Task("b").Shell().Script("y");
            }
            """,
            """
            [Workflow("restart")]
            public sealed partial class Restart : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Task("a").Shell().Script("x").OnExitCode(2, RestartTask).Retry(1).OnCompleted("b")
                    .Task("b").Shell().Script("y");
            }
            """);

    [Fact]
    public async Task Executing_without_timeout_gets_a_timeout() =>
        await Fix<AppendCallFix>(
            """
            [Workflow("poll")]
            public sealed partial class Poll : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Task("a").HttpGet("https://example.com/ready").OnExitCode({|WF1007:404|}, Executing);
            }
            """,
            """
            [Workflow("poll")]
            public sealed partial class Poll : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Task("a").HttpGet("https://example.com/ready").OnExitCode(404, Executing).Timeout(TimeSpan.FromMinutes(5));
            }
            """);
}
