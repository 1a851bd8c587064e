using Microsoft.Extensions.DependencyInjection;
using Workflows.Definitions;
using Workflows.Hosting.Tests.Support;
using Workflows.Marten;
using Workflows.Marten.Definitions;
using Workflows.Marten.Logs;
using Workflows.Runtime;
using Workflows.TestSupport;
using Workflows.Yaml;

namespace Workflows.Hosting.Tests;

/// <summary>
/// formicary's <c>ai-gh-issue-picker.yaml</c> and <c>ai-jira-issue-picker.yaml</c> run in a real host: <c>skip_if</c>
/// counts the implement jobs with <c>CountByJobTypeAndState</c>, and <c>submit-jobs</c> submits one implement job per
/// issue with <c>SubmitJobsFromJSON</c> through the host's submission path.
/// </summary>
/// <remarks>
/// As written except what needs GitHub/Jira: the KUBERNETES task runs as a local Docker container
/// (<c>Workflows:KubernetesAsDocker</c>), <c>plexobject/ai-dev-tools:latest</c> falls back to the local test image
/// (<c>Workflows:ImageFallbacks</c>), its <c>host_network: true</c> is allowed
/// (<c>Workflows:Execution:AllowHostNetwork</c>), and its one script line, <c>python -m scripts.gh.issue_picker</c> (which asks
/// GitHub for the labelled issues), is replaced by an <c>echo</c> of the <c>::set-output name=IssuesJSON::…</c> line that
/// tool prints. The implement job type stands in for formicary's (one MANUAL task, so its jobs stay active).
/// </remarks>
public sealed class IssuePickerTests : IAsyncLifetime
{
    private const string Issues = """[{"IssueID":"42","Title":"Fix login","_description":"Issue 42 - Fix login","_user_key":"issue-42"},{"IssueID":"43","Title":"Add dark mode","_description":"Issue 43 - Add dark mode","_user_key":"issue-43"}]""";

    private RunningHost _host = null!;

    public static TheoryData<string, string, string[]> Pickers => new()
    {
        { "ai-gh-issue-picker.yaml", "gh", ["GithubToken", "GitHubOrg", "GitHubRepo"] },
        { "ai-jira-issue-picker.yaml", "jira", ["JiraApiToken", "JiraEmail", "JiraUrl", "JiraProject"] },
    };

    private static JobDefinition Picker(string file, string source)
    {
        var yaml = File.ReadAllText(Path.Combine(TestInfrastructure.RepoRoot, "tests", "Workflows.Yaml.Tests", "Formicary", "docs", "examples", file));
        var script = $"    - python -m scripts.{source}.issue_picker";
        Assert.Contains(script, yaml, StringComparison.Ordinal);
        var result = YamlJobLoader.Load(yaml.Replace(script, $"    - echo '::set-output name=IssuesJSON::{Issues}'", StringComparison.Ordinal), file);
        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        return result.Definition!;
    }

    private async Task StoreImplementAsync(string source)
    {
        var yaml = $"""
            job_type: ai-{source}-implement
            required_params:
              - IssueID
            tasks:
            - task_type: review
              method: MANUAL
            """;
        var result = YamlJobLoader.Load(yaml, "implement.yaml");
        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        await _host.Services.GetRequiredService<DefinitionStore>().SaveAsync(result.Definition!, yaml, "test");
    }

    private static Dictionary<string, string> Params(string[] required) => required.ToDictionary(p => p, p => "value-of-" + p);

    private async Task<IReadOnlyList<JobView>> ImplementJobsAsync(string source) =>
        (await _host.Jobs.ListAsync(new JobQuery { JobType = $"ai-{source}-implement", Limit = 100 })).Jobs.OrderBy(v => v.Description, StringComparer.Ordinal).ToList();

    [Theory]
    [MemberData(nameof(Pickers))]
    public async Task With_ten_pending_implement_jobs_the_picker_is_skipped_ERR_FILTERED_JOB(string file, string source, string[] required)
    {
        await StoreImplementAsync(source);
        for (var i = 0; i < 10; i++)
        {
            await _host.Client.SubmitAsync(new JobSubmission($"ai-{source}-implement") { Params = new Dictionary<string, string> { ["IssueID"] = $"{i}" }, ScheduledAt = DateTimeOffset.UtcNow.AddHours(1) });
        }

        var id = await _host.Client.SubmitAsync(Picker(file, source), Params(required));
        var view = await _host.WaitForEndAsync(id);

        Assert.Equal((JobStatus.Failed, "ERR_FILTERED_JOB"), (view.Status, view.ErrorCode));
        var events = await _host.Jobs.EventsAsync(id);
        Assert.Equal("true", Assert.Single(events.OfType<JobSkipped>()).SkipIf.Trim());
        Assert.DoesNotContain(events, e => e is TaskStarted);
        Assert.Equal(10, (await ImplementJobsAsync(source)).Count);
    }

