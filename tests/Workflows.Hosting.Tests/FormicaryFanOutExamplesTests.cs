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
/// formicary's fan-out examples and fixtures (<c>docs/examples/fan-out-*.yaml</c>, <c>fixtures/fan_out_*.yaml</c>) load
/// with no error, no WF4005 and no WF3002 (their later tasks read the aggregates), and run end to end on a real host as
/// written. The job-mode ones fork child job types that are registered first, as their comments say: the ETL example's
/// <c>sub-workflow-etl-child.yaml</c> as written, and <c>fixtures/child_job.yaml</c> under the type the fixture forks
/// (<c>io.formicary.test.child-job</c>; the file says <c>child-job</c>) and without its <c>tags</c> (builder, pulsar:
/// ant routing labels no host of this test declares).
/// </summary>
public sealed class FormicaryFanOutExamplesTests
{
    private static string Source(string path) =>
        File.ReadAllText(Path.Combine([TestInfrastructure.RepoRoot, "tests", "Workflows.Yaml.Tests", "Formicary", .. path.Split('/')]));

    private static JobDefinition Load(string path, string? yaml = null)
    {
        var result = YamlJobLoader.Load(yaml ?? Source(path), Path.GetFileName(path));
        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        return result.Definition!;
    }

    private static async Task<string> LogAsync(RunningHost host, string id, string? task = null) =>
        string.Join("\n", (await host.Services.GetRequiredService<TaskLogs>().ReadAsync(id, task)).Select(l => $"{l.TaskType}: {l.Line}"));

    private static async Task<JobView> RunAsync(RunningHost host, JobDefinition job)
    {
        var id = await host.Client.SubmitAsync(job);
        var view = await host.WaitForEndAsync(id);
        Assert.True(view.Status == JobStatus.Completed, $"{job.JobType} {view.Status}:\n{await LogAsync(host, id)}");
        return view;
    }

    [Theory]
    [InlineData("docs/examples/fan-out-deploy.yaml")]
    [InlineData("docs/examples/fan-out-job-etl.yaml")]
    [InlineData("docs/examples/fan-out-task-regions.yaml")]
    [InlineData("fixtures/fan_out_job.yaml")]
    [InlineData("fixtures/fan_out_job_fork_job.yaml")]
    [InlineData("fixtures/fan_out_task_job.yaml")]
    public void The_fan_out_examples_load_with_fan_out_run_and_their_aggregates_known(string path)
    {
        var result = YamlJobLoader.Load(Source(path), Path.GetFileName(path));

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.DoesNotContain(result.Problems, p => p.Problem.Id is WorkflowDiagnostics.NotRunYetId or WorkflowDiagnostics.UnknownTemplateVariableId);
        Assert.Single(result.Definition!.Tasks, t => t.FanOut is not null);
    }

    [Fact]
    public async Task The_task_mode_examples_run_each_item_and_their_last_task_prints_the_aggregates()
    {
        await using var host = await RunningHost.StartAsync("fo_examples");

        var deploy = await RunAsync(host, Load("docs/examples/fan-out-deploy.yaml"));
        var regions = await RunAsync(host, Load("docs/examples/fan-out-task-regions.yaml"));
        var fixture = await RunAsync(host, Load("fixtures/fan_out_job.yaml"));
        var items = await RunAsync(host, Load("fixtures/fan_out_task_job.yaml"));

        var context = JobContext.Of(deploy.Tasks);
        Assert.Equal(("5", "task", "regions"), (context["FanOutItemCount"], context["FanOutMode"], context["FanOutSource"]));
        Assert.All(Enumerable.Range(0, 5), i => Assert.Equal("COMPLETED", context[$"region_{i}_status"]));
        Assert.Contains("deploy: [4] Deploying to eu-central-1", await LogAsync(host, deploy.Id, "deploy"), StringComparison.Ordinal);
        var report = await LogAsync(host, regions.Id, "report");
        Assert.Contains("report:   total=3 mode=task", report, StringComparison.Ordinal);
        Assert.Contains("report:   region_2_status=COMPLETED", report, StringComparison.Ordinal);
        Assert.Contains("summarize: All deployments complete — total=3", await LogAsync(host, fixture.Id, "summarize"), StringComparison.Ordinal);
        Assert.Contains("done: all done total=3", await LogAsync(host, items.Id, "done"), StringComparison.Ordinal);
        Assert.Contains("process: [1] processing b", await LogAsync(host, items.Id, "process"), StringComparison.Ordinal);

        // "Override regions at request time", as the example's comment shows: a request param wins over the job variable.
        var overridden = await host.Client.SubmitAsync(Load("docs/examples/fan-out-task-regions.yaml"), new Dictionary<string, string> { ["regions"] = """["us-east-1","eu-west-1"]""" });
        Assert.Equal(JobStatus.Completed, (await host.WaitForEndAsync(overridden)).Status);
        Assert.Contains("report:   total=2 mode=task", await LogAsync(host, overridden, "report"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_job_mode_examples_fork_one_child_per_item_and_their_last_task_prints_the_aggregates()
    {
        await using var host = await RunningHost.StartAsync("fo_job_examples");
        var definitions = host.Services.GetRequiredService<DefinitionStore>();
        await definitions.SaveAsync(Load("docs/examples/sub-workflow-etl-child.yaml"), Source("docs/examples/sub-workflow-etl-child.yaml"), null);
        var childJob = Source("fixtures/child_job.yaml")
            .Replace("job_type: child-job", "job_type: io.formicary.test.child-job", StringComparison.Ordinal)
            .Replace("  tags:\n  - builder\n  - pulsar\n", string.Empty, StringComparison.Ordinal);
        await definitions.SaveAsync(Load("fixtures/child_job.yaml", childJob), childJob, null);

        var etl = await RunAsync(host, Load("docs/examples/fan-out-job-etl.yaml"));
        var fork = await RunAsync(host, Load("fixtures/fan_out_job_fork_job.yaml"));

        var summary = await LogAsync(host, etl.Id, "summarize");
        Assert.Contains("summarize:   total=3 mode=job", summary, StringComparison.Ordinal);
        Assert.Contains("summarize:   dataset_2_status=COMPLETED", summary, StringComparison.Ordinal);
        var children = await host.Jobs.ChildrenAsync(etl.Id, CancellationToken.None);
        Assert.Equal(["inventory_2024", "orders_2024", "sales_2024"], children.Select(c => c.Params["source_table"]).Order(StringComparer.Ordinal));
        Assert.All(children, c => Assert.Equal(("process-datasets", "500", JobStatus.Completed), (c.ForkTask, c.Params["batch_size"], c.Status)));
        var sales = children.Single(c => c.Params["dataset"] == "sales_2024");
        Assert.Contains("extract: Extracting from table=sales_2024 batch_size=500", await LogAsync(host, sales.Id, "extract"), StringComparison.Ordinal);

        Assert.Contains("summarize: done FanOutMode=job count=2", await LogAsync(host, fork.Id, "summarize"), StringComparison.Ordinal);
        var forked = await host.Jobs.ChildrenAsync(fork.Id, CancellationToken.None);
        Assert.Equal(["ds-1", "ds-2"], forked.Select(c => c.Params["dataset"]).Order(StringComparer.Ordinal));
        Assert.All(forked, c => Assert.Equal(("io.formicary.test.child-job", JobStatus.Completed), (c.JobType, c.Status)));
    }
}
