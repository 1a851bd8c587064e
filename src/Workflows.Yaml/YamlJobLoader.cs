using Workflows.Definitions;
using Workflows.Templates;
using YamlDotNet.Core;

namespace Workflows.Yaml;

/// <summary>
/// Loads a legacy formicary YAML job definition into the one definitions model, and reports every problem with its
/// line and column: YAML problems (WF4xxx) and, for a readable definition, the validator's and the template checker's
/// (WF3001-WF3003), with the same ids and messages as the C# side.
/// </summary>
/// <remarks>
/// Go templates are translated to Scriban (<see cref="GoTemplateTranslator"/>); a template block whose control lines
/// stand between list items becomes one list item (see <c>TemplateLines</c>). Keys with no typed property are kept as
/// JSON text in <see cref="TaskDefinition.ExecutorOptions"/> and <see cref="ContainerSpec.Options"/>, so nothing is lost.
/// </remarks>
public static partial class YamlJobLoader
{
    /// <summary>
    /// Loads one job definition from YAML text. Never throws for bad input: everything wrong is a problem. Hostile text
    /// is bounded: nesting deeper than 64 levels is WF4010, more than 100,000 nodes or 4 Mi characters once aliases are
    /// expanded is WF4011 (no definition either way); a leading byte order mark is ignored.
    /// </summary>
    /// <param name="yamlText">The YAML, e.g. the content of <c>samples/legacy-yaml/retry-job.yaml</c>.</param>
    /// <param name="path">The file it came from, shown in <see cref="LocatedProblem.ToString"/>; optional.</param>
    public static YamlLoadResult Load(string yamlText, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(yamlText);

        // A byte order mark (Windows editors save one) would otherwise become part of the first key.
        yamlText = yamlText.TrimStart('\uFEFF');
        var dynamic = DynamicTemplateTasks.Render(yamlText);
        yamlText = dynamic ?? yamlText;
        var lineProblems = new List<TemplateLines.LineProblem>();
        var prepared = TemplateLines.Prepare(yamlText, lineProblems);
        var context = new LoadContext(path) { SourceLines = prepared.Split('\n') };

        YamlNode? root;
        try
        {
            root = YamlTreeReader.Read(prepared);
        }
        catch (YamlLimitException e)
        {
            var problem = e.Rule.Create(DefinitionPointer.Job("(yaml)"), e.Arguments);
            return Result(null, new List<LocatedProblem> { new(problem, path, (int)Math.Max(1, e.At.Line), (int)Math.Max(1, e.At.Column)) });
        }
        catch (YamlException e)
        {
            var at = e.Start.Line > 0 ? e.Start : e.End;
            var problem = WorkflowDiagnostics.MalformedYaml.Create(DefinitionPointer.Job("(yaml)"), e.Message.TrimEnd('.') + ".");
            return Result(null, new List<LocatedProblem> { new(problem, path, (int)Math.Max(1, at.Line), (int)Math.Max(1, at.Column)) });
        }

        if (root is not YamlMappingNode map)
        {
            var document = new Scope("The document", null, -1);
            if (root is null)
            {
                context.Report(WorkflowDiagnostics.WrongValueType, document, "(root)", 1, 1, "The document", "(root)", "nothing", "a mapping of job keys", "'job_type: my-job' followed by 'tasks:'");
            }
            else
            {
                context.WrongType(document, "(root)", root, "a mapping of job keys", "'job_type: my-job' followed by 'tasks:'");
            }

            return Result(null, context.Problems);
        }

        var taskNodes = new List<YamlMappingNode>();
        var definition = ReadJob(map, context, taskNodes);
        ReportTemplateLines(lineProblems, definition, taskNodes, context);
        if (dynamic is not null && map.Entries.FirstOrDefault(e => e.Key is YamlScalarNode { Value: "dynamic_template_tasks" }) is { Key: { } flag, Value: { } on })
        {
            var job = Scope.ForJob(definition.JobType);
            context.Report(WorkflowDiagnostics.ReadAsFormicaryReadsIt, job, "dynamic_template_tasks", flag, job.Subject, "dynamic_template_tasks", on.Describe(),
                $"the {definition.Tasks.Count} task(s) its template generates, rendered once now with job_variables, as formicary does at upload",
                "Lines and columns in the other messages are of the rendered text.");
        }

        var locator = new PointerLocator(map, taskNodes);
        var occurrences = new Dictionary<(string, DefinitionPointer), int>();
        // Templates are checked after translation, so a Go template gets the Scriban checks too (and so does its translation).
        foreach (var problem in DefinitionChecks.Validate(definition))
        {
            var at = problem.Location;
            if (context.Unreadable.Contains((at.TaskIndex, at.Key)))
            {
                continue; // a follow-on of a value that could not be read, already reported
            }

            occurrences.TryGetValue((problem.Id, at), out var seen);
            occurrences[(problem.Id, at)] = seen + 1;

            // The first of two equal exit codes is never reported: the n-th WF1001 is at the (n+1)-th key.
            var occurrence = problem.Id == WorkflowDiagnostics.DuplicateExitCodeId ? seen + 1 : seen;
            var node = locator.Locate(at, occurrence);
            context.Problems.Add(new LocatedProblem(problem, path, node.Line, node.Column));
        }

        return Result(definition, context.Problems);
    }

    private static YamlLoadResult Result(JobDefinition? definition, List<LocatedProblem> problems) => new(
        definition,
        problems.OrderBy(p => p.Line).ThenBy(p => p.Column).ThenBy(p => p.Id, StringComparer.Ordinal).ToList());

    /// <summary>Reports the template lines the preprocessor could not keep (WF3001 or WF4006), naming the task whose lines they are.</summary>
    private static void ReportTemplateLines(List<TemplateLines.LineProblem> problems, JobDefinition job, List<YamlMappingNode> taskNodes, LoadContext context)
    {
        foreach (var problem in problems)
        {
            var index = taskNodes.FindLastIndex(t => t.Line <= problem.Line);
            var scope = index >= 0 ? Scope.ForTask(job.Tasks[index].TaskType, index) : Scope.ForJob(job.JobType);
            if (problem.IsKept)
            {
                context.Report(WorkflowDiagnostics.ReadAsFormicaryReadsIt, scope, problem.Key, problem.Line, problem.Column,
                    scope.Subject, problem.Key, $"a Go template block ('{problem.Construct}')", problem.Reason,
                    "To keep the condition, put it in each value instead ('name: {{ if .Flag }}a{{ end }}').");
            }
            else if (problem.IsSyntaxError)
            {
                context.Report(WorkflowDiagnostics.TemplateSyntax, scope, problem.Key, problem.Line, problem.Column,
                    scope.Subject, problem.Key, problem.Construct, problem.Reason);
            }
            else
            {
                context.Report(WorkflowDiagnostics.UntranslatableTemplate, scope, problem.Key, problem.Line, problem.Column,
                    scope.Subject, problem.Key, $"{problem.Reason} ('{problem.Construct}')");
            }
        }
    }
}
