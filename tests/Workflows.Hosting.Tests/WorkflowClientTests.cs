using Microsoft.Extensions.DependencyInjection;
using Workflows.Client;
using Workflows.Hosting.Tests.Support;
using Workflows.Runtime;

namespace Workflows.Hosting.Tests;

/// <summary>The in-process client does what the HTTP API does (submit, wait, retry, lineage, cancel), on a real host, with client types.</summary>
public class WorkflowClientTests
{
    private static readonly Workflow Flaky = Workflow.Create("client-flaky", job => job
        .RequiredParams("Mode")
        .Task("work").Run((context, _) => new ValueTask<int>(context.Variables["Mode"] == "fail" ? 3 : 0)));

    private static readonly Workflow Slow = Workflow.Create("client-slow", job => job
        .Task("wait").Run(async (_, token) => await Task.Delay(TimeSpan.FromMinutes(5), token)));

    private static Task<RunningHost> StartAsync(string name) =>
        RunningHost.StartAsync(name, services: services => services.AddSingleton(Flaky).AddSingleton(Slow));

    [Fact]
    public async Task Every_submit_path_checks_required_params_and_names_an_unknown_type_with_one_exception()
    {
        await using var host = await StartAsync("client_submit");

        var missing = await Assert.ThrowsAsync<MissingParamsException>(() => host.Client.SubmitAsync("client-flaky"));
        Assert.Equal(["Mode"], missing.Missing);
        await Assert.ThrowsAsync<MissingParamsException>(() => host.Client.SubmitAsync(new JobSubmission("client-flaky")));
        await Assert.ThrowsAsync<MissingParamsException>(() => host.Client.SubmitAsync(Flaky.Definition));

        var unknown = await Assert.ThrowsAsync<UnknownJobTypeException>(() => host.Client.SubmitAsync("client-flakey"));
        Assert.StartsWith("Unknown job type 'client-flakey'. Known: 'client-flaky', 'client-slow'.", unknown.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<UnknownJobTypeException>(() => host.Client.SubmitAsync(new JobSubmission("client-flakey")));
    }

    [Fact]
    public async Task A_failed_job_is_retried_with_new_params_and_its_lineage_lists_both_jobs()
    {
        await using var host = await StartAsync("client_retry");
        var id = await host.Client.SubmitAsync("client-flaky", new Dictionary<string, string> { ["Mode"] = "fail" });

        var failed = await host.Client.WaitForEndAsync(id, TimeSpan.FromMinutes(1));
        Assert.Equal((JobStatus.Failed, "ERR_TASK_EXECUTE"), (failed.Status, failed.ErrorCode));
        Assert.Equal("work#1 Failed exit 3 ERR_TASK_EXECUTE", Assert.Single(failed.Tasks).ToString());

        var retryId = await host.Client.RetryAsync(id, new RetryOptions { Params = new Dictionary<string, string> { ["Mode"] = "pass" } });
        Assert.NotNull(retryId);
        var retried = await host.Client.WaitForEndAsync(retryId, TimeSpan.FromMinutes(1));
        Assert.Equal((JobStatus.Completed, id, id), (retried.Status, retried.RetryOf, retried.RetryRoot));

        var lineage = await host.Client.LineageAsync(retryId);
        Assert.NotNull(lineage);
        Assert.Equal([id, retryId], lineage.Jobs.Select(j => j.Id));
        Assert.Equal((id, retryId, (string?)null), (lineage.RootId, lineage.Latest.Id, lineage.InFlight));
        Assert.Null(await host.Client.RetryAsync("no-such-job"));
    }

    [Fact]
    public async Task A_running_job_cannot_be_retried_and_is_cancelled()
    {
        await using var host = await StartAsync("client_cancel");
        var id = await host.Client.SubmitAsync("client-slow");
        await host.WaitUntilAsync(id, v => v.Status == JobStatus.Running && v.Tasks.Any(t => t.Status == TaskRunStatus.Started));

        var refused = await Assert.ThrowsAsync<JobRetryRefusedException>(() => host.Client.RetryAsync(id));
        Assert.Equal(RetryRefusalReason.NotRetriable, refused.Reason);

        await host.Client.CancelAsync(id);
        var cancelled = await host.Client.WaitForEndAsync(id, TimeSpan.FromMinutes(1));
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => host.Client.WaitForEndAsync("no-such-job"));
    }
}
