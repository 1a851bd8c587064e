extern alias analyzers;

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

using WorkflowAnalyzer = analyzers::Workflows.Analyzers.WorkflowAnalyzer;

namespace Workflows.Analyzers.Tests;

/// <summary>Markup-based analyzer checks against .NET 10 reference assemblies (no NuGet download at test time) and the DSL.</summary>
internal static class Verify
{
    public const string Usings = "using System;\nusing Workflows;\nusing static Workflows.ExitAction;\n";

    public static ReferenceAssemblies References { get; } = new ReferenceAssemblies("net10.0");

    public static IEnumerable<MetadataReference> Extra { get; } =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(Workflow).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Workflows.Definitions.JobDefinition).Assembly.Location),
    ];

    public static async Task Analyzer(string source, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<WorkflowAnalyzer, DefaultVerifier>
        {
            TestCode = Usings + source,
            ReferenceAssemblies = References,
        };
        test.TestState.AdditionalReferences.AddRange(Extra);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }

    /// <summary>Expects the diagnostic at markup location {|#n:…|} with exactly the shared validator's message.</summary>
    public static DiagnosticResult Diagnostic(string id, int location, string message) =>
        new DiagnosticResult(id, Severity(id)).WithLocation(location).WithArguments(message);

    private static DiagnosticSeverity Severity(string id) =>
        new WorkflowAnalyzer().SupportedDiagnostics.Single(d => d.Id == id).DefaultSeverity;
}
