using Workflows;
using Workflows.Definitions;

// Until the runtime lands, this validates the sample workflows with the one validator and prints their DAG.
// Usage: Workflows.Samples [--mermaid]
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

        Console.WriteLine(workflow.Warnings.Count == 0 ? "  valid" : $"  valid, with {workflow.Warnings.Count} warning(s)");
        Console.WriteLine();
    }
    catch (InvalidWorkflowDefinitionException e)
    {
        Console.Error.WriteLine(e.Message);
        exitCode = 1;
    }
}

var total = workflows.Count;
var duplicates = WorkflowValidator.Validate(jobs).Where(p => p.Id == WorkflowDiagnostics.DuplicateJobTypeId).ToList();
foreach (var duplicate in duplicates)
{
    Console.Error.WriteLine(duplicate);
    exitCode = 1;
}

Console.WriteLine($"{total} workflow(s) checked. Running them needs the runtime (not built yet): see README.");
return exitCode;

