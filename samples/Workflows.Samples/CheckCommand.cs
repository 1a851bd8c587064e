using Workflows.Definitions;
using Workflows.Yaml;

namespace Workflows.Samples;

/// <summary>
/// <c>check</c>: validates the sample workflows with the one validator and prints their DAG, then loads the seeds'
/// legacy YAML and checks that it means exactly what the C# says.
/// </summary>
internal static class CheckCommand
{
    public static int Run(string[] args)
    {
        var mermaid = args.Contains("--mermaid");
        // GeneratedWorkflowRegistry is written by the source generator at build time: every [Workflow] of this assembly.
        var workflows = GeneratedWorkflowRegistry.CreateAll();

        var exitCode = 0;
        var jobs = new List<JobDefinition>();
        foreach (var workflow in workflows)
        {
            try
            {
                var definition = workflow.Definition;
                jobs.Add(definition);
                Console.WriteLine(mermaid ? DefinitionText.ToMermaid(definition) : DefinitionText.Describe(definition));
                foreach (var problem in workflow.Warnings)
                {
                    Console.WriteLine($"  {problem}");
                }

                Console.WriteLine(workflow.Warnings.Count == 0 ? "  valid" : $"  valid, with {workflow.Warnings.Count} note(s)");
                Console.WriteLine();
            }
            catch (InvalidWorkflowDefinitionException e)
            {
                Console.Error.WriteLine(e.Message);
                exitCode = 1;
            }
        }

        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "legacy-yaml"), "*.yaml").Order(StringComparer.Ordinal))
        {
            var shown = Path.Combine("samples", "legacy-yaml", Path.GetFileName(file));
            var loaded = YamlJobLoader.Load(File.ReadAllText(file), shown);
            foreach (var problem in loaded.Problems)
            {
                Console.WriteLine(problem);
            }

            var csharp = jobs.FirstOrDefault(j => j.JobType == loaded.Definition?.JobType);
            var same = loaded.Definition is { } yaml && csharp is not null && LocalUrls(yaml) == csharp;
            Console.WriteLine($"{shown}: {(loaded.Succeeded ? "loaded" : "REJECTED")}; {(same ? "same definition as the C# sample" : "DIFFERS from the C# sample")}");
            exitCode |= loaded.Succeeded && same ? 0 : 1;
        }

        Console.WriteLine();
        var total = workflows.Count;
        var duplicates = WorkflowValidator.Validate(jobs).Where(p => p.Id == WorkflowDiagnostics.DuplicateJobTypeId).ToList();
        foreach (var duplicate in duplicates)
        {
            Console.Error.WriteLine(duplicate);
            exitCode = 1;
        }

        Console.WriteLine($"{total} workflow(s) checked.");
        return exitCode;
    }

    // The seed YAML calls jsonplaceholder.typicode.com; the C# samples call a local server instead.
    private static JobDefinition LocalUrls(JobDefinition job) => job with
    {
        Tasks = job.Tasks.Select(t => t with
        {
            Script = t.Script.Select(line => line.Replace("https://jsonplaceholder.typicode.com", "http://127.0.0.1:5080", StringComparison.Ordinal)).ToEquatableArray(),
        }).ToEquatableArray(),
    };
}
