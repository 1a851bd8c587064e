using Workflows.Definitions;

namespace Workflows.Yaml.Tests;

/// <summary>
/// The template checks (WF3001-WF3003) run on YAML too, after the Go templates are translated to Scriban, and each
/// problem is at the line and column of the template it is about.
/// </summary>
public class TemplateCheckTests
{
    private static IReadOnlyList<LocatedProblem> Problems(string yaml) =>
        YamlJobLoader.Load(yaml.ReplaceLineEndings("\n"), "job.yaml").Problems;

    private static string Job(string taskLines) => "job_type: ci\ntasks:\n- task_type: roll\n  method: SHELL\n" + taskLines;

    [Fact]
    public void Task_outputs_a_script_sets_literally_or_its_method_sets_are_known_variables_and_others_are_WF3002()
    {
        var problems = Problems("""
            job_type: outputs
            tasks:
            - task_type: make
              method: SHELL
              script:
                - echo "::set-output name=Version::$(cat VERSION)"
              on_completed: expire
            - task_type: expire
              method: EXPIRE_ARTIFACTS
              on_completed: report
            - task_type: report
              method: SHELL
              script:
                - echo {{ .Version }} {{ .TotalExpired }} {{ .TotalSize }} {{ .Versoin }}
            """);

        var problem = Assert.Single(problems);
        Assert.Equal(("WF3002", 14), (problem.Id, problem.Line));
        Assert.Contains("'Versoin'", problem.Problem.Message, StringComparison.Ordinal);
        Assert.Contains("a task output (::set-output name=NAME::)", problem.Problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_function_in_a_script_line_is_WF3003_at_that_line()
    {
        var problem = Assert.Single(Problems(Job("  script:\n    - date\n    - exit {{ Randm 0 3 }}\n")));
        Assert.Equal(
            "job.yaml(7,7): error WF3003: Task 'roll' calls 'Randm' in a template in script, which is not a template function. Did you mean 'Random'? "
            + "Functions: Random, Iterate, Add, Dict, default, lower, upper, contains, replace, trimPrefix, trimSuffix, hasPrefix, hasSuffix, and Scriban's string., math., array., date. members.",
            problem.ToString());
        Assert.Equal(new DefinitionPointer("roll", "script", "exit {{ Randm 0 3 }}", 0), problem.Problem.Location);
        Assert.Equal(["Random"], problem.Problem.Suggestions);
    }

    [Fact]
    public void An_unknown_variable_in_a_script_line_is_WF3002_at_that_line_although_the_line_was_translated()
    {
        // Written '{{ .Nonec }}' (Go), held as '{{ Nonec }}' (Scriban): the problem is still found at the written line.
        var problem = Assert.Single(Problems(Job("  script:\n    - echo {{ .Nonec }}\n    - date\n")));
        Assert.Equal(WorkflowDiagnostics.UnknownTemplateVariableId, problem.Id);
        Assert.Equal(ProblemSeverity.Warning, problem.Problem.Severity);
        Assert.Equal((6, 7), (problem.Line, problem.Column));
        Assert.StartsWith("Task 'roll' uses 'Nonec' in a template in script, which is not a built-in variable", problem.Problem.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'Nonce'?", problem.Problem.Message, StringComparison.Ordinal);
        Assert.Equal("echo {{ Nonec }}", problem.Problem.Location.Item);
    }

    [Fact]
    public void Equal_lines_are_each_reported_at_their_own_line()
    {
        var problems = Problems(Job("  script:\n    - exit {{ Randm 0 3 }}\n    - date\n    - exit {{ Randm 0 3 }}\n"));
        Assert.Equal(["(6,7) WF3003", "(8,7) WF3003"], problems.Select(p => $"({p.Line},{p.Column}) {p.Id}"));
    }

    [Fact]
    public void Declared_variables_and_built_ins_are_known()
    {
        var yaml = "job_type: ci\njob_variables:\n  Region: eu\nrequired_params: [Target]\ntasks:\n- task_type: roll\n  method: SHELL\n"
            + "  variables:\n    Shard: 1\n  script:\n    - echo {{ .Region }} {{ .Target | shell_quote }} {{ .Shard }} {{ .Nonce }} {{ Random 0 3 }}\n";
        Assert.Empty(Problems(yaml));
    }

    [Fact]
    public void Each_templated_key_is_checked_at_its_own_place()
    {
        const string yaml = """
            job_type: ci
            skip_if: '{{ if .Skp }}true{{ end }}'
            tasks:
            - task_type: roll
              method: SHELL
              before_script:
                - echo {{ .Bfore }}
              script:
                - date
              after_script:
                - echo {{ .Aftr }}
              environment:
                MODE: '{{ .Mde }}'
              variables:
                - name: Count
                  value: '{{ .Cnt }}'
              except: '{{ .Excpt }}'
              on_completed: ping
            - task_type: ping
              method: HTTP_GET
              url: '{{ .Bse }}/health'
              headers:
                Auth: '{{ .Tkn }}'
              query:
                q: '{{ .Qry }}'
            """;
        Assert.Equal(
            [
                "(2,10) skip_if Skp", "(7,7) before_script Bfore", "(11,7) after_script Aftr", "(13,5) environment Mde",
                "(15,7) variables Cnt", "(17,11) except Excpt", "(21,8) url Bse", "(23,5) headers Tkn", "(25,5) query Qry",
            ],
            Problems(yaml).Where(p => p.Id != WorkflowDiagnostics.NotRunYetId) // skip_if and except are loaded, not run yet
                .Select(p => $"({p.Line},{p.Column}) {p.Problem.Location.Key} {Variable(p)}"));

        static string Variable(LocatedProblem p)
        {
            Assert.Equal(WorkflowDiagnostics.UnknownTemplateVariableId, p.Id);
            return p.Problem.Message.Split('\'')[3];
        }
    }

    [Fact]
    public void A_template_block_between_list_items_is_checked_as_its_one_item_at_the_block_line()
    {
        var problem = Assert.Single(Problems(Job("  script:\n    - date\n    {{ if lt .JobElapsedSecs 3 }}\n    - exit {{ Randm 0 3 }}\n    {{ else }}\n    - exit 0\n    {{ end }}\n")));
        Assert.Equal((WorkflowDiagnostics.UnknownTemplateFunctionId, 7, 7), (problem.Id, problem.Line, problem.Column));
    }

    [Fact]
    public void A_template_that_cannot_be_translated_gets_no_follow_on_template_problem()
    {
        // The line is kept as written (Go), which the Scriban checks would misread: WF4006 says it all.
        var problems = Problems(Job("  script:\n    - echo {{ template \"x\" }}\n"));
        Assert.Equal([WorkflowDiagnostics.UntranslatableTemplateId], problems.Select(p => p.Id));
    }

    /// <summary>
    /// The YAML side of issue #24's found defect: an unclosed <c>{{</c> is WF3001, once (the Go parser's), as the C#
    /// analyzer now reports for the same text (AnalyzerTests.An_unclosed_template_is_a_syntax_error_at_compile_time_as_in_yaml).
    /// </summary>
    [Fact]
    public void An_unclosed_template_is_WF3001_once()
    {
        var problems = Problems(Job("  script:\n    - exit {{ Random 0 3\n"));
        Assert.Equal([WorkflowDiagnostics.TemplateSyntaxId], problems.Select(p => p.Id));
        var ok = YamlJobLoader.Load(Job("  script:\n    - exit {{ Random 0 3 }}\n"), "job.yaml").Definition!;
        var typo = ok with { Tasks = EquatableArray.Create(ok.Tasks[0] with { Script = EquatableArray.Create("exit {{ Random 0 3 ") }) };
        Assert.Equal([WorkflowDiagnostics.TemplateSyntaxId], global::Workflows.Templates.DefinitionChecks.Validate(typo).Select(p => p.Id));
    }
}
