extern alias analyzers;

using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Workflows.Definitions;
using Workflows.Yaml;

using WorkflowAnalyzer = analyzers::Workflows.Analyzers.WorkflowAnalyzer;

namespace Workflows.Parity.Tests;

/// <summary>One diagnostic as an edge reported it: the rule id, its severity, the message, and where (for output only).</summary>
public sealed record Reported(string Id, string Severity, string Message, string Where)
{
    /// <summary>What parity compares, in the compiler's form (<c>error WF0101: …</c>): not the edge-specific location.</summary>
    public string Key => $"{Severity} {Id}: {Message}";

    public override string ToString() => $"{Where}: {Key}";
}

/// <summary>
/// Runs a C# workflow through the real analyzer, the way the compiler does (<see cref="CompilationWithAnalyzers"/>),
/// with the same references as tests/Workflows.Analyzers.Tests: .NET 10 reference assemblies plus the Workflows DLLs.
/// </summary>
internal static class CSharpEdge
{
    public const string Usings = "using System;\nusing Workflows;\nusing static Workflows.ExitAction;\n";

    private static readonly MetadataReference[] References =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(Workflow).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(JobDefinition).Assembly.Location),
    ];

    /// <summary>Every analyzer diagnostic of <paramref name="source"/>, which must compile (the usings are added).</summary>
    public static async Task<IReadOnlyList<Reported>> Analyze(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(Usings + source, new CSharpParseOptions(LanguageVersion.Latest), path: "Workflow.cs");
        var compilation = CSharpCompilation.Create(
            "Parity",
            [tree],
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The C# example does not compile:\n" + string.Join("\n", errors));

        var crashes = new List<string>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, analyzer, _) => crashes.Add($"{analyzer}: {exception}"),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        var diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new WorkflowAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync();
        Assert.True(crashes.Count == 0, "The analyzer threw:\n" + string.Join("\n", crashes));

        return diagnostics
            .Select(d => new Reported(d.Id, d.Severity.ToString().ToLowerInvariant(), d.GetMessage(CultureInfo.InvariantCulture), "C# " + d.Location.GetLineSpan().StartLinePosition))
            .ToList();
    }
}

/// <summary>Loads YAML job definitions through the real loader (<see cref="YamlJobLoader.Load"/>).</summary>
internal static class YamlEdge
{
    /// <summary>
    /// Every problem of the files. One file: exactly what <see cref="YamlJobLoader.Load"/> reports. Several files are
    /// loaded together, as a folder would be: each file's own problems, plus the rules over the set (WF0003) from
    /// <see cref="WorkflowValidator.Validate(IEnumerable{JobDefinition})"/>.
    /// </summary>
    public static IReadOnlyList<Reported> Load(IReadOnlyList<string> files)
    {
        var results = files.Select((text, i) => YamlJobLoader.Load(text.ReplaceLineEndings("\n"), $"job{i + 1}.yaml")).ToList();
        var reported = results
            .SelectMany(r => r.Problems)
            .Select(p => new Reported(p.Id, Severity(p.Problem.Severity), p.Problem.Message, $"YAML {p.Path}({p.Line},{p.Column})"))
            .ToList();
        if (files.Count > 1)
        {
            var definitions = results.Select(r => r.Definition ?? throw new InvalidOperationException("A YAML example did not load.")).ToList();
            reported.AddRange(WorkflowValidator.Validate(definitions)
                .Where(p => p.Id == WorkflowDiagnostics.DuplicateJobTypeId)
                .Select(p => new Reported(p.Id, Severity(p.Severity), p.Message, "YAML (the set)")));
        }

        return reported;
    }

    /// <summary>As Roslyn names it (<c>error</c>, <c>warning</c>, <c>info</c>), so the two edges compare.</summary>
    private static string Severity(ProblemSeverity severity) => severity.ToString().ToLowerInvariant();
}
