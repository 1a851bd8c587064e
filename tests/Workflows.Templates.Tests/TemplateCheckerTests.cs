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
    public void A_scheduled_jobs_instant_param_is_known_only_to_a_job_with_a_schedule()
    {
        Assert.Empty(Check(Job("echo run for {{ ScheduledAt }}", job: j => j with { CronTrigger = "0 2 * * *" })));
        Assert.Equal(UnknownTemplateVariableId, Assert.Single(Check(Job("echo run for {{ ScheduledAt }}"))).Id);
    }

    [Fact]
    public void WF3002_declared_variables_and_required_params_are_known()
    {
        Assert.DoesNotContain(UnknownTemplateVariableId, Check(Job("deploy {{ Region }} {{ Target }} {{ Size }}",
            task => task with { Variables = EquatableArray.Create(new NamedValue("Size", "2")) },
            job => job with { JobVariables = EquatableArray.Create(new NamedValue("Region", "eu")), RequiredParams = EquatableArray.Create("Target") })).Select(p => p.Id));
    }

    [Theory]
    [InlineData("echo {{ Target }}")]
    [InlineData("echo \"{{ Target }}\"")]
    [InlineData("echo '{{ Target | lower }}'")]
    [InlineData("{{ if JobRetry > 0 }}deploy {{ Target }}{{ end }}")]
    public void WF3004_a_request_param_rendered_unquoted_into_a_script_line_warns(string line)
    {
        var problem = Assert.Single(Check(Job(line, job: j => j with { RequiredParams = EquatableArray.Create("Target") })));
        Assert.Equal(UnquotedParamInScriptId, problem.Id);
        Assert.Equal(ProblemSeverity.Warning, problem.Severity);
        Assert.StartsWith("Task 'run' renders 'Target' unquoted into a shell script line in script:", problem.Message, StringComparison.Ordinal);
        Assert.Contains("{{ Target | shell_quote }}", problem.Message, StringComparison.Ordinal);
        Assert.Contains("\"$WORKFLOWS_PARAM_Target\"", problem.Message, StringComparison.Ordinal);
        Assert.Equal(new DefinitionPointer("run", "script", line, 0), problem.Location);
    }

    [Theory]
    [InlineData("echo {{ Target | shell_quote }}")]
    [InlineData("echo {{ shell_quote Target }}")]
    [InlineData("echo {{ shell_quote (lower Target) }}")]
    [InlineData("exit {{ atoi Target }}")]
    [InlineData("{{ if Target == \"prod\" }}echo prod{{ end }}")]
    [InlineData("echo \"$WORKFLOWS_PARAM_Target\"")]
    [InlineData("echo {{ JobID }} {{ TaskRetry }} {{ Nonce }} {{ Region }} {{ Size }}")]
    public void WF3004_quoted_params_conditions_runtime_and_definition_variables_pass(string line) =>
        Assert.Empty(Check(Job(line,
            task => task with { Variables = EquatableArray.Create(new NamedValue("Size", "2")) },
            job => job with { JobVariables = EquatableArray.Create(new NamedValue("Region", "eu")), RequiredParams = EquatableArray.Create("Target") })));

    [Fact]
    public void A_triggers_params_are_declared_request_params_known_to_templates_and_WF3004_when_unquoted_in_a_script()
    {
        var trigger = new TriggerSpec("on-push", "webhook", Params: EquatableArray.Create(new NamedValue("branch", "{{ Body.ref }}")));

        Assert.Equal([UnquotedParamInScriptId], Check(Job("echo {{ branch }}", job: j => j with { Triggers = EquatableArray.Create(trigger) })).Select(p => p.Id));
        Assert.Empty(Check(Job("echo {{ branch | shell_quote }}", job: j => j with { Triggers = EquatableArray.Create(trigger) })));
        Assert.Equal([UnknownTemplateVariableId], Check(Job("echo {{ branch | shell_quote }}")).Select(p => p.Id));
    }

    [Fact]
    public void WF3004_applies_to_shell_and_container_scripts_only()
    {
        static JobDefinition With(TaskDefinition task) =>
            new() { JobType = "t", RequiredParams = EquatableArray.Create("Target"), Tasks = EquatableArray.Create(task) };
        var docker = new TaskDefinition { TaskType = "run", Container = new ContainerSpec("alpine"), AfterScript = EquatableArray.Create("echo {{ Target }}") };
        var http = new TaskDefinition { TaskType = "run", Method = TaskMethod.HttpGet, Url = "https://example.com/{{ Target }}" };
        var environment = new TaskDefinition { TaskType = "run", Method = TaskMethod.Shell, Environment = EquatableArray.Create(new NamedValue("T", "{{ Target }}")) };
        Assert.Equal([UnquotedParamInScriptId], Check(With(docker)).Select(p => p.Id));
        Assert.Equal(new DefinitionPointer("run", "after_script", "echo {{ Target }}", 0), Check(With(docker))[0].Location);
        Assert.Empty(Check(With(http)));
        Assert.Empty(Check(With(environment)));
    }

    [Fact]
    public void Loop_objects_and_fan_out_item_variables_are_known()
    {
        Assert.Empty(Check(Job("{{ for e in Iterate 3 }}{{ for.index }}{{ end }}")));
        Assert.Empty(Check(Job("deploy {{ Region }}", task => task with { FanOut = new FanOutSpec("Regions", "Region") })));
        Assert.Single(Check(Job("deploy {{ Region }}")));
    }

    [Fact]
    public void A_fan_outs_aggregates_are_known_to_later_tasks_and_other_names_are_not()
    {
        var fan = new TaskDefinition { TaskType = "deploy", Method = TaskMethod.Shell, Script = EquatableArray.Create("echo {{ region }}"), FanOut = new FanOutSpec("regions", "region"), OnCompleted = "report" };
        JobDefinition With(string line) => new()
        {
            JobType = "t",
            JobVariables = EquatableArray.Create(new NamedValue("regions", "[\"eu\"]")),
            Tasks = EquatableArray.Create(fan, new TaskDefinition { TaskType = "report", Method = TaskMethod.Shell, Script = EquatableArray.Create(line) }),
        };

        Assert.Empty(Check(With("echo {{ FanOutItemCount }} {{ FanOutMode }} {{ FanOutSource }} {{ region_0_status }} {{ region_12_error_message }} {{ region_1_url }}")));
        // Not an item's name: no index, no key after it, another item variable.
        foreach (var name in new[] { "region_status", "region_0_", "regions_0_status", "city_0_status" })
        {
            Assert.Equal(name, Assert.Single(Check(With($"echo {{{{ {name} }}}}"))).Message.Split('\'')[3]);
        }
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
