using System.CommandLine;
using Workflows.Definitions;
using Workflows.Yaml;

namespace Workflows.Cli;

/// <summary><c>workflows validate &lt;files or folders...&gt;</c>: loads every YAML job definition and prints every problem.</summary>
internal static class ValidateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "YAML files, or folders searched recursively for *.yaml and *.yml.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("validate", "Load YAML job definitions and report every problem in the compiler's format; exit 1 on any error.")
        {
            paths,
        };
        command.SetAction(parsed => Run(parsed.GetValue(paths)!, output, error));
        return command;
    }

    /// <summary>
    /// Problems go to <paramref name="error"/> as the compiler writes them; the summary line to <paramref name="output"/>.
    /// Files loaded together are also checked as a set: a job type several files define is WF0006, a warning (uploaded, or
    /// loaded from a host's definitions folder, each becomes a version of the type, as in formicary).
    /// </summary>
    private static int Run(IReadOnlyList<string> paths, TextWriter output, TextWriter error)
    {
        var files = new List<string>();
        var unreadable = 0;
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*.*", SearchOption.AllDirectories)
                    .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                error.WriteLine($"{path}: error: no such file or folder.");
                unreadable++;
            }
        }

        if (files.Count == 0 && unreadable == 0)
        {
            error.WriteLine($"error: no .yaml or .yml file in {string.Join(", ", paths)}.");
            return WorkflowsCommand.Failure;
        }

        var loaded = new List<(string File, YamlLoadResult Result)>();
        foreach (var file in files.Distinct(StringComparer.Ordinal))
        {
            if (!YamlFiles.TryRead(file, error, out var text))
            {
                unreadable++;
                continue;
            }

            var result = YamlJobLoader.Load(text, file);
            foreach (var problem in result.Problems)
            {
                error.WriteLine(problem);
            }

            loaded.Add((file, result));
        }

        // Counted as printed: one line per problem, a job type defined twice once at each file that defines it.
        var severities = loaded.SelectMany(l => l.Result.Problems.Select(p => p.Problem.Severity)).ToList();
        var failed = loaded.Where(l => !l.Result.Succeeded).Select(l => l.File).ToHashSet(StringComparer.Ordinal);
        var readable = loaded.Where(l => l.Result.Definition is not null).ToList();
        foreach (var duplicate in WorkflowValidator.Validate(readable.Select(l => l.Result.Definition!))
                     .Where(p => p.Id == WorkflowDiagnostics.DuplicateJobTypeId))
        {
            var defining = readable.Where(l => l.Result.Definition!.JobType == duplicate.Location.Item).Select(l => l.File).ToList();
            var problem = WorkflowDiagnostics.JobTypeInSeveralFiles.Create(duplicate.Location, duplicate.Location.Item, defining.Count,
                string.Join(", ", defining));
            foreach (var file in defining)
            {
                error.WriteLine($"{file}: {problem}");
                severities.Add(problem.Severity);
            }
        }

        var errors = severities.Count(s => s == ProblemSeverity.Error) + unreadable;
        output.WriteLine(
            $"{YamlFiles.Count(loaded.Count, "file")} checked: {loaded.Count - failed.Count} valid, {failed.Count} with errors; "
            + $"{YamlFiles.Count(errors, "error")}, {YamlFiles.Count(severities.Count(s => s == ProblemSeverity.Warning), "warning")}, "
            + $"{severities.Count(s => s == ProblemSeverity.Info)} info.");
        return errors > 0 ? WorkflowsCommand.Failure : WorkflowsCommand.Success;
    }
}
