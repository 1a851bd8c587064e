using Workflows.Yaml;

namespace Workflows.Templates.Tests;

/// <summary>
/// <c>CountByJobTypeAndState</c>, <c>SubmitJob</c> and <c>SubmitJobsFromJSON</c> over a recording job store: the
/// arguments reach it as formicary's <c>template_helper.go</c> passes them, and the results render as formicary's do.
/// The store's own rules (states, dedup, required params) are tested in the host's tests.
/// </summary>
public class JobFunctionTests
{
    private static readonly DateTimeOffset Now = new(2024, 7, 4, 10, 20, 30, TimeSpan.Zero);

    private sealed class RecordingJobs : ITemplateJobs
    {
        public List<(string Type, IReadOnlyList<string> States)> Counts { get; } = [];

        public List<(string Type, string Description, IReadOnlyDictionary<string, string> Params)> Submitted { get; } = [];

        public long Count { get; init; } = 12;

        public int FailAt { get; init; } = -1;

        public long CountByJobTypeAndState(string jobType, IReadOnlyList<string> states)
        {
            Counts.Add((jobType, states));
            return Count;
        }

        public string SubmitJob(string jobType, string description, IReadOnlyDictionary<string, string> parameters)
        {
            if (Submitted.Count == FailAt)
            {
                throw new TemplateRenderException($"Job type '{jobType}' needs the params IssueID");
            }

            Submitted.Add((jobType, description, new Dictionary<string, string>(parameters)));
            return "job-" + Submitted.Count;
        }
    }

    /// <summary>Translates a formicary (Go) template as the YAML loader does, then renders it.</summary>
    private static string RenderGo(string goTemplate, ITemplateJobs jobs, params (string Name, string Value)[] variables) =>
        TemplateRenderer.Render(GoTemplateTranslator.Translate(goTemplate).Scriban!, new TemplateScope(variables.ToDictionary(v => v.Name, v => v.Value), Now, new Random(1), jobs));

    [Theory]
    [InlineData(12, "true")]
    [InlineData(10, "true")]
    [InlineData(9, "")]
    public void The_issue_pickers_skip_if_compares_the_count_of_pending_and_executing_jobs(long count, string expected)
    {
        var jobs = new RecordingJobs { Count = count };
        var rendered = RenderGo("{{if ge (CountByJobTypeAndState \"ai-gh-implement\" \"PENDING\" \"EXECUTING\") 10}} true {{end}}", jobs);
        Assert.Equal(expected, rendered.Trim());
        var (type, states) = Assert.Single(jobs.Counts);
        Assert.Equal("ai-gh-implement", type);
        Assert.Equal(["PENDING", "EXECUTING"], states);
    }

    [Fact]
    public void States_may_be_comma_separated_and_any_case_and_are_passed_upper_case()
    {
        var jobs = new RecordingJobs { Count = 3 };
        Assert.Equal("3", RenderGo("{{CountByJobTypeAndState \"etl\" \"pending, Executing\" \"COMPLETED\"}}", jobs));
        Assert.Equal(["PENDING", "EXECUTING", "COMPLETED"], jobs.Counts[0].States);
    }

    [Fact]
    public void SubmitJob_passes_key_value_pairs_split_at_the_first_equals_and_ignores_others()
    {
        var jobs = new RecordingJobs();
        var id = RenderGo("{{SubmitJob \"resize-image\" \"Resize img-42\" \"ImageID=42\" \"Filter=a=b\" \"junk\" \"=x\" \"_user_key=img-42\"}}", jobs);
        Assert.Equal("job-1", id);
        var (type, description, parameters) = Assert.Single(jobs.Submitted);
        Assert.Equal("resize-image", type);
        Assert.Equal("Resize img-42", description);
        Assert.Equal(new Dictionary<string, string> { ["ImageID"] = "42", ["Filter"] = "a=b", ["_user_key"] = "img-42" }, parameters);
    }

