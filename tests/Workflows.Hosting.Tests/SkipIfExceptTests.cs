using Workflows.Definitions;
using Workflows.Hosting.Tests.Support;
using Workflows.Runtime;
using Workflows.TestSupport;
using Workflows.Yaml;

namespace Workflows.Hosting.Tests;

/// <summary>
/// skip_if and except in a real host: the worker renders them with the variables of the moment the job or task is about
/// to start (request params, job variables), the decider skips on <c>true</c>, and the skip is recorded as events.
/// </summary>
public sealed class SkipIfExceptTests : IAsyncLifetime
{
    private const string Yaml = """
        job_type: skip-demo
        skip_if: {{if eq .Target "charlie"}} true {{end}}
        tasks:
        - task_type: first
          method: SHELL
          except: {{if eq .Mode "quick"}} true {{end}}
          script:
            - echo first
          on_completed: second
        - task_type: second
          method: SHELL
          script:
            - echo second {{.Target}}
        """;

    private RunningHost _host = null!;

    private static JobDefinition Load(string yaml, string file)
    {
        var result = YamlJobLoader.Load(yaml, file);
        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.DoesNotContain(result.Problems, p => p.Problem.Id == WorkflowDiagnostics.NotRunYetId && p.Problem.Location.Key is "skip_if" or "except");
        return result.Definition!;
    }

    [Fact]
    public async Task A_job_whose_skip_if_renders_true_for_its_params_is_recorded_skipped_and_fails_ERR_FILTERED_JOB()
    {
        var id = await _host.Client.SubmitAsync(Load(Yaml, "skip-demo.yaml"), new Dictionary<string, string> { ["Target"] = "charlie" });

        var view = await _host.WaitForEndAsync(id);

        Assert.Equal((JobStatus.Failed, "ERR_FILTERED_JOB"), (view.Status, view.ErrorCode));
        var events = await _host.Jobs.EventsAsync(id);
        Assert.Equal(" true ", Assert.Single(events.OfType<JobSkipped>()).SkipIf);
        Assert.DoesNotContain(events, e => e is JobStarted or TaskStarted);
    }

    [Fact]
    public async Task A_task_whose_except_renders_true_completes_SKIPPED_without_running_and_the_next_task_runs()
    {
        var quick = await _host.Client.SubmitAsync(Load(Yaml, "skip-demo.yaml"), new Dictionary<string, string> { ["Target"] = "bob", ["Mode"] = "quick" });
        var full = await _host.Client.SubmitAsync(Load(Yaml, "skip-demo.yaml"), new Dictionary<string, string> { ["Target"] = "bob", ["Mode"] = "full" });

        var skippedView = await _host.WaitForEndAsync(quick);
        var ranView = await _host.WaitForEndAsync(full);

        Assert.Equal((JobStatus.Completed, JobStatus.Completed), (skippedView.Status, ranView.Status));
        var skipped = await _host.Jobs.EventsAsync(quick);
        Assert.Equal("first", Assert.Single(skipped.OfType<TaskSkipped>()).TaskType);
        Assert.Equal(["second"], skipped.OfType<TaskExited>().Select(e => e.TaskType));
        Assert.True(skippedView.Tasks.Single(t => t.TaskType == "first").Skipped);
        var ran = await _host.Jobs.EventsAsync(full);
        Assert.Empty(ran.OfType<TaskSkipped>());
        Assert.Equal(["first", "second"], ran.OfType<TaskExited>().Select(e => e.TaskType));
    }

    [Fact]
    public async Task An_except_that_does_not_render_fails_the_attempt_with_ERR_TEMPLATE_naming_the_problem()
    {
        var yaml = """
            job_type: except-broken
            tasks:
            - task_type: only
              method: SHELL
              except: {{ Random 3 3 }}
              script:
                - echo never
            """;
        var id = await _host.Client.SubmitAsync(Load(yaml, "except-broken.yaml"));

        var view = await _host.WaitForEndAsync(id);

        Assert.Equal((JobStatus.Failed, "ERR_TEMPLATE"), (view.Status, view.ErrorCode));
    }

    [Fact]
    public async Task Formicarys_go_build_ci_example_runs_as_written_and_is_filtered_off_main()
    {
        var path = Path.Combine(TestInfrastructure.RepoRoot, "tests", "Workflows.Yaml.Tests", "Formicary", "docs", "examples", "go-build-ci.yaml");
        var id = await _host.Client.SubmitAsync(Load(File.ReadAllText(path), "go-build-ci.yaml"), new Dictionary<string, string> { ["GitBranch"] = "feature/x", ["GithubToken"] = "t" });

        var view = await _host.WaitForEndAsync(id);

        Assert.Equal((JobStatus.Failed, "ERR_FILTERED_JOB"), (view.Status, view.ErrorCode));
        Assert.Contains("true", Assert.Single((await _host.Jobs.EventsAsync(id)).OfType<JobSkipped>()).SkipIf, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_filtered_job_of_a_cron_type_with_DeleteFilteredCronJobs_is_deleted_from_the_lists_and_its_skip_kept_in_its_history()
    {
        const string Cron = """
            job_type: cron-filtered
            cron_trigger: "*/5 * * * *"
            skip_if: {{if eq .Target "charlie"}} true {{end}}
            tasks:
            - task_type: only
              method: SHELL
              script:
                - echo ran
            job_variables:
              DeleteFilteredCronJobs: true
            """;
        var definition = Load(Cron, "cron-filtered.yaml");
        var skipped = await _host.Client.SubmitAsync(definition, new Dictionary<string, string> { ["Target"] = "charlie" });
        var ran = await _host.Client.SubmitAsync(definition, new Dictionary<string, string> { ["Target"] = "bob" });

        var view = await _host.WaitUntilAsync(skipped, v => v.ArchivedAt is not null);

        Assert.Equal((JobStatus.Failed, "ERR_FILTERED_JOB"), (view.Status, view.ErrorCode));
        Assert.Equal(" true ", Assert.Single((await _host.Jobs.ArchivedEventsAsync(skipped)).OfType<JobSkipped>()).SkipIf);
        Assert.Equal(JobStatus.Completed, (await _host.WaitForEndAsync(ran)).Status);
        var listed = (await _host.Jobs.ListAsync(new Marten.JobQuery { JobType = "cron-filtered" })).Jobs;
        Assert.Equal([ran], listed.Select(v => v.Id));
        Assert.Equal(0, await _host.Jobs.CountAsync("cron-filtered", [JobStatus.Failed]));
        Assert.Null((await _host.Jobs.GetAsync(ran))!.ArchivedAt);
    }

    public async Task InitializeAsync() => _host = await RunningHost.StartAsync("skips");

    public async Task DisposeAsync() => await _host.DisposeAsync();
}
