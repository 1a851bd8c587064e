using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Workflows.Definitions;
using Workflows.Templates;
using Workflows.Yaml;
using Workflows.Yaml.Translation;
using Xunit.Abstractions;

namespace Workflows.Cli.Tests.Translation;

/// <summary>
/// Every YAML job definition of the repository that loads without errors (the loader's fixtures, the seed jobs, the
/// docs' examples) translates into C# that compiles clean with the real source generator and analyzers, and builds
/// exactly the definition the YAML loads into: through the run-time builder, and through the compiled definition
/// when the generator emits one.
/// </summary>
public class RoundTripTests(ITestOutputHelper output)
{
    public static TheoryData<string> Corpus => Repo.Translatable();

    [Fact]
    public void The_corpus_holds_the_fixtures_and_both_seeds()
    {
        var names = ((IEnumerable<object[]>)Corpus).Select(row => (string)row[0]).ToList();
        Assert.Contains("fixture all-keys.yaml", names);
        Assert.Contains("seed retry-job.yaml", names);
        Assert.Contains("seed sensor-job.yaml", names);
        Assert.True(names.Count(n => n.StartsWith("docs/", StringComparison.Ordinal)) >= 10, string.Join("\n", names));
        Assert.True(names.Count(n => n.StartsWith("fixture corpus/", StringComparison.Ordinal)) >= 30, string.Join("\n", names));
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void The_translation_compiles_clean_and_builds_the_definition_the_yaml_loads_into(string name)
    {
        var loaded = YamlJobLoader.Load(Repo.YamlCorpus()[name], name);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Problems));
        var expected = loaded.Definition!;
        var csharp = CSharpTranslator.Translate(expected, name);
        output.WriteLine(csharp);

        // The generator and the analyzers run, as in a build: no compiler or generator warning, let alone an error.
        var built = CSharpCompiler.Compile([csharp]);
        Assert.True(built.BuildWarnings.Count == 0, "The translation does not build clean:\n" + string.Join("\n", built.BuildWarnings));
        var type = CSharpCompiler.WorkflowType(built.Assembly!);

        // The definition the workflow serves (the compiled one when generated) equals the YAML's.
        var workflow = (Workflow)Activator.CreateInstance(type)!;
        Assert.Equal(expected, workflow.Definition);

        // The generator emits a compiled definition whenever every argument is a constant it can read (no spec records).
        var compiled = CSharpCompiler.CompiledDefinition(type);
        output.WriteLine(compiled is null ? "(no compiled definition: Define uses spec records)" : "(compiled definition generated)");
        if (compiled is not null || !UsesObjectCreation(csharp))
        {
            Assert.Equal(expected, compiled);
        }

        // Without the generator, Define runs through the builder at run time: the same definition.
        var plain = CSharpCompiler.Compile([csharp], generator: false, analyzers: false);
        Assert.Equal(expected, ((Workflow)Activator.CreateInstance(CSharpCompiler.WorkflowType(plain.Assembly!))!).Definition);

        // The replayed definition passes the validator and the template checks.
        var problems = WorkflowValidator.Validate(workflow.Definition).Concat(TemplateChecker.Check(workflow.Definition)).ToList();
        Assert.DoesNotContain(problems, p => p.IsError);

        // The analyzers say what the YAML loader says (its YAML-only WF4xxx aside; WF4005, not run yet, both report), with
        // the same ids and messages.
        // An argument the analyzers cannot read (a spec record: WF6003, info) silences the rules it feeds, so then the
        // C# may report fewer, never other, problems.
        var analyzer = built.Analyzer.Select(d => d.Id).ToList();
        output.WriteLine("analyzers: " + string.Join(", ", analyzer.Distinct()));
        Assert.DoesNotContain(built.Analyzer, d => d.Id.StartsWith("WF6", StringComparison.Ordinal) && d.Id != "WF6003");
        Assert.DoesNotContain(built.Analyzer, d => d.Id == "WF6003" && d.Severity != DiagnosticSeverity.Info);
        var csharpProblems = built.Analyzer.Where(d => d.Id != "WF6003").Select(d => Key(d.Id, d.Severity.ToString(), d.GetMessage(System.Globalization.CultureInfo.InvariantCulture))).Order().ToList();
        var yamlProblems = loaded.Problems.Where(p => !p.Id.StartsWith("WF4", StringComparison.Ordinal) || p.Id == WorkflowDiagnostics.NotRunYetId)
            .Select(p => Key(p.Id, p.Problem.Severity.ToString(), p.Problem.Message)).Order().ToList();
        if (analyzer.Contains("WF6003"))
        {
            Assert.Empty(csharpProblems.Except(yamlProblems));
        }
        else
        {
            Assert.Equal(yamlProblems, csharpProblems);
        }
    }

    private static string Key(string id, string severity, string message) => $"{severity.ToLowerInvariant()} {id}: {message}";

    private static bool UsesObjectCreation(string csharp) =>
        CSharpSyntaxTree.ParseText(csharp).GetRoot().DescendantNodes().OfType<BaseObjectCreationExpressionSyntax>().Any();
}