    [Fact]
    public void SubmitJobsFromJSON_submits_one_job_per_element_with_its_description_and_returns_the_ids_one_per_line()
    {
        const string Issues = """[{"IssueID":42,"Title":"Fix it","_description":"GH #42","_user_key":"gh-42"},{"IssueID":43.5,"Draft":true,"Labels":["a"],"Gone":null}]""";
        var jobs = new RecordingJobs();
        var rendered = RenderGo(
            "{{if .IssuesJSON}}{{SubmitJobsFromJSON \"ai-gh-implement\" .IssuesJSON (printf \"_parent_id=%s\" .JobID) \"Title=override\"}}{{end}}",
            jobs,
            ("IssuesJSON", Issues),
            ("JobID", "picker-1"));

        Assert.Equal("job-1\njob-2", rendered);
        Assert.Equal(2, jobs.Submitted.Count);
        Assert.Equal("GH #42", jobs.Submitted[0].Description);
        Assert.Equal(new Dictionary<string, string> { ["IssueID"] = "42", ["Title"] = "override", ["_user_key"] = "gh-42", ["_parent_id"] = "picker-1" }, jobs.Submitted[0].Params);
        Assert.Equal("ai-gh-implement item 2", jobs.Submitted[1].Description);
        Assert.Equal(new Dictionary<string, string> { ["IssueID"] = "43.5", ["Draft"] = "true", ["Labels"] = "[\"a\"]", ["Gone"] = "", ["Title"] = "override", ["_parent_id"] = "picker-1" }, jobs.Submitted[1].Params);
    }

    [Fact]
    public void SubmitJobsFromJSON_answers_ERROR_at_the_first_job_that_cannot_be_submitted_and_keeps_those_before_it()
    {
        var jobs = new RecordingJobs { FailAt = 1 };
        var rendered = RenderGo("{{SubmitJobsFromJSON \"ai-gh-implement\" .Items}}", jobs, ("Items", """[{"IssueID":"1"},{"Title":"x"}]"""));
        Assert.Equal("ERROR:SubmitJob failed for ai-gh-implement item 1: Job type 'ai-gh-implement' needs the params IssueID", rendered);
        Assert.Single(jobs.Submitted);
    }

    [Theory]
    [InlineData("{\"IssueID\":1}", "it is a JSON object, not an array")]
    [InlineData("[1]", "element 0 is a JSON number, not an object")]
    [InlineData("[{", "")]
    public void SubmitJobsFromJSON_answers_ERROR_for_json_that_is_not_an_array_of_objects_and_submits_nothing(string json, string problem)
    {
        var jobs = new RecordingJobs();
        var rendered = RenderGo("{{SubmitJobsFromJSON \"ai-gh-implement\" .Items}}", jobs, ("Items", json));
        Assert.StartsWith("ERROR:SubmitJobsFromJSON needs a JSON array of objects for ai-gh-implement", rendered, StringComparison.Ordinal);
        Assert.Contains(problem, rendered, StringComparison.Ordinal);
        Assert.Empty(jobs.Submitted);
    }

    [Fact]
    public void SubmitJobsFromJSON_with_no_items_submits_nothing_and_renders_empty()
    {
        var jobs = new RecordingJobs();
        Assert.Equal(string.Empty, RenderGo("{{SubmitJobsFromJSON \"t\" .Items}}", jobs, ("Items", "")));
        Assert.Equal(string.Empty, RenderGo("{{SubmitJobsFromJSON \"t\" .Items}}", jobs, ("Items", "[]")));
        Assert.Empty(jobs.Submitted);
    }

    [Fact]
    public void A_store_refusing_SubmitJob_fails_the_render_naming_the_problem()
    {
        var jobs = new RecordingJobs { FailAt = 0 };
        var e = Assert.Throws<TemplateRenderException>(() => RenderGo("{{SubmitJob \"ai-gh-implement\" \"d\"}}", jobs));
        Assert.Contains("needs the params IssueID", e.Message, StringComparison.Ordinal);
    }
}
