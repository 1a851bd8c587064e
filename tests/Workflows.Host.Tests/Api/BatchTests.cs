using System.Net;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.Runtime;

namespace Workflows.Host.Tests.Api;

/// <summary>Batch jobs: FORK_JOB and AWAIT_FORKED_JOB over HTTP, the batch retry rules, cascade cancel and the fork guard.</summary>
public sealed class BatchTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string Child = """
        job_type: batch-child
        required_params: [Code]
        tasks:
        - task_type: work
          method: SHELL
          script:
            - echo "child says {{.Code}}"
            - sleep {{ if .Sleep }}{{.Sleep}}{{ else }}0{{ end }}
            - exit {{.Code}}
          on_exit_code:
            3: ERR_CHILD
        """;

    private const string Parent = """
        job_type: batch-parent
        tasks:
        - task_type: fork-ok
          method: FORK_JOB
          fork_job_type: batch-child
          sub_workflow:
            input_params:
              - name: Code
                value: "0"
          on_completed: fork-bad
        - task_type: fork-bad
          method: FORK_JOB
          fork_job_type: batch-child
          sub_workflow:
            input_params:
              - name: Code
                value: "{{.BadCode}}"
              - name: Sleep
                value: "{{.Sleep}}"
          on_completed: await
        - task_type: await
          method: AWAIT_FORKED_JOB
          await_forked_tasks: [fork-ok, fork-bad]
        """;

    private ServedHost Host => fixture.Host;

    private static async Task UploadAsync(HttpClient client)
    {
        foreach (var yaml in new[] { Child, Parent })
        {
            using var upload = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(yaml));
            Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
        }
    }

    private static async Task<string> SubmitParentAsync(HttpClient client, string badCode, string sleep)
    {
        using var submit = await client.PostAsync("api/jobs/requests", ServedHost.Json($$$"""{"job_type": "batch-parent", "params": {"BadCode": "{{{badCode}}}", "Sleep": "{{{sleep}}}"}}"""));
        Assert.Equal(HttpStatusCode.Created, submit.StatusCode);
        return (await ServedHost.ReadAsync<JobDto>(submit)).Id;
    }

    [Fact]
    public async Task A_batch_parent_forks_children_awaits_them_and_fails_with_the_failing_childs_error()
    {
        using var client = Host.Client(Host.UserToken);
        await UploadAsync(client);
        var parent = await SubmitParentAsync(client, "3", "0");

        var ended = await ServedHost.WaitEndedAsync(client, parent);

        Assert.Equal((JobStatus.Failed, "ERR_CHILD", "await"), (ended.Status, ended.ErrorCode, ended.FailedTask));
        Assert.False(ended.Retriable); // failed, but a batch parent
        Assert.Equal(2, ended.Children!.Count);
        var children = new List<JobDto>();
        foreach (var id in ended.Children)
        {
            children.Add(await ServedHost.ReadAsync<JobDto>(await client.GetAsync($"api/jobs/requests/{id}")));
        }

        Assert.Equal(["fork-ok", "fork-bad"], children.Select(c => c.ForkTask));
        Assert.All(children, c => Assert.Equal((parent, "alice", "true"), (c.ParentJobId, c.SubmittedBy, c.Params["ForkedJob"])));
        Assert.Equal([("0", JobStatus.Completed), ("3", JobStatus.Failed)], children.Select(c => (c.Params["Code"], c.Status)));
        Assert.Equal("batch-parent", children[0].Params[$"ParentJobType_{parent}"]);
        var logs = await ServedHost.ReadAsync<List<LogLineDto>>(await client.GetAsync($"api/jobs/requests/{parent}/logs?task=await"));
        Assert.Contains(logs, l => l.Line == $"forked job {children[1].Id} (batch-child) failed ERR_CHILD");

        // The batch rules: the parent is not retried as a whole; a child is, and its retry joins the batch.
        using (var whole = await client.PostAsync($"api/jobs/requests/{parent}/retry", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, whole.StatusCode);
            var error = await ServedHost.ReadAsync<ApiError>(whole);
            Assert.Equal("batch_parent", error.Code);
            Assert.Contains("Retry its failed children instead", error.Error, StringComparison.Ordinal);
        }

        using var retry = await client.PostAsync($"api/jobs/requests/{children[1].Id}/retry", ServedHost.Json("""{"params": {"Code": "0"}}"""));
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        var childRetry = await ServedHost.ReadAsync<JobDto>(retry);
        Assert.Equal((parent, "fork-bad", children[1].Id), (childRetry.ParentJobId, childRetry.ForkTask, childRetry.RetryOf));
        Assert.Equal(JobStatus.Completed, (await ServedHost.WaitEndedAsync(client, childRetry.Id)).Status);
        var batch = await ServedHost.ReadAsync<JobDto>(await client.GetAsync($"api/jobs/requests/{parent}"));
        Assert.Equal([children[0].Id, children[1].Id, childRetry.Id], batch.Children);
    }

    [Fact]
    public async Task Later_tasks_see_the_forked_job_id_the_task_statuses_and_the_childs_outputs_mapped_by_output_variables()
    {
        using var client = Host.Client(Host.UserToken);
        foreach (var yaml in new[]
        {
            """
            job_type: context-child
            tasks:
            - task_type: count
              method: SHELL
              script:
                - echo "::set-output name=Total::42"
                - echo "::set-output name=Note::not-mapped"
            """,
            """
            job_type: context-parent
            tasks:
            - task_type: fork
              method: FORK_JOB
              fork_job_type: context-child
              sub_workflow:
                wait_for_completion: true
                output_variables:
                  - name: Total
                    value: ChildTotal
              on_completed: report
            - task_type: report
              method: SHELL
              script:
                - echo "status={{ index . "fork-status" }} id={{ index . "fork.ForkedJobID" }} type={{ index . "fork.ForkedJobType" }}"
                - echo "total={{.ChildTotal}} requests={{.TotalRequests}} ids={{.RequestIDs}} note=[{{ if .Note }}{{.Note}}{{ end }}]"
            """,
        })
        {
            using var upload = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(yaml));
            Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
        }

        using var submit = await client.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "context-parent"}"""));
        var parent = (await ServedHost.ReadAsync<JobDto>(submit)).Id;
        var ended = await ServedHost.WaitEndedAsync(client, parent);

        Assert.Equal(JobStatus.Completed, ended.Status);
        var child = Assert.Single(ended.Children!);
        var logs = await ServedHost.ReadAsync<List<LogLineDto>>(await client.GetAsync($"api/jobs/requests/{parent}/logs?task=report"));
        var lines = logs.Select(l => l.Line).ToList();
        Assert.Contains($"status=COMPLETED id={child} type=context-child", lines);
        Assert.Contains($"total=42 requests=1 ids=[{child}] note=[]", lines); // the shell ate RequestIDs' quotes...
        Assert.Contains(lines, l => l.StartsWith("$ echo", StringComparison.Ordinal) && l.Contains($"ids=[\"{child}\"]", StringComparison.Ordinal)); // ...a JSON array
    }

    [Fact]
    public async Task Cancelling_a_batch_parent_cancels_the_children_it_waits_for()
    {
        using var client = Host.Client(Host.UserToken);
        await UploadAsync(client);
        var parent = await SubmitParentAsync(client, "0", "60");
        await ServedHost.WaitAsync(client, parent, j => j.Tasks!.Any(t => t.TaskType == "await" && t.Status == TaskRunStatus.Started));
        var slow = (await ServedHost.ReadAsync<JobDto>(await client.GetAsync($"api/jobs/requests/{parent}"))).Children![1];

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"api/jobs/requests/{parent}/cancel", null)).StatusCode);

        Assert.Equal(JobStatus.Cancelled, (await ServedHost.WaitEndedAsync(client, parent)).Status);
        var child = await ServedHost.WaitEndedAsync(client, slow);
        Assert.Equal(JobStatus.Cancelled, child.Status);
    }

    [Fact]
    public async Task A_job_that_would_fork_its_own_type_fails_with_the_fork_guard()
    {
        using var client = Host.Client(Host.UserToken);
        (await client.PostAsync("api/jobs/definitions", ServedHost.Yaml("""
            job_type: batch-self
            tasks:
            - task_type: again
              method: FORK_JOB
              fork_job_type: batch-self
            """))).Dispose();
        using var submit = await client.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "batch-self"}"""));
        var job = await ServedHost.WaitEndedAsync(client, (await ServedHost.ReadAsync<JobDto>(submit)).Id);

        Assert.Equal((JobStatus.Failed, "ERR_FORK_LOOP"), (job.Status, job.ErrorCode));
        Assert.Empty(job.Children!);
    }
}
