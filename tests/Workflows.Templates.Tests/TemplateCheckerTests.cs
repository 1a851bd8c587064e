using Workflows.Definitions;
using static Workflows.Definitions.WorkflowDiagnostics;

namespace Workflows.Templates.Tests;

public class TemplateCheckerTests
{
    private static JobDefinition Job(string line, Func<TaskDefinition, TaskDefinition>? change = null, Func<JobDefinition, JobDefinition>? job = null)
    {
        var task = new TaskDefinition { TaskType = "run", Method = TaskMethod.Shell, Script = EquatableArray.Create(line) };
        var definition = new JobDefinition { JobType = "t", Tasks = EquatableArray.Create(change?.Invoke(task) ?? task) };
        return job?.Invoke(definition) ?? definition;
    }

    private static IReadOnlyList<Problem> Check(JobDefinition job) => TemplateChecker.Check(job);

    [Theory]
    [InlineData("exit {{ Random 0 3 }}")]
    [InlineData("echo nonce {{ Nonce }}")]
    [InlineData("{{ if JobElapsedSecs < 3 }}http://a/bad{{ else }}http://a/good{{ end }}")]
    [InlineData("echo {{ JobID }} {{ JobType }} {{ JobRetry }} {{ TaskRetry }} {{ TaskType }}")]
    [InlineData("{{ for i in Iterate 3 }}echo {{ i }};{{ end }}")]
    [InlineData("echo {{ string.upcase JobType }} {{ math.round 1.5 }}")]
    [InlineData("{{ x = 2 }}echo {{ x }}")]
    [InlineData("plain text, no template")]
    public void Built_in_vocabulary_and_local_names_pass(string line) => Assert.Empty(Check(Job(line)));

    [Fact]
    public void WF3001_syntax_error_names_the_task_key_and_parser_message()
    {
        var problem = Assert.Single(Check(Job("{{ if JobRetry > 0 }}retry")));
        Assert.Equal(TemplateSyntaxId, problem.Id);
        Assert.StartsWith("Task 'run' has a template in script that does not parse: '{{ if JobRetry > 0 }}retry' (", problem.Message, StringComparison.Ordinal);
        Assert.Contains("end", problem.Message, StringComparison.Ordinal);
        Assert.Equal(new DefinitionPointer("run", "script", "{{ if JobRetry > 0 }}retry", 0), problem.Location);
    }

    [Fact]
    public void WF3002_unknown_variable_warns_with_a_suggestion()
    {
        var problem = Assert.Single(Check(Job("echo {{ Nonec }}")));
        Assert.Equal(UnknownTemplateVariableId, problem.Id);
        Assert.Equal(ProblemSeverity.Warning, problem.Severity);
        Assert.Contains("uses 'Nonec' in a template in script", problem.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'Nonce'?", problem.Message, StringComparison.Ordinal);
        Assert.Equal(["Nonce"], problem.Suggestions);
    }

    [Fact]
    public void WF3002_declared_variables_and_required_params_are_known()
    {
        Assert.Empty(Check(Job("deploy {{ Region }} {{ Target }} {{ Size }}",
            task => task with { Variables = EquatableArray.Create(new NamedValue("Size", "2")) },
            job => job with { JobVariables = EquatableArray.Create(new NamedValue("Region", "eu")), RequiredParams = EquatableArray.Create("Target") })));
    }

    [Fact]
    public void Loop_objects_and_fan_out_item_variables_are_known()
    {
        Assert.Empty(Check(Job("{{ for e in Iterate 3 }}{{ for.index }}{{ end }}")));
        Assert.Empty(Check(Job("deploy {{ Region }}", task => task with { FanOut = new FanOutSpec("Regions", "Region") })));
        Assert.Single(Check(Job("deploy {{ Region }}")));
    }

    [Fact]
    public void WF3003_unknown_function_is_an_error_with_a_suggestion()
    {
        var problem = Assert.Single(Check(Job("exit {{ Randm 0 3 }}")));
        Assert.Equal(UnknownTemplateFunctionId, problem.Id);
        Assert.Equal(ProblemSeverity.Error, problem.Severity);
        Assert.Contains("calls 'Randm' in a template in script, which is not a template function. Did you mean 'Random'?", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Urls_environment_values_and_skip_if_are_checked_too()
    {
        var job = Job("true",
            task => task with { Environment = EquatableArray.Create(new NamedValue("URL", "{{ Hots }}")), Except = "{{ if }}" },
            job => job with { SkipIf = "{{ Randm 1 2 }}" });
        Assert.Equal(
            [(UnknownTemplateFunctionId, "skip_if"), (UnknownTemplateVariableId, "environment"), (TemplateSyntaxId, "except")],
            Check(job).Select(p => (p.Id, p.Location.Key)));
    }
}
