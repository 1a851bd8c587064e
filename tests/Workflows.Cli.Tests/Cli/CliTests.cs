using System.Diagnostics;
using Workflows.Cli.Tests.Translation;
using Workflows.Yaml;
using Xunit.Abstractions;

namespace Workflows.Cli.Tests.Cli;

/// <summary>The built <c>workflows</c> command, run as a process: its output, its files and its exit codes.</summary>
public sealed class CliTests(ITestOutputHelper output) : IDisposable
{
    private const string BadYaml = """
        job_type: broken
        tasks:
        - task_type: build
          method: SHELL
          script: [make]
          on_completed: tset
        - task_type: test
          method: SHELL
          script: [make test]
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("workflows-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int ExitCode, string Out, string Err) Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo.Root };
        start.ArgumentList.Add(Repo.Cli);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "workflows did not exit within a minute");
        var result = (process.ExitCode, stdout.Result.ReplaceLineEndings("\n"), stderr.Result.ReplaceLineEndings("\n"));
        output.WriteLine($"$ workflows {string.Join(' ', args)}\n[exit {result.ExitCode}]\n--- stdout\n{result.Item2}--- stderr\n{result.Item3}");
        return result;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Translate_prints_csharp_that_compiles_and_builds_the_seed_definition()
    {
        var (exit, stdout, stderr) = Run("translate", "samples/legacy-yaml/retry-job.yaml");

        Assert.Equal(0, exit);
        Assert.StartsWith("// Translated from samples/legacy-yaml/retry-job.yaml", stdout, StringComparison.Ordinal);
        // The loader's notes go to stderr in the compiler's format, so stdout is only C#.
        Assert.StartsWith("samples/legacy-yaml/retry-job.yaml(12,5): info WF1002: Task 'first' maps exit code 10", stderr, StringComparison.Ordinal);

        var built = CSharpCompiler.Compile([stdout]);
        Assert.Empty(built.BuildWarnings);
        var type = CSharpCompiler.WorkflowType(built.Assembly!);
        var expected = YamlJobLoader.Load(Repo.Read("samples", "legacy-yaml", "retry-job.yaml")).Definition;
        Assert.Equal(expected, ((Workflow)Activator.CreateInstance(type)!).Definition);
        Assert.Equal(expected, CSharpCompiler.CompiledDefinition(type));
    }

    [Fact]
    public void Translate_with_output_and_namespace_writes_the_file()
    {
        var file = Path.Combine(_dir, "SensorJob.cs");
        var (exit, stdout, stderr) = Run("translate", "samples/legacy-yaml/sensor-job.yaml", "-o", file, "--namespace", "Legacy.Jobs");

        Assert.Equal(0, exit);
        Assert.Equal($"samples/legacy-yaml/sensor-job.yaml -> {file}: sensor-job, 3 tasks.\n", stdout);
        Assert.Contains("warning WF2001", stderr, StringComparison.Ordinal);
        var csharp = File.ReadAllText(file);
        Assert.Contains("\nnamespace Legacy.Jobs;\n", csharp, StringComparison.Ordinal);

        var type = CSharpCompiler.WorkflowType(CSharpCompiler.Compile([csharp], analyzers: false).Assembly!);
        Assert.Equal("Legacy.Jobs.SensorJob", type.FullName);
        Assert.Equal(YamlJobLoader.Load(Repo.Read("samples", "legacy-yaml", "sensor-job.yaml")).Definition, ((Workflow)Activator.CreateInstance(type)!).Definition);
    }

    [Fact]
    public void Translate_of_yaml_with_errors_prints_them_in_compiler_format_exits_1_and_writes_nothing()
    {
        var yaml = Write("broken.yaml", BadYaml);
        var file = Path.Combine(_dir, "Broken.cs");
        var (exit, stdout, stderr) = Run("translate", yaml, "-o", file);

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains($"{yaml}(6,17): error WF0101: Task 'build' refers to unknown task 'tset' in on_completed. Did you mean 'test'?", stderr, StringComparison.Ordinal);
        Assert.EndsWith($"{yaml}: not translated: 1 error.\n", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void Translate_refuses_a_definition_the_dsl_cannot_build_and_a_bad_namespace()
    {
        var yaml = Write("forked.yaml", "job_type: forked\ntasks:\n- task_type: a\n  method: SHELL\n  script: [date]\n  fork_job_type: child\n");
        var (exit, stdout, stderr) = Run("translate", yaml);
        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains($"{yaml}: error: Job 'forked' cannot be translated exactly into the C# DSL: Task 'a' sets fork_job_type", stderr, StringComparison.Ordinal);

        (exit, _, stderr) = Run("translate", "samples/legacy-yaml/retry-job.yaml", "--namespace", "Bad Name");
        Assert.Equal(1, exit);
        Assert.StartsWith("error: 'Bad Name' is not a valid C# namespace name", stderr, StringComparison.Ordinal);

        (exit, _, stderr) = Run("translate", Path.Combine(_dir, "missing.yaml"));
        Assert.Equal(1, exit);
        Assert.Contains("missing.yaml: error: cannot read the file", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_exits_0_on_good_files_and_prints_their_notes_and_a_summary()
    {
        var (exit, stdout, stderr) = Run("validate", "samples/legacy-yaml");

        Assert.Equal(0, exit);
        Assert.Equal("2 files checked: 2 valid, 0 with errors; 0 errors, 2 warnings, 1 info.\n", stdout);
        Assert.Contains("samples/legacy-yaml/retry-job.yaml(12,5): info WF1002:", stderr, StringComparison.Ordinal);
        Assert.Contains("samples/legacy-yaml/sensor-job.yaml(30,5): warning WF2001:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_exits_1_on_a_bad_file_among_good_ones()
    {
        var bad = Write("broken.yaml", BadYaml);
        var (exit, stdout, stderr) = Run("validate", "samples/legacy-yaml/retry-job.yaml", bad);

        Assert.Equal(1, exit);
        Assert.Equal("2 files checked: 1 valid, 1 with errors; 1 error, 0 warnings, 1 info.\n", stdout);
        Assert.Contains($"{bad}(6,17): error WF0101:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_reports_hostile_nesting_and_an_alias_bomb_as_diagnostics_and_exits_1()
    {
        // 40 KB of brackets overflowed the stack and crashed the command (exit 134) before WF4010.
        var deep = Write("deep.yaml", new string('[', 20_000) + new string(']', 20_000));
        var laughs = Write("laughs.yml", "job_type: lol\njob_variables:\n  a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]\n"
            + string.Concat(Enumerable.Range(1, 8).Select(i => $"  l{i}: &l{i} [" + string.Join(",", Enumerable.Repeat(i == 1 ? "*a" : $"*l{i - 1}", 10)) + "]\n"))
            + "tasks:\n- task_type: a\n  method: SHELL\n  script: [true]\n");
        var (exit, stdout, stderr) = Run("validate", deep, laughs);

        Assert.Equal(1, exit);
        Assert.Contains($"{deep}(1,65): error WF4010: The YAML is nested more than 1,000 levels deep here; at most 64 are allowed.", stderr, StringComparison.Ordinal);
        Assert.Contains($"{laughs}(7,7): error WF4011: The YAML expands to more than 100,000 nodes", stderr, StringComparison.Ordinal);
        Assert.Equal("2 files checked: 0 valid, 2 with errors; 2 errors, 0 warnings, 0 info.\n", stdout);
    }

    [Fact]
    public void Validate_warns_of_a_job_type_defined_by_two_files_and_reports_paths_that_do_not_exist()
    {
        Write("one.yaml", Repo.Read("samples", "legacy-yaml", "retry-job.yaml"));
        Write("two.yml", Repo.Read("samples", "legacy-yaml", "retry-job.yaml"));
        var (exit, stdout, stderr) = Run("validate", _dir, Path.Combine(_dir, "nope"));

        Assert.Equal(1, exit); // the path that does not exist
        Assert.Contains($"{Path.Combine(_dir, "one.yaml")}: warning WF0006: Job type 'retry-job' is defined by 2 files ({Path.Combine(_dir, "one.yaml")}, {Path.Combine(_dir, "two.yml")}). Uploaded, or loaded from one Workflows:Definitions folder, each becomes a version of it and the last one loaded is the one that runs.", stderr, StringComparison.Ordinal);
        Assert.Contains($"{Path.Combine(_dir, "two.yml")}: warning WF0006", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("WF0003", stderr, StringComparison.Ordinal);
        Assert.Contains($"{Path.Combine(_dir, "nope")}: error: no such file or folder.", stderr, StringComparison.Ordinal);
        Assert.Equal("2 files checked: 2 valid, 0 with errors; 1 error, 2 warnings, 2 info.\n", stdout);
    }

    /// <summary>
    /// Issue #24's "Done when": "<c>workflows validate</c> over formicary's examples and fixtures prints the counts" of
    /// "≥ 95% of formicary's example and fixture definitions validate with no error" (the copy at b65f4a1 in
    /// Workflows.Yaml.Tests/Formicary). The 5 that fail are those docs/compatibility.md lists; the job types several files
    /// define are warnings (WF0006), as formicary and a host store them as versions.
    /// </summary>
    [Fact]
    public void Validate_over_formicarys_examples_and_fixtures_finds_97_of_102_valid()
    {
        var formicary = Repo.PathOf("tests", "Workflows.Yaml.Tests", "Formicary");
        var (exit, stdout, stderr) = Run("validate", Path.Combine(formicary, "docs", "examples"), Path.Combine(formicary, "fixtures"));

        Assert.Equal(1, exit);
        Assert.StartsWith("102 files checked: 97 valid, 5 with errors; 9 errors, ", stdout, StringComparison.Ordinal);
        var failing = stderr.Split('\n').Where(l => l.Contains(": error WF", StringComparison.Ordinal))
            .Select(l => Path.GetRelativePath(formicary, l[..l.IndexOf('(', StringComparison.Ordinal)]).Replace('\\', '/')).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(
            ["docs/examples/artifact-cache-job.yaml", "docs/examples/websocket-ant.yaml", "docs/examples/websocket-queen.yaml", "fixtures/formicary-ant.yaml", "fixtures/formicary-server.yaml"],
            failing);
        Assert.Equal(18, stderr.Split('\n').Count(l => l.Contains(": warning WF0006: ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Usage_errors_exit_non_zero_and_help_exits_0()
    {
        var (exit, _, stderr) = Run("translat", "x.yaml");
        Assert.NotEqual(0, exit);
        Assert.Contains("Unrecognized command or argument 'translat'.", stderr, StringComparison.Ordinal);

        (exit, var stdout, _) = Run("translate", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("--namespace", stdout, StringComparison.Ordinal);
    }
}
