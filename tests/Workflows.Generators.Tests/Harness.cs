extern alias generators;

using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;
using WorkflowGenerator = generators::Workflows.Generators.WorkflowGenerator;

namespace Workflows.Generators.Tests;

/// <summary>Compiles sources with (or without) the generator against .NET 10 and the DSL, and loads the result.</summary>
internal static class Harness
{
    public const string Usings = "using System;\nusing Workflows;\nusing static Workflows.ExitAction;\nusing Microsoft.Extensions.DependencyInjection;\n";

    private static readonly MetadataReference[] References =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(Workflow).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Workflows.Definitions.JobDefinition).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(IServiceCollection).Assembly.Location),
    ];

    public static CSharpCompilation Compile(params string[] sources) => CSharpCompilation.Create(
        "Sample" + Guid.NewGuid().ToString("N")[..8],
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(Usings + s, new CSharpParseOptions(LanguageVersion.Latest), path: $"File{i}.cs")),
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver() => CSharpGeneratorDriver.Create(
        [new WorkflowGenerator().AsSourceGenerator()],
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true),
        parseOptions: new CSharpParseOptions(LanguageVersion.Latest));

    /// <summary>Runs the generator, requires an error-free result, and returns the generated sources by hint name.</summary>
    public static (Compilation Output, IReadOnlyDictionary<string, string> Generated) Generate(params string[] sources)
    {
        var driver = Driver().RunGeneratorsAndUpdateCompilation(Compile(sources), out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        var errors = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var generated = driver.GetRunResult().Results.Single().GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        return (output, generated);
    }

    public static Assembly Load(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        stream.Position = 0;
        return AssemblyLoadContext.Default.LoadFromStream(stream);
    }
}
