extern alias analyzers;
extern alias generators;

using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Workflows.Definitions;
using WorkflowAnalyzer = analyzers::Workflows.Analyzers.WorkflowAnalyzer;
using WorkflowGenerator = generators::Workflows.Generators.WorkflowGenerator;

namespace Workflows.Cli.Tests.Translation;

/// <summary>What compiling C# produced: the assembly (null when it did not compile) and every diagnostic, by source.</summary>
internal sealed record CompileResult(
    Assembly? Assembly,
    IReadOnlyList<Diagnostic> Compiler,
    IReadOnlyList<Diagnostic> Generator,
    IReadOnlyList<Diagnostic> Analyzer,
    IReadOnlyDictionary<string, string> Generated)
{
    /// <summary>Compiler and generator diagnostics of warning or above, as the build would print them.</summary>
    public IReadOnlyList<Diagnostic> BuildWarnings =>
        [.. Compiler.Concat(Generator).Where(d => d.Severity >= DiagnosticSeverity.Warning)];
}

/// <summary>
/// Compiles translated C# in process as a .NET 10 project referencing the Workflows package would: the implicit
/// usings of an SDK project, nullable enabled, warnings reported, optionally with the real source generator and the
/// real analyzers (the same approach as tests/Workflows.Generators.Tests' Harness).
/// </summary>
internal static class CSharpCompiler
{
    /// <summary>The global usings <c>&lt;ImplicitUsings&gt;enable&lt;/ImplicitUsings&gt;</c> gives a console or library project.</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private static readonly MetadataReference[] References =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(Workflow).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(JobDefinition).Assembly.Location),
    ];

    private static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);

    public static CompileResult Compile(IReadOnlyList<string> sources, bool generator = true, bool analyzers = true)
    {
        var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, Parse, path: $"Translated{i}.cs"))
            .Append(CSharpSyntaxTree.ParseText(ImplicitUsings, Parse, path: "GlobalUsings.g.cs"));
        Compilation compilation = CSharpCompilation.Create(
            "Translated" + Guid.NewGuid().ToString("N")[..8],
            trees,
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        IReadOnlyList<Diagnostic> generatorDiagnostics = [];
        IReadOnlyDictionary<string, string> generated = new Dictionary<string, string>();
        if (generator)
        {
            var driver = CSharpGeneratorDriver.Create([new WorkflowGenerator().AsSourceGenerator()], parseOptions: Parse)
                .RunGeneratorsAndUpdateCompilation(compilation, out compilation, out var diagnostics);
            generatorDiagnostics = diagnostics;
            generated = driver.GetRunResult().Results.Single().GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        }

        IReadOnlyList<Diagnostic> analyzerDiagnostics = [];
        if (analyzers)
        {
            var crashes = new List<string>();
            var options = new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                (exception, analyzer, _) => crashes.Add($"{analyzer}: {exception}"),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false);
            analyzerDiagnostics = compilation.WithAnalyzers([new WorkflowAnalyzer()], options).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
            Assert.True(crashes.Count == 0, "The analyzer threw:\n" + string.Join("\n", crashes));
        }

        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        Assembly? assembly = null;
        if (emitted.Success)
        {
            stream.Position = 0;
            assembly = new AssemblyLoadContext(compilation.AssemblyName, isCollectible: true).LoadFromStream(stream);
        }

        return new CompileResult(assembly, [.. emitted.Diagnostics], generatorDiagnostics, analyzerDiagnostics, generated);
    }

    /// <summary>The one <c>[Workflow]</c> class of an assembly.</summary>
    public static Type WorkflowType(Assembly assembly) =>
        Assert.Single(assembly.GetTypes(), t => t.GetCustomAttribute<WorkflowAttribute>() is not null);

    /// <summary>The generated <c>CompiledDefinition</c>, or null when the generator did not emit one.</summary>
    public static JobDefinition? CompiledDefinition(Type workflow) =>
        (JobDefinition?)workflow.GetProperty("CompiledDefinition", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);

    /// <summary>
    /// Runs <c>Define</c> on a fresh <see cref="JobBuilder"/> and returns what the DSL calls built, without the
    /// validation <see cref="Workflow.Definition"/> adds (so definitions with errors can be compared too). Reads the
    /// builder's private state: a test-only shortcut; a rename in JobBuilder fails here with a clear message.
    /// </summary>
    public static (JobDefinition Definition, IReadOnlyList<Problem> CallProblems) Replay(Type workflow)
    {
        const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
        var jobType = workflow.GetCustomAttribute<WorkflowAttribute>()!.JobType;
        var builder = (JobBuilder)Activator.CreateInstance(typeof(JobBuilder), Private, null, [jobType], null)!;
        var instance = Activator.CreateInstance(workflow)!;
        typeof(Workflow).GetMethod("Define", Private)!.Invoke(instance, [builder]);

        object Field(string name) => typeof(JobBuilder).GetField(name, Private)?.GetValue(builder)
            ?? throw new InvalidOperationException($"JobBuilder has no field {name} any more: update CSharpCompiler.Replay.");
        var job = (JobDefinition)Field("_job");
        var tasks = (List<TaskDefinition>)Field("_tasks");
        return (job with { Tasks = tasks.ToEquatableArray() }, (List<Problem>)Field("_builderProblems"));
    }
}
