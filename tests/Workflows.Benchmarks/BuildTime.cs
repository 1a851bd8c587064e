extern alias generators;

using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Workflows.TestSupport;
using WorkflowGenerator = generators::Workflows.Generators.WorkflowGenerator;

namespace Workflows.Benchmarks;

/// <summary>
/// Scenario build-time: a project of 200 workflows × 10 tasks built with and without the generator and analyzers
/// (median of 3 full compiles after a warm-up), and the generator's time for a one-file edit (median of 25 runs).
/// Targets: ≤ 25% added build time (design goal ≤ 10%), ≤ 50 ms per edit. ratio = build time without ÷ with (1 = no cost).
/// </summary>
internal static class BuildTime
{
    private const int Workflows = 200;
    private const int TasksPerWorkflow = 10;

    public static int Run()
    {
        var root = Directory.CreateTempSubdirectory("workflows-build-time-").FullName;
        try
        {
            var sources = Enumerable.Range(0, Workflows).Select(Source).ToList();
            var with = Project(root, "WithGenerator", sources, analyzers: true);
            var without = Project(root, "WithoutGenerator", sources, analyzers: false);
            Dotnet(TestInfrastructure.RepoRoot, "build", "src/Workflows", "-c", "Release");
            var withMs = MedianBuild(with);
            var withoutMs = MedianBuild(without);
            var (firstRunMs, editMs) = GeneratorEdit(sources);

            var added = (withMs - withoutMs) / withoutMs * 100;
            Console.WriteLine($"| build-time ({Workflows} workflows x {TasksPerWorkflow} tasks, median of 3) | ms |");
            Console.WriteLine("|---|---:|");
            Console.WriteLine($"| compile without generator/analyzers | {withoutMs:F0} |");
            Console.WriteLine($"| compile with generator + analyzers | {withMs:F0} |");
            Console.WriteLine($"| added build time | {added:F1}% (target <= 25%, goal <= 10%) |");
            Console.WriteLine($"| generator, full run over all {Workflows} workflows (JIT warm) | {firstRunMs:F1} |");
            Console.WriteLine($"| generator, one-file edit (median of 25) | {editMs:F2} (target <= 50) |");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio: {withoutMs / withMs:F2}"));
            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Source(int index)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"namespace Bench;\n\n[Workflow(\"job-{index}\")]\npublic sealed partial class Job{index} : Workflow\n{{\n");
        text.Append("    protected override void Define(JobBuilder job) => job\n        .Retry(1).DelayBetweenRetries(TimeSpan.FromSeconds(5))");
        for (var t = 0; t < TasksPerWorkflow; t++)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n        .Task(\"task-{t}\").Container(\"alpine\").Retry(2).Script(\"echo {t}\", \"exit {{{{ Random 0 3 }}}}\")");
            text.Append(".OnExitCode(1, Fatal).OnExitCode(2, RestartTask).OnExitCode(3, \"ERR_X\")");
            if (t + 1 < TasksPerWorkflow)
            {
                text.Append(CultureInfo.InvariantCulture, $".OnCompleted(\"task-{t + 1}\")");
            }
        }

        text.Append(";\n}\n");
        return text.ToString();
    }

    private static string Project(string root, string name, List<string> sources, bool analyzers)
    {
        var directory = Path.Combine(root, name);
        Directory.CreateDirectory(directory);
        var repo = TestInfrastructure.RepoRoot;
        var analyzerItems = analyzers
            ? $"""
                <ProjectReference Include="{repo}/generators/Workflows.Generators/Workflows.Generators.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                <ProjectReference Include="{repo}/analyzers/Workflows.Analyzers/Workflows.Analyzers.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                <Analyzer Include="{repo}/analyzers/Workflows.Analyzers/bin/Release/netstandard2.0/Scriban.Signed.dll" />
            """
            : string.Empty;
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                <NoWarn>NU1603</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{repo}/src/Workflows/Workflows.csproj" />
            {analyzerItems}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Usings.cs"), "global using Workflows;\nglobal using static Workflows.ExitAction;\n");
        for (var i = 0; i < sources.Count; i++)
        {
            File.WriteAllText(Path.Combine(directory, $"Job{i}.cs"), sources[i]);
        }

        Dotnet(directory, "build", "-c", "Release");
        return directory;
    }

    /// <summary>Median wall time of three full recompiles of the project alone (its references are already built).</summary>
    private static double MedianBuild(string directory)
    {
        var times = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            Dotnet(directory, "build", "-c", "Release", "--no-restore", "--no-dependencies", "--no-incremental");
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        return times.Order().ElementAt(1);
    }

    private static (double FirstRunMs, double EditMs) GeneratorEdit(List<string> sources)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var references = Basic.Reference.Assemblies.Net100.References.All
            .Append(MetadataReference.CreateFromFile(typeof(Workflow).Assembly.Location))
            .Append(MetadataReference.CreateFromFile(typeof(Workflows.Definitions.JobDefinition).Assembly.Location));
        var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText("using System; using Workflows; using static Workflows.ExitAction;\n" + s, parse, $"Job{i}.cs")).ToList();
        var compilation = CSharpCompilation.Create("Bench", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new WorkflowGenerator().AsSourceGenerator()], parseOptions: parse);

        driver = driver.RunGenerators(compilation);

        // A full run with JIT warm, as in a long-lived compiler server: fresh trees, fresh driver.
        var fresh = CSharpCompilation.Create("Bench2", sources.Select((s, i) => CSharpSyntaxTree.ParseText("using System; using Workflows; using static Workflows.ExitAction;\n" + s, parse, $"Job{i}.cs")), references, compilation.Options);
        var first = Stopwatch.StartNew();
        CSharpGeneratorDriver.Create([new WorkflowGenerator().AsSourceGenerator()], parseOptions: parse).RunGenerators(fresh);
        var firstRunMs = first.Elapsed.TotalMilliseconds;

        var times = new List<double>();
        for (var i = 0; i < 25; i++)
        {
            var old = compilation.SyntaxTrees.First(t => t.FilePath == "Job7.cs");
            var edited = CSharpSyntaxTree.ParseText(old.GetText().ToString().Replace("echo 3", "echo 3" + i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal), parse, old.FilePath);
            compilation = compilation.ReplaceSyntaxTree(old, edited);
            var watch = Stopwatch.StartNew();
            driver = driver.RunGenerators(compilation);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        return (firstRunMs, times.Order().ElementAt(times.Count / 2));
    }

    private static void Dotnet(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", args) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} failed in {directory}:\n{output}\n{error.Result}");
        }
    }
}
