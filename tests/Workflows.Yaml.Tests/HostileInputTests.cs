using Workflows.Definitions;

namespace Workflows.Yaml.Tests;

/// <summary>
/// Hostile or odd text gets a located diagnostic, never a stack overflow, an exception or an unbounded allocation:
/// deep nesting (WF4010), alias bombs (WF4011), an alias inside its own anchor, deep template parentheses, a BOM.
/// </summary>
public class HostileInputTests
{
    private const string Task = "tasks:\n- task_type: t\n  method: SHELL\n  script: [echo hi]\n";

    private static YamlLoadResult Load(string yaml) => YamlJobLoader.Load(yaml, "job.yaml");

    private static string Only(YamlLoadResult result) => Assert.Single(result.Problems).ToString();

    [Fact]
    public void Brackets_nested_20000_deep_are_WF4010_at_the_65th_not_a_stack_overflow()
    {
        // On the old reader this recursed 20,000 times and overflowed the stack, killing the process.
        var result = Load(new string('[', 20_000) + new string(']', 20_000));

        Assert.Null(result.Definition);
        Assert.Equal(
            "job.yaml(1,65): error WF4010: The YAML is nested more than 1,000 levels deep here; at most 64 are allowed. Flatten it: a job needs a few levels (tasks, a task's keys, a value); keep deeply nested data in a JSON string or an artifact instead.",
            Only(result));
    }

    [Fact]
    public void Unclosed_deep_brackets_are_WF4010_with_the_depth_read()
    {
        var result = Load(new string('[', 500));
        Assert.Equal("WF4010", Assert.Single(result.Problems).Id);
        Assert.Contains("nested 500 levels deep", Only(result), StringComparison.Ordinal);
    }

