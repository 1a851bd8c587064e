using Workflows.Definitions;

namespace Workflows.Yaml.Tests;

/// <summary>Every YAML problem and every validator problem is reported at its exact line and column.</summary>
public class ProblemLocationTests
{
    private static List<string> Problems(string yaml) =>
        YamlJobLoader.Load(yaml.ReplaceLineEndings("\n"), "job.yaml").Problems.Select(p => p.ToString()).ToList();

    private const string ThreeTasks = """
        job_type: ci
        tasks:
        - task_type: first
          method: SHELL
          script: [make]
          on_completed: second
        - task_type: second
          method: SHELL
          script: [make test]
          on_completed: thrid
        - task_type: third
          method: SHELL
          script: [make install]
        """;

    [Fact]
    public void Unknown_task_in_on_completed_is_at_the_value_with_a_suggestion() => Assert.Equal(
        ["job.yaml(10,17): error WF0101: Task 'second' refers to unknown task 'thrid' in on_completed. Did you mean 'third'?"],
        Problems(ThreeTasks));

    [Fact]
    public void An_unreachable_task_is_at_its_name()
    {
        var yaml = ThreeTasks.Replace("on_completed: thrid", "on_failed: first", StringComparison.Ordinal);
        Assert.Contains("job.yaml(10,14): error WF0103: Task 'second' routes back to 'first' in on_failed", Problems(yaml)[0], StringComparison.Ordinal);
        Assert.Equal("job.yaml(11,14): error WF0104: Task 'third' is never reached: no route leads to it from the first task 'first'. Route to it (on_completed, on_failed, on_exit or on_exit_code), mark it always_run for cleanup, or remove it.", Problems(yaml)[1]);
    }

    [Fact]
    public void Duplicate_exit_code_is_at_the_second_key()
    {
        const string yaml = """
            job_type: ci
            tasks:
            - task_type: test
              method: SHELL
              script: [make test]
              retry: 1
              on_exit_code:
                2: RESTART_TASK
                3: FAILED
                2: FATAL
            """;
        Assert.Equal(["job.yaml(10,5): error WF1001: Task 'test' maps exit code 2 more than once (to RESTART_TASK and to FATAL). Keep one mapping."], Problems(yaml));
    }

    [Fact]
    public void A_third_equal_exit_code_is_reported_at_its_own_key()
    {
        const string yaml = "job_type: ci\ntasks:\n- task_type: t\n  method: SHELL\n  script: [x]\n  on_exit_code:\n    2: FAILED\n    2: FATAL\n    2: COMPLETED\n";
        Assert.Equal(["(8,5) WF1001", "(9,5) WF1001"], YamlJobLoader.Load(yaml).Problems.Select(p => $"({p.Line},{p.Column}) {p.Id}"));
    }

