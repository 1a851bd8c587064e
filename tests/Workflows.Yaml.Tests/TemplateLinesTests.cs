using Workflows.Definitions;

namespace Workflows.Yaml.Tests;

/// <summary>Go templates written across YAML lines, as formicary allows, load as Scriban without moving other lines.</summary>
public class TemplateLinesTests
{
    private static YamlLoadResult Load(string yaml) => YamlJobLoader.Load(yaml.ReplaceLineEndings("\n"));

    private static TaskDefinition Task(string taskLines) =>
        Load("job_type: j\ntasks:\n- task_type: t\n  method: SHELL\n" + taskLines).Definition!.Tasks[0];

    [Fact]
    public void Branches_of_several_items_become_one_item_whose_lines_are_joined_by_newlines()
    {
        var task = Task("""
              script:
                {{ if eq .Env "prod" }}
                - echo a
                - 'echo "b: c"'
                {{ else }}
                - echo d
                {{ end }}
                - echo after
            """);
        Assert.Equal(["{{ if Env == \"prod\" }}echo a\necho \"b: c\"{{ else }}echo d{{ end }}", "echo after"], task.Script);
    }

    [Fact]
    public void A_range_between_list_items_becomes_one_item()
    {
        var task = Task("  script:\n    {{ range $i, $e := Iterate 3 }}\n    - echo {{ $e }}\n    {{ end }}\n");
        Assert.Equal(["{{ for $e in Iterate 3; $i = for.index }}echo {{ $e }}{{ end }}"], task.Script);
    }

    [Fact]
    public void Lines_after_a_template_block_keep_their_line_numbers()
    {
        // A built-in variable (.TaskRetry): the template checker has nothing to add, so the one problem is the route.
        var result = Load("job_type: j\ntasks:\n- task_type: t\n  method: SHELL\n  script:\n    {{ if .TaskRetry }}\n    - a\n    {{ else }}\n    - b\n    {{ end }}\n  on_completed: nowhere\n");
        var problem = Assert.Single(result.Problems);
        Assert.Equal((WorkflowDiagnostics.UnknownTaskId, 11, 17), (problem.Id, problem.Line, problem.Column));
    }

    [Fact]
    public void Values_that_start_with_a_template_are_read_as_text()
    {
        var task = Task("  url: {{ .Base }}/health # the health check\n  script:\n    - {{ .Command }} --fast\n  working_dir: {{ .Dir }}\n");
        Assert.Equal("{{ Base }}/health", task.Url);
        Assert.Equal(["{{ Command }} --fast"], task.Script);
        Assert.Equal("{{ Dir }}", task.WorkingDirectory);
    }

    [Fact]
    public void Block_scalars_are_left_alone_and_translated_whole()
    {
        var task = Task("  script:\n    - |\n      {{ if .X }}\n      echo a\n      {{ end }}\n    - date\n");
        Assert.Equal(["{{ if X }}\necho a\n{{ end }}\n", "date"], task.Script);
    }

    [Fact]
    public void A_range_that_generates_tasks_is_an_error_naming_dynamic_template_tasks()
    {
        const string yaml = "job_type: j\ntasks:\n{{ range $i, $r := Iterate 2 }}\n- task_type: t{{ $r }}\n  method: SHELL\n  script: [x]\n{{ end }}\n";
        var problem = Assert.Single(Load(yaml).Problems, p => p.Id == WorkflowDiagnostics.UntranslatableTemplateId);
        Assert.Equal((3, 1), (problem.Line, problem.Column));
        Assert.Contains("dynamic_template_tasks", problem.Problem.Message, StringComparison.Ordinal);
        Assert.Contains("in 'tasks'", problem.Problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_block_between_mapping_entries_is_an_error()
    {
        var result = Load("job_type: j\ntasks:\n- task_type: t\n  method: SHELL\n  script: [x]\n  environment:\n    {{ if .Prod }}\n    MODE: prod\n    {{ end }}\n");
        var problem = Assert.Single(result.Problems);
        Assert.Equal((WorkflowDiagnostics.UntranslatableTemplateId, 7, 5), (problem.Id, problem.Line, problem.Column));
        Assert.Equal("Task 't' has a Go template in 'environment' that cannot be translated to Scriban: the block spans YAML lines other than single-line list items (line 8: 'MODE: prod') ('{{ if .Prod }}'). Rewrite that part with if/else/end, range, eq/ne/lt/le/gt/ge, and/or/not, pipelines or function calls.", problem.Problem.Message);
    }

    [Fact]
    public void A_lone_end_is_a_syntax_error()
    {
        var problem = Assert.Single(Load("job_type: j\ntasks:\n- task_type: t\n  method: SHELL\n  script:\n    - a\n    {{ end }}\n").Problems);
        Assert.Equal((WorkflowDiagnostics.TemplateSyntaxId, 7, 5), (problem.Id, problem.Line, problem.Column));
    }

    [Fact]
    public void Windows_line_endings_are_accepted()
    {
        var task = Task("  script:\r\n    {{ if .A }}\r\n    - a\r\n    {{ end }}\r\n");
        Assert.Equal(["{{ if A }}a{{ end }}"], task.Script);
    }
}
