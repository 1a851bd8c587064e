using System.Diagnostics;
using Docker.DotNet;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Definitions;
using Workflows.Hosting.Tests.Support;
using Workflows.Executors.Artifacts;
using Workflows.Marten.Logs;
using Workflows.Runtime;
using Workflows.TestSupport;
using ContainerListResponse = Docker.DotNet.Models.ContainerListResponse;
using ContainersListParameters = Docker.DotNet.Models.ContainersListParameters;

namespace Workflows.Hosting.Tests;

/// <summary>Container and shell tasks through the whole host: timeouts, cancellation, artifacts between tasks, unsupported methods.</summary>
public sealed class ContainerJobsTests : IAsyncLifetime
{
    private RunningHost _host = null!;

    private WorkflowClient Client => _host.Client;

    private static TaskDefinition Container(string name, params string[] script) => new()
    {
        TaskType = name,
        Container = new Definitions.ContainerSpec(TestInfrastructure.TestImage),
        Script = script.ToEquatableArray(),
    };

    private static JobDefinition Job(string type, params TaskDefinition[] tasks) => new() { JobType = type, Tasks = tasks.ToEquatableArray() };

    [Fact]
    public async Task A_timed_out_container_is_killed_within_two_seconds_of_its_timeout_and_removed()
    {
        var job = Job("sleepy", Container("sleep", "sleep 60") with { Timeout = TimeSpan.FromSeconds(2) });

        var id = await Client.SubmitAsync(job);
        var view = await _host.WaitForEndAsync(id);

        Assert.Equal((JobStatus.Failed, "ERR_TASK_TIMED_OUT"), (view.Status, view.ErrorCode));
        var run = view.Tasks.Single();
        var ran = run.EndedAt!.Value - run.StartedAt!.Value;
        Assert.True(ran < TimeSpan.FromSeconds(4), $"the attempt ran {ran} for a 2 s timeout");
        Assert.Empty(await ContainersOfAsync(id));
    }

    [Fact]
    public async Task Cancelling_a_running_container_job_stops_the_container_at_once_and_ends_cancelled()
    {
        var id = await Client.SubmitAsync(Job("long", Container("sleep", "echo started", "sleep 60")));
        await _host.WaitUntilAsync(id, v => v.Tasks.Any(t => t.Status == TaskRunStatus.Started));
        await Task.Delay(500); // the container is up

        var watch = Stopwatch.StartNew();
        await Client.CancelAsync(id);
        var view = await _host.WaitForEndAsync(id);

        Assert.Equal(JobStatus.Cancelled, view.Status);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"cancellation took {watch.Elapsed}");
        Assert.Empty(await ContainersOfAsync(id));
        var events = await _host.Jobs.EventsAsync(id);
        Assert.Equal("ERR_CANCELLED", events.OfType<TaskExited>().Single().ErrorCode);
    }

    [Fact]
    public async Task An_artifact_of_one_task_is_read_by_a_dependent_task_in_a_container_and_on_the_host()
    {
        var job = Job(
            "artifacts",
            Container("produce", "echo made-by-produce > report.txt") with { Artifacts = new ArtifactsSpec(new[] { "report.txt" }.ToEquatableArray()), OnCompleted = "consume" },
            Container("consume", "cat report.txt") with { Dependencies = new[] { "produce" }.ToEquatableArray(), OnCompleted = "on-host" },
            new TaskDefinition { TaskType = "on-host", Method = TaskMethod.Shell, Script = new[] { "cat report.txt" }.ToEquatableArray(), Dependencies = new[] { "produce" }.ToEquatableArray() });

        var id = await Client.SubmitAsync(job);
        var view = await _host.WaitForEndAsync(id);

        Assert.Equal(JobStatus.Completed, view.Status);
        var logs = _host.Services.GetRequiredService<TaskLogs>();
        Assert.Contains(await logs.ReadAsync(id, "consume"), l => l.Line == "made-by-produce");
        Assert.Contains(await logs.ReadAsync(id, "on-host"), l => l.Line == "made-by-produce");
        var artifact = Assert.Single(await _host.Services.GetRequiredService<IArtifactStore>().ListAsync(id, null, default));
        Assert.Equal(("produce", "report.txt", 16L), (artifact.TaskType, artifact.Name, artifact.Size));
    }

    [Fact]
    public async Task A_kubernetes_task_fails_at_once_with_a_clear_error_instead_of_hanging()
    {
        var job = Job("kube", Container("deploy", "true") with { Method = TaskMethod.Kubernetes });

        var id = await Client.SubmitAsync(job);
        var view = await _host.WaitForEndAsync(id);

        Assert.Equal((JobStatus.Failed, "ERR_METHOD_NOT_SUPPORTED"), (view.Status, view.ErrorCode));
        var log = await _host.Services.GetRequiredService<TaskLogs>().ReadAsync(id, "deploy");
        Assert.Contains(log, l => l.Line.Contains("uses KUBERNETES, which this host does not run", StringComparison.Ordinal)
            && l.Line.Contains("KubernetesAsDocker=true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_image_fails_the_task_naming_the_image()
    {
        var job = Job("no-image", Container("run", "true") with { Container = new Definitions.ContainerSpec("workflows-test-no-such-image:9") });

        var id = await Client.SubmitAsync(job);
        var view = await _host.WaitForEndAsync(id);

        Assert.Equal((JobStatus.Failed, "ERR_IMAGE_NOT_FOUND"), (view.Status, view.ErrorCode));
        var log = await _host.Services.GetRequiredService<TaskLogs>().ReadAsync(id, "run");
        Assert.Contains(log, l => l.Line.Contains("workflows-test-no-such-image:9", StringComparison.Ordinal));
    }

    private static async Task<IList<ContainerListResponse>> ContainersOfAsync(string jobId)
    {
        using var docker = new DockerClientBuilder().WithEndpoint(TestInfrastructure.DockerEndpoint).Build();
        return await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"workflows.job={jobId}"] = true } },
        });
    }

    public async Task InitializeAsync() => _host = await RunningHost.StartAsync("ctr", options => options.WorkerCount = 3);

    public async Task DisposeAsync() => await _host.DisposeAsync();
}
