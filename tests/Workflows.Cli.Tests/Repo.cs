using System.Reflection;
using System.Text.RegularExpressions;
using Workflows.Yaml;

namespace Workflows.Cli.Tests;

/// <summary>Files of the repository, found from the test's output folder.</summary>
internal static class Repo
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Workflows.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Workflows.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    /// <summary>The built `workflows` executable (src/Workflows.Host's output for this configuration), see the test project file.</summary>
    public static string Cli => typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WorkflowsCli").Value!;

    /// <summary>
    /// Every YAML job definition the repository holds, by a short name: the loader's fixtures (Fixtures/corpus included),
    /// the seed jobs, and the YAML examples of the docs (a task fragment is put into a job, as DocsExamplesTests does).
    /// </summary>
    public static IReadOnlyDictionary<string, string> YamlCorpus()
    {
        var corpus = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var fixtures = PathOf("tests", "Workflows.Yaml.Tests", "Fixtures");
        foreach (var file in Directory.GetFiles(fixtures, "*.yaml", SearchOption.AllDirectories))
        {
            corpus["fixture " + Path.GetRelativePath(fixtures, file).Replace('\\', '/')] = File.ReadAllText(file);
        }

        foreach (var file in Directory.GetFiles(PathOf("samples", "legacy-yaml"), "*.yaml"))
        {
            corpus["seed " + Path.GetFileName(file)] = File.ReadAllText(file);
        }

        foreach (var doc in new[] { "diagnostics.md", "yaml.md" })
        {
            var text = File.Exists(PathOf("docs", doc)) ? Read("docs", doc).ReplaceLineEndings("\n") : string.Empty;
            var blocks = Regex.Matches(text, "(?s)```yaml\n(.*?)```");
            for (var i = 0; i < blocks.Count; i++)
            {
                var yaml = blocks[i].Groups[1].Value;
                var line = text[..blocks[i].Index].Count(c => c == '\n') + 1;
                corpus[$"docs/{doc}:{line}"] = yaml.StartsWith("- task_type", StringComparison.Ordinal) ? "job_type: nightly\ntasks:\n" + yaml : yaml;
            }
        }

        return corpus;
    }

    /// <summary>The corpus entries that load without errors: those a translation is owed for.</summary>
    public static TheoryData<string> Translatable()
    {
        var data = new TheoryData<string>();
        foreach (var (name, yaml) in YamlCorpus())
        {
            if (YamlJobLoader.Load(yaml, name).Succeeded)
            {
                data.Add(name);
            }
        }

        return data;
    }
}