    [Fact]
    public void Task_variables_nested_1001_deep_are_WF4010_at_the_first_level_too_deep()
    {
        // The old loader read them, then the JSON writer threw past 1,000 levels: a 500 and a huge stack trace.
        var nested = new string('{', 1_001).Replace("{", "{a: ", StringComparison.Ordinal) + "1" + new string('}', 1_001);
        var result = Load($"job_type: deep\n{Task}  variables:\n    V: {nested}\n");

        Assert.Null(result.Definition);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(WorkflowDiagnostics.NestingTooDeepId, problem.Id);
        Assert.Equal((7, 248), (problem.Line, problem.Column)); // the 61st '{': job, tasks, task and variables are the first 4 levels
        Assert.Contains("nested more than 1,000 levels deep here; at most 64 are allowed", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_deep_part_is_measured_on_its_own_and_a_sibling_after_it_does_not_count()
    {
        var result = Load("[" + new string('[', 99) + new string(']', 99) + ", " + new string('[', 50) + new string(']', 50) + "]");
        Assert.Equal("job.yaml(1,65): error WF4010: The YAML is nested 100 levels deep here; at most 64 are allowed. Flatten it: a job needs a few levels (tasks, a task's keys, a value); keep deeply nested data in a JSON string or an artifact instead.", Only(result));
    }

    [Fact]
    public void Nesting_of_64_levels_is_read()
    {
        var nested = new string('[', 61) + "1" + new string(']', 61);
        var result = Load($"job_type: deep\njob_variables:\n  V: {nested}\n{Task}");

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal(new string('[', 61) + "1" + new string(']', 61), result.Definition!.JobVariables.Single().Value);
    }

    [Fact]
    public void An_alias_that_makes_the_nesting_too_deep_is_WF4010_where_it_is_used()
    {
        var deep = new string('[', 40) + "1" + new string(']', 40);
        var result = Load($"job_type: deep\njob_variables:\n  A: &a {deep}\n  B: [[[[[[[[[[[[[[[[[[[[[[[[[[[[*a]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n{Task}");

        Assert.Null(result.Definition);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(("WF4010", 4, 34), (problem.Id, problem.Line, problem.Column));
        Assert.Contains("nested 70 levels deep", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_billion_laughs_is_WF4011_before_it_is_expanded()
    {
        // 285 bytes of this shape stored 164 MB of JSON on the old loader; this one expands to 10^9 values.
        var yaml = """
            job_type: lol
            job_variables:
              a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]
              b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
              c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
              d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
              e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
              f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
              g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
              h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]
              i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]
            """;
        var result = Load(yaml.ReplaceLineEndings("\n") + "\n" + Task);

        Assert.Null(result.Definition);
        Assert.Equal(
            "job.yaml(7,6): error WF4011: The YAML expands to more than 100,000 nodes (lists, mappings, keys and values) here, counting an anchored value again at each alias (*name) that uses it; at most 100,000 are allowed. Use fewer aliases or smaller anchored values, or split the job.",
            Only(result));
    }

    [Fact]
    public void A_million_laughs_that_the_old_loader_expanded_is_WF4011_too()
    {
        // 10^6 values: the old loader expanded all of them into the definition (tens of MB); now nothing is loaded.
        var levels = string.Join("\n", Enumerable.Range(1, 5).Select(i => $"  l{i}: &l{i} [" + string.Join(",", Enumerable.Repeat($"*l{i - 1}", 10)) + "]"));
        var result = Load($"job_type: lol\njob_variables:\n  l0: &l0 [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]\n{levels}\n{Task}");

        Assert.Null(result.Definition);
        Assert.Equal(("WF4011", 7), (Assert.Single(result.Problems).Id, result.Problems[0].Line));
    }

    [Fact]
    public void Long_text_repeated_by_aliases_is_WF4011_on_its_length()
    {
        var text = new string('x', 10_000);
        var yaml = $"job_type: big\njob_variables:\n  a: &a {text}\n  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n  d: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n{Task}";
        var result = Load(yaml);

        Assert.Null(result.Definition);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(("WF4011", 6, 6), (problem.Id, problem.Line, problem.Column));
        Assert.Contains("more than 4,194,304 characters of keys and values", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_alias_inside_its_own_anchor_is_WF4001_not_an_endless_walk()
    {
        // The old reader registered the anchor first, so the list contained itself and the JSON conversion never ended.
        var result = Load($"job_type: loop\njob_variables:\n  A: &a [1, *a]\n{Task}");

        Assert.Null(result.Definition);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(("WF4001", 3, 13), (problem.Id, problem.Line, problem.Column));
        Assert.Contains("The alias '*a' is used inside the value its anchor names", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Aliases_within_the_limits_still_load_expanded()
    {
        var result = Load($"job_type: ok\njob_variables:\n  A: &a [1, 2]\n  B: [*a, *a]\n{Task}");

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal(["[1,2]", "[[1,2],[1,2]]"], result.Definition!.JobVariables.Select(v => v.Value));
    }

    [Fact]
    public void Merge_keys_keep_their_rules_a_written_key_wins_before_or_after_the_merge()
    {
        var yaml = """
            job_type: merged
            job_variables:
              base: &base {A: base-a, B: base-b, C: base-c}
              first: {A: own-a, <<: *base, C: own-c}
            tasks:
            - task_type: t
              method: SHELL
              script: [echo hi]
            """;
        var result = Load(yaml.ReplaceLineEndings("\n"));

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal("{\"A\":\"own-a\",\"B\":\"base-b\",\"C\":\"own-c\"}", result.Definition!.JobVariables.Single(v => v.Name == "first").Value);
    }

    [Fact]
    public void Parentheses_nested_20000_deep_in_a_go_template_are_WF4006_not_a_stack_overflow()
    {
        var deep = new string('(', 20_000) + "1" + new string(')', 20_000);
        var result = Load($"job_type: parens\ntasks:\n- task_type: t\n  method: SHELL\n  script:\n    - echo {{{{ print {deep} }}}}\n");

        var problem = Assert.Single(result.Problems);
        Assert.Equal(("WF4006", 6, 12), (problem.Id, problem.Line, problem.Column));
        Assert.Contains("parentheses nested more than 64 deep cannot be translated", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_go_template_pipeline_of_more_than_64_commands_is_WF4006()
    {
        // The translation nests each command in a call, so its text grew with the square of the pipeline: 800 KB took 80 s.
        var pipeline = "1" + string.Concat(Enumerable.Repeat(" | print", 2_000));
        var result = Load($"job_type: pipes\ntasks:\n- task_type: t\n  method: SHELL\n  script:\n    - echo {{{{ {pipeline} }}}}\n");

        var problem = Assert.Single(result.Problems);
        Assert.Equal(("WF4006", 6), (problem.Id, problem.Line));
        Assert.Contains("a pipeline of more than 64 commands cannot be translated", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Unclosed_go_blocks_by_the_thousand_give_at_most_ten_problems()
    {
        // Each problem quotes the whole template: 100,000 unclosed blocks (1 MB) took the old loader past 24 GB.
        var blocks = string.Concat(Enumerable.Repeat("{{ if 1 }}", 2_000));
        var result = Load($"job_type: blocks\ntasks:\n- task_type: t\n  method: SHELL\n  script:\n    - \"{blocks}\"\n");

        Assert.False(result.Succeeded);
        Assert.Equal(10, result.Problems.Count);
        Assert.Contains("blocks nested more than 64 deep cannot be translated", result.Problems[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_leading_byte_order_mark_is_ignored()
    {
        var result = Load("\uFEFFjob_type: bom\n" + Task);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal("bom", result.Definition!.JobType);
    }

    [Fact]
    public void Go_blocks_nested_20000_deep_are_a_diagnostic_not_a_stack_overflow()
    {
        var blocks = string.Concat(Enumerable.Repeat("{{ if .A }}", 20_000)) + "x" + string.Concat(Enumerable.Repeat("{{ end }}", 20_000));
        var result = Load($"job_type: blocks\ntasks:\n- task_type: t\n  method: SHELL\n  script:\n    - echo '{blocks}'\n");

        Assert.Contains(result.Problems, p => p.IsError && p.Line == 6);
    }
}