    [Theory]
    [MemberData(nameof(Pickers))]
    public async Task The_picker_submits_one_implement_job_per_issue_as_its_children_and_a_second_run_submits_none_again(string file, string source, string[] required)
    {
        await StoreImplementAsync(source);
        await _host.Client.SubmitAsync(new JobSubmission($"ai-{source}-implement") { Params = new Dictionary<string, string> { ["IssueID"] = "9" }, ScheduledAt = DateTimeOffset.UtcNow.AddHours(1) });
        var logs = _host.Services.GetRequiredService<TaskLogs>();

        var first = await _host.Client.SubmitAsync(Picker(file, source), Params(required));
        await EndsCompletedAsync(first);

        var children = (await ImplementJobsAsync(source)).Where(v => v.ParentJobId is not null).ToList();
        Assert.Equal(["Issue 42 - Fix login", "Issue 43 - Add dark mode"], children.Select(c => c.Description));
        Assert.All(children, c => Assert.Equal(first, c.ParentJobId));
        Assert.Equal(["issue-42", "issue-43"], children.Select(c => c.UserKey));
        Assert.Equal(new Dictionary<string, string> { ["IssueID"] = "42", ["Title"] = "Fix login" }, children[0].Params);
        var stdout = (await logs.ReadAsync(first, "submit-jobs")).Where(l => l.Source == Executors.Logs.LogSource.Stdout).Select(l => l.Line).ToList();
        // The one worker is busy with submit-jobs as it renders, so the two new jobs are still queued (PENDING) beside the scheduled one.
        Assert.Equal([$"Issues found {Issues}, pending=3, submitted={children[0].Id}", children[1].Id], stdout.SkipWhile(l => !l.StartsWith("Issues found", StringComparison.Ordinal)));

        // The children wait for approval (active), so their user keys answer them again: nothing new is submitted.
        foreach (var child in children)
        {
            await _host.WaitUntilAsync(child.Id, v => v.Status == JobStatus.AwaitingApproval);
        }

        var second = await _host.Client.SubmitAsync(Picker(file, source), Params(required));
        await EndsCompletedAsync(second);
        Assert.Equal(3, (await ImplementJobsAsync(source)).Count);
        var again = (await logs.ReadAsync(second, "submit-jobs")).Where(l => l.Source == Executors.Logs.LogSource.Stdout).Select(l => l.Line).ToList();
        Assert.Equal([$"Issues found {Issues}, pending=1, submitted={children[0].Id}", children[1].Id], again.SkipWhile(l => !l.StartsWith("Issues found", StringComparison.Ordinal)));
    }

    private async Task EndsCompletedAsync(string id)
    {
        var view = await _host.WaitForEndAsync(id, TimeSpan.FromMinutes(2));
        var log = await _host.Services.GetRequiredService<TaskLogs>().ReadAsync(id, null);
        Assert.True(view.Status == JobStatus.Completed, $"{view.Status} {view.ErrorCode}\n{string.Join("\n", log.Select(l => $"{l.TaskType} {l.Source}: {l.Line}"))}");
    }

    [Fact]
    public async Task A_user_key_answers_the_active_job_with_it_and_is_free_again_once_that_job_ended()
    {
        await StoreImplementAsync("gh");
        JobSubmission Keyed(string issue) => new("ai-gh-implement") { Params = new Dictionary<string, string> { ["IssueID"] = issue }, UserKey = "issue-7" };

        var first = await _host.Client.SubmitAsync(Keyed("7"));
        var same = await _host.Client.SubmitAsync(Keyed("7b"));
        var other = await _host.Client.SubmitAsync(Keyed("8") with { UserKey = "issue-8" });
        Assert.Equal(first, same);
        Assert.NotEqual(first, other);

        await _host.Client.CancelAsync(first);
        await _host.WaitForEndAsync(first);
        var after = await _host.Client.SubmitAsync(Keyed("7c"));
        Assert.NotEqual(first, after);
        Assert.Equal("7c", (await _host.Jobs.GetAsync(after))!.Params["IssueID"]);
    }

    public async Task InitializeAsync() => _host = await RunningHost.StartAsync("picker", options =>
    {
        options.WorkerCount = 1;
        options.KubernetesAsDocker = true;
        options.Execution.AllowHostNetwork = true; // the gather task asks for host_network: true
        options.ImageFallbacks["plexobject/ai-dev-tools:latest"] = TestInfrastructure.TestImage;
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();
}