    [Fact]
    public void Malformed_yaml_is_one_error_at_the_parser_position_and_no_definition()
    {
        var result = YamlJobLoader.Load("job_type: ci\ntasks:\n  - task_type: a\n   method: SHELL\n", "bad.yaml");
        Assert.Null(result.Definition);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(WorkflowDiagnostics.MalformedYamlId, problem.Id);
        Assert.Equal((4, 4), (problem.Line, problem.Column));
        Assert.StartsWith("bad.yaml(4,4): error WF4001: The YAML is malformed: ", problem.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("job_type: ci\ntasks: [\n", 3, 1)]
    [InlineData("job_type: ci\n\tretry: 1\n", 1, 11)]
    [InlineData("job_type: 'ci\n", 1, 11)]
    [InlineData("job_type: ci\ntasks:\n- task_type: a\n  script: *missing\n", 4, 11)]
    [InlineData("job_type: ci\ntasks:\n- task_type: a\n  on_completed: {b\n- task_type: b\n", 4, 15)]
    public void Malformed_yaml_never_throws(string yaml, int line, int column)
    {
        var problem = Assert.Single(YamlJobLoader.Load(yaml).Problems);
        Assert.Equal((WorkflowDiagnostics.MalformedYamlId, line, column), (problem.Id, problem.Line, problem.Column));
    }

    [Fact]
    public void Unknown_keys_are_warnings_at_the_key_with_the_nearest_known_key()
    {
        const string yaml = "job_type: ci\nretyr: 2\nvariables:\n  A: 1\ntasks:\n- task_type: t\n  method: SHELL\n  script: [x]\n  on_complete: t2\n  artifacts:\n    pahts: [out]\n";
        Assert.Equal(
            [
                "job.yaml(2,1): warning WF4002: Job 'ci' has unknown key 'retyr', which is ignored. Did you mean 'retry'?",
                "job.yaml(3,1): warning WF4002: Job 'ci' has unknown key 'variables', which is ignored. Did you mean 'job_variables'?",
                "job.yaml(9,3): warning WF4002: Task 't' has unknown key 'on_complete', which is ignored. Did you mean 'on_completed'?",
                "job.yaml(11,5): warning WF4002: Task 't' has unknown key 'artifacts.pahts', which is ignored. Did you mean 'paths'?",
            ],
            Problems(yaml));
    }

    [Fact]
    public void Wrong_types_are_errors_at_the_value_and_hide_their_follow_on_problems()
    {
        const string yaml = "job_type: ci\ntasks:\n- task_type: t\n  method: SHELL\n  script: [x]\n  retry: two\n  on_completed:\n    a: b\n  on_exit_code:\n    2: RESTART_TASK\n";
        Assert.Equal(
            [
                "job.yaml(6,10): error WF4003: Task 't' has 'retry' = 'two', which is not a whole number. Write it as 'retry: 2'.",
                "job.yaml(8,5): error WF4003: Task 't' has 'on_completed' = a mapping, which is not text. Write it as 'on_completed: some text'.",
            ],
            Problems(yaml)); // no WF2001 (RESTART_TASK without retries): retry could not be read
    }

    [Theory]
    [InlineData("allow_failure: maybe", 6, 18, "Task 't' has 'allow_failure' = 'maybe', which is not true or false. Write it as 'allow_failure: true'.")]
    [InlineData("script: make", 6, 11, "Task 't' has 'script' = 'make', which is not a list. Write it as 'script: [a, b]'.")]
    [InlineData("environment: [A]", 6, 17, "Task 't' has 'environment' = 'A', which is not a mapping. Write it as '- name: NAME' with 'value: v'.")]
    [InlineData("cost_factor: high", 6, 16, "Task 't' has 'cost_factor' = 'high', which is not a number. Write it as 'cost_factor: 1.5'.")]
    public void More_wrong_types(string line, int row, int column, string message)
    {
        var yaml = $"job_type: ci\ntasks:\n- task_type: t\n  method: SHELL\n  after_script: [x]\n  {line}\n";
        var problem = Assert.Single(YamlJobLoader.Load(yaml).Problems, p => p.Id == WorkflowDiagnostics.WrongValueTypeId);
        Assert.Equal((row, column, message), (problem.Line, problem.Column, problem.Problem.Message));
    }

    [Fact]
    public void A_document_that_is_not_a_mapping_is_an_error()
    {
        var result = YamlJobLoader.Load("- a\n- b\n");
        Assert.Null(result.Definition);
        Assert.Equal(["<yaml>(1,1): error WF4003: The document has '(root)' = a list, which is not a mapping of job keys. Write it as 'job_type: my-job' followed by 'tasks:'."], result.Problems.Select(p => p.ToString()));
        Assert.Equal(WorkflowDiagnostics.WrongValueTypeId, Assert.Single(YamlJobLoader.Load("").Problems).Id);
    }

    [Fact]
    public void Bad_durations_name_the_key_and_value_and_show_valid_forms()
    {
        const string yaml = "job_type: ci\ntimeout: 30\ntasks:\n- task_type: t\n  method: SHELL\n  script: [x]\n  timeout: 5 sec\n";
        Assert.Equal(
            [
                "job.yaml(2,10): error WF4004: Job 'ci' has 'timeout' = '30', which is not a duration. Did you mean '30s'? Write a Go duration such as 500ms, 6s, 1.5s, 1m30s or 2h (units ns, us, ms, s, m, h).",
                "job.yaml(7,12): error WF4004: Task 't' has 'timeout' = '5 sec', which is not a duration. Write a Go duration such as 500ms, 6s, 1.5s, 1m30s or 2h (units ns, us, ms, s, m, h).",
            ],
            Problems(yaml));
    }

    [Fact]
    public void Duplicate_keys_are_errors_at_the_repeat()
    {
        const string yaml = "job_type: ci\ntasks:\n- task_type: t\n  method: SHELL\n  script: [x]\n  retry: 1\n  retry: 2\n";
        Assert.Equal(["job.yaml(7,3): error WF4007: Task 't' has the key 'retry' more than once (first at line 6). Keep one: only the first is loaded."], Problems(yaml));
        Assert.Equal(1, YamlJobLoader.Load(yaml).Definition!.Tasks[0].Retry);
    }

    [Fact]
    public void Unknown_values_are_errors_with_the_nearest_value()
    {
        const string yaml = "job_type: ci\ntasks:\n- task_type: t\n  method: HTTP_GETT\n  url: https://example.com\n  artifacts:\n    paths: [a]\n    when: sometimes\n";
        Assert.Equal(
            [
                "job.yaml(4,11): error WF4008: Task 't' has 'method' = 'HTTP_GETT', which is not one of DOCKER, KUBERNETES, SHELL, HTTP_GET, HTTP_POST_FORM, HTTP_POST_JSON, HTTP_PUT_FORM, HTTP_PUT_JSON, HTTP_DELETE, FORK_JOB, AWAIT_FORKED_JOB, MANUAL, MESSAGING, WEBSOCKET, EXPIRE_ARTIFACTS. Did you mean 'HTTP_GET'?",
                "job.yaml(8,11): error WF4008: Task 't' has 'artifacts.when' = 'sometimes', which is not one of always, onSuccess, onFailure.",
            ],
            Problems(yaml)); // no WF5001 (no executor): the method could not be read
    }

    [Fact]
    public void Missing_required_keys_are_errors_at_their_block()
    {
        const string yaml = "job_type: ci\ntasks:\n- task_type: t\n  method: SHELL\n  script: [x]\n  fan_out:\n    source: Regions\n";
        Assert.Equal(
            [
                "job.yaml(7,5): error WF4009: Task 't' has 'fan_out' without 'item_var', which it needs. Add it, e.g. 'item_var: region'.",
            ],
            Problems(yaml));
    }

    [Fact]
    public void Untranslatable_templates_are_errors_at_the_construct()
    {
        const string yaml = "job_type: ci\ntasks:\n- task_type: t\n  method: SHELL\n  script:\n    - echo {{ template \"x\" }}\n";
        Assert.Equal(["job.yaml(6,12): error WF4006: Task 't' has a Go template in 'script' that cannot be translated to Scriban: named templates ('template') cannot be translated ('{{ template \"x\" }}'). Rewrite that part with if/else/end, range, eq/ne/lt/le/gt/ge, and/or/not, pipelines or function calls."], Problems(yaml));
    }

    [Fact]
    public void A_template_block_without_end_is_a_syntax_error_at_its_line()
    {
        // Go itself rejects it, so it is WF3001 (as a Scriban 'if' without 'end' is in C#), not WF4006.
        const string yaml = "job_type: ci\ntasks:\n- task_type: t\n  method: SHELL\n  script:\n    {{ if .X }}\n    - a\n";
        var problem = Assert.Single(YamlJobLoader.Load(yaml).Problems);
        Assert.Equal("<yaml>(6,5): error WF3001: Task 't' has a template in script that does not parse: '{{ if .X }}' (the block has no matching '{{ end }}'). Fix the {{ … }} syntax, e.g. '{{ if JobRetry > 0 }}…{{ else }}…{{ end }}' in C#, or '{{ if gt .JobRetry 0 }}…{{ else }}…{{ end }}' in YAML.", problem.ToString());
    }

    [Fact]
    public void A_template_that_does_not_parse_as_go_is_a_syntax_error_at_the_construct()
    {
        const string yaml = "job_type: ci\ntasks:\n- task_type: t\n  method: SHELL\n  script:\n    - echo {{ if gt .JobRetry 0 }}retry\n";
        Assert.Equal(["job.yaml(6,12): error WF3001: Task 't' has a template in script that does not parse: 'echo {{ if gt .JobRetry 0 }}retry' (the block has no matching '{{ end }}': '{{ if gt .JobRetry 0 }}'). Fix the {{ … }} syntax, e.g. '{{ if JobRetry > 0 }}…{{ else }}…{{ end }}' in C#, or '{{ if gt .JobRetry 0 }}…{{ else }}…{{ end }}' in YAML."], Problems(yaml));
    }

    [Fact]
    public void A_template_in_a_typed_key_is_an_error()
    {
        const string yaml = "job_type: ci\ntasks:\n- task_type: t\n  method: SHELL\n  script: [x]\n  timeout: '{{ .Timeout }}'\n";
        var problem = Assert.Single(YamlJobLoader.Load(yaml).Problems);
        Assert.Equal((WorkflowDiagnostics.UntranslatableTemplateId, 6, 12), (problem.Id, problem.Line, problem.Column));
    }

    [Fact]
    public void Validator_problems_are_mapped_to_their_nodes()
    {
        const string yaml = """
            job_type: ci
            tasks:
            - task_type: poll
              method: HTTP_GET
              script:
                - not-a-url
              on_exit_code:
                404: EXECUTING
                418: RESTART
              on_completed: build
              dependencies: [biuld]
            - task_type: build
              script: [make]
              on_completed: poll
            - task_type: build
              method: SHELL
              script: [make]
            """;
        Assert.Equal(
            [
                "job.yaml(6,7): error WF5004: Task 'poll' (HTTP_GET) calls 'not-a-url', which is not an absolute http:// or https:// URL. Write the full URL, e.g. 'https://example.com/health', or build it with a template such as '{{ .BaseUrl }}/health'.",
                "job.yaml(8,5): warning WF1007: Task 'poll' polls (exit code 404 → EXECUTING) but has no timeout, so it can poll until the whole job times out. Add .Timeout(TimeSpan.FromMinutes(5)) in C#, or 'timeout: 5m' in YAML.",
                "job.yaml(9,5): error WF1003: Task 'poll' maps exit code 418 to 'RESTART', which is neither a task nor an action. Did you mean 'RESTART_JOB' or 'RESTART_TASK'? Actions are COMPLETED, FAILED, FATAL, RESTART_TASK, RESTART_JOB, EXECUTING, PAUSE_JOB, or an ERR_* error code.",
                "job.yaml(11,18): error WF0101: Task 'poll' refers to unknown task 'biuld' in dependencies. Did you mean 'build'?",
                "job.yaml(12,3): error WF5001: Task 'build' has no executor. Give it one: .Container(\"alpine\"), .Shell(), .HttpGet(url) or .Run(...) in C#; 'method:' or 'container: image:' in YAML.",
                "job.yaml(14,17): error WF0103: Task 'build' routes back to 'poll' in on_completed, closing the cycle poll → build → poll. Routes must not loop: to run a task again, map its exit code to RESTART_TASK, RESTART_JOB or EXECUTING.",
                "job.yaml(15,14): error WF0102: Task name 'build' is used by 2 tasks of job 'ci'. Task names must be unique within a job: rename this one.",
            ],
            Problems(yaml));
    }

    [Fact]
    public void Job_level_validator_problems_point_at_the_job_keys()
    {
        const string yaml = "description: no type\nretry: 0\nmax_concurrency: 0\ntasks:\n- task_type: t\n  method: SHELL\n  script: [x]\n  on_exit_code:\n    3: RESTART_JOB\n";
        Assert.Equal(
            [
                "(1,1) WF0002",
                "(3,18) WF2006",
                "(9,5) WF2002",
            ],
            YamlJobLoader.Load(yaml).Problems.Select(p => $"({p.Line},{p.Column}) {p.Id}"));
    }

    [Fact]
    public void Retry_rule_problems_point_at_the_rule_and_its_key()
    {
        const string yaml = """
            job_type: ci
            tasks:
            - task_type: sync
              method: SHELL
              script: [./sync.sh]
              retry: unlimited
              on_exit_code:
                2: COMPLETED
              retry_on:
                - retry: 1
                - exit_codes: [2]
                  retry: -1
                - output: "reset ("
                  memory_factor: 2
            """;
        Assert.Equal(
            [
                "(10,7) WF2008",
                "(11,19) WF2009",
                "(12,14) WF2003",
                "(13,15) WF2007",
                "(14,22) WF2011",
                "(6,10) WF2012",
            ],
            YamlJobLoader.Load(yaml).Problems.Select(p => $"({p.Line},{p.Column}) {p.Id}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Located_problems_print_in_the_compiler_format()
    {
        var problem = new LocatedProblem(WorkflowDiagnostics.UnknownTask.Create(new DefinitionPointer("a", "on_completed", "b", 0), "a", "b", "on_completed", ""), "jobs/ci.yaml", 3, 17);
        Assert.Equal("jobs/ci.yaml(3,17): error WF0101: Task 'a' refers to unknown task 'b' in on_completed.", problem.ToString());
        Assert.Equal("<yaml>(3,17): error WF0101: Task 'a' refers to unknown task 'b' in on_completed.", (problem with { Path = null }).ToString());
    }
}
