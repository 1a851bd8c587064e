using System.Net;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.Runtime;

namespace Workflows.Host.Tests.Api;

/// <summary>Manual retries over HTTP: lineage, retries of retries, one in flight per root, permissions, bulk.</summary>
public sealed class RetryTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string Job = """
        job_type: api-retry
        required_params: [Code, Sleep]
        tasks:
        - task_type: work
          method: SHELL
          script:
            - sleep {{.Sleep}}
            - exit {{.Code}}
          on_exit_code:
            3: ERR_THREE
        """;

    private ServedHost Host => fixture.Host;

    private static async Task<string> SubmitAsync(HttpClient client, string code, string sleep, string? scheduledAt = null)
    {
        (await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(Job))).Dispose();
        var schedule = scheduledAt is null ? string.Empty : $", \"scheduled_at\": \"{scheduledAt}\"";
        using var submit = await client.PostAsync("api/jobs/requests", ServedHost.Json($$"""{"job_type": "api-retry", "params": {"Code": "{{code}}", "Sleep": "{{sleep}}"}{{schedule}}}"""));
        Assert.Equal(HttpStatusCode.Created, submit.StatusCode);
        return (await ServedHost.ReadAsync<JobDto>(submit)).Id;
    }

    private static async Task<JobDto> RetryAsync(HttpClient client, string url, string? body = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.PostAsync(url, body is null ? null : ServedHost.Json(body));
        Assert.True(expected == response.StatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await ServedHost.ReadAsync<JobDto>(response);
    }

    [Fact]
    public async Task Retries_and_retries_of_retries_form_one_linear_lineage_on_the_root()
    {
        using var client = Host.Client(Host.UserToken);
        var root = await SubmitAsync(client, "3", "0");
        Assert.Equal(JobStatus.Failed, (await ServedHost.WaitEndedAsync(client, root)).Status);

        var none = await ServedHost.ReadAsync<BulkRetryDto>(await client.PutAsync($"api/jobs/requests/{root}/retries/retry", null));
        Assert.Equal((0, 0), (none.Retried, none.Refused));

        var r1 = await RetryAsync(client, $"api/jobs/requests/{root}/retry");
        Assert.Equal((root, root, "alice"), (r1.RetryOf, r1.RetryRoot, r1.SubmittedBy));
        Assert.Equal(JobStatus.Failed, (await ServedHost.WaitEndedAsync(client, r1.Id)).Status);

        var all = await ServedHost.ReadAsync<BulkRetryDto>(await client.PutAsync($"api/jobs/requests/{root}/retries/retry", null));
        var item = Assert.Single(all.Results);
        Assert.Equal((r1.Id, 200), (item.Id, item.Status));
        var r2 = item.RetryId!;
        Assert.Equal(JobStatus.Failed, (await ServedHost.WaitEndedAsync(client, r2)).Status);

        var r3 = await RetryAsync(client, $"api/jobs/requests/{root}/retries/{r2}/retry", """{"params": {"Code": "0"}}""");
        Assert.Equal((r2, root), (r3.RetryOf, r3.RetryRoot));
        Assert.Equal(JobStatus.Completed, (await ServedHost.WaitEndedAsync(client, r3.Id)).Status);

        var rootView = await ServedHost.ReadAsync<JobDto>(await client.GetAsync($"api/jobs/requests/{root}"));
        Assert.Equal([r1.Id, r2, r3.Id], rootView.RetryIds);
        Assert.Equal(3, rootView.RetryCount);
        var events = await ServedHost.ReadAsync<List<EventDto>>(await client.GetAsync($"api/jobs/requests/{root}/events"));
        Assert.Equal(["job_retried", "job_retried", "job_retried"], events.TakeLast(3).Select(e => e.Type));
        Assert.Equal("alice", events[^1].Data.GetProperty("requested_by").GetString());

        var lineage = await ServedHost.ReadAsync<LineageDto>(await client.GetAsync($"api/jobs/requests/{r2}/lineage"));
        Assert.Equal((root, 3, r3.Id, r3.Id, (string?)null), (lineage.RootId, lineage.RetryCount, lineage.LatestId, lineage.EffectiveId, lineage.InFlightId));
        Assert.Equal([root, r1.Id, r2, r3.Id], lineage.Jobs.Select(j => j.Id));
        Assert.Equal([null, root, r1.Id, r2], lineage.Jobs.Select(j => j.RetryOf));
        Assert.Equal([JobStatus.Failed, JobStatus.Failed, JobStatus.Failed, JobStatus.Completed], lineage.Jobs.Select(j => j.Status));
        Assert.Equal(new Dictionary<string, string> { ["Code"] = "0" }, lineage.Jobs[3].ParamsChanged);
        Assert.All(lineage.Jobs, j => Assert.Equal((1, 1), (j.JobAttempts, j.TaskAttempts)));
        Assert.Equal([(0, "work", 1, (int?)3, "ERR_THREE"), (0, "work", 1, 3, "ERR_THREE"), (0, "work", 1, 3, "ERR_THREE"), (0, "work", 1, 0, "COMPLETED")],
            lineage.Jobs.Select(j => Assert.Single(j.Attempts)).Select(a => (a.JobAttempt, a.TaskType, a.Attempt, a.ExitCode, a.Action)));

        // The list of lineages (read from the job views, not by folding streams) says the same of this one.
        var listed = await ServedHost.ReadAsync<LineageListDto>(await client.GetAsync("api/jobs/lineages?limit=200"));
        var summary = Assert.Single(listed.Lineages, l => l.RootId == root);
        Assert.Equal((3, r3.Id, JobStatus.Completed, r3.Id, (string?)null), (summary.RetryCount, summary.LatestId, summary.LatestStatus, summary.EffectiveId, summary.InFlightId));
        Assert.Equal(lineage.Jobs.Select(j => (j.Id, j.RetryOf, j.Status)), summary.Jobs.Select(j => (j.Id, j.RetryOf, j.Status)));
        Assert.True(listed.Total >= 1);

        using (var notOfLineage = await client.PostAsync($"api/jobs/requests/{root}/retries/nope/retry", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, notOfLineage.StatusCode);
        }

        using var completed = await client.PostAsync($"api/jobs/requests/{r3.Id}/retry", null);
        Assert.Equal(HttpStatusCode.Conflict, completed.StatusCode);
        var error = await ServedHost.ReadAsync<ApiError>(completed);
        Assert.Equal(("not_retriable", $"Job {r3.Id} is completed with no failed task; only a failed or cancelled job, or a completed one whose allow_failure tasks failed, can be retried."), (error.Code, error.Error));
    }

    /// <summary>
    /// The Job API seed's table: "<c>/jobs/{_id}/retry</c> POST 200 Retry the failed job", "<c>/jobs/{_id}/retries/{_retryId}/retry</c>
    /// POST 200 Retrying the failed retry", "<c>/jobs/{_id}/retries/retry</c> PUT 200 Retrying all the failed retries" —
    /// with "At any given time, only one job will be in running state for a flow" and the lineage design's "prevent
    /// multiple inflight retries". A lineage is linear and each retry re-runs the job it retries, so retrying all the
    /// failed retries retries the newest one (one new job) and names, for each earlier failed retry, the retry that
    /// already retried it; while a retry is in flight it queues nothing.
    /// </summary>
    [Fact]
    public async Task Retrying_all_the_failed_retries_retries_the_newest_and_names_the_retry_that_followed_each_earlier_one()
    {
        using var client = Host.Client(Host.UserToken);
        var root = await SubmitAsync(client, "3", "0");
        await ServedHost.WaitEndedAsync(client, root);
        var r1 = await RetryAsync(client, $"api/jobs/requests/{root}/retry");
        Assert.Equal(JobStatus.Failed, (await ServedHost.WaitEndedAsync(client, r1.Id)).Status);
        var r2 = await RetryAsync(client, $"api/jobs/requests/{root}/retries/{r1.Id}/retry");
        Assert.Equal(JobStatus.Failed, (await ServedHost.WaitEndedAsync(client, r2.Id)).Status);

        // Two failed retries: the newest is retried (200, one new job); the earlier one names the retry after it.
        using var first = await client.PutAsync($"api/jobs/requests/{root}/retries/retry", null);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var all = await ServedHost.ReadAsync<BulkRetryDto>(first);
        Assert.Equal((1, 0), (all.Retried, all.Refused));
        Assert.Equal([(r1.Id, 200, (string?)r2.Id, (string?)null), (r2.Id, 200, null, all.Results[1].RetryId)], all.Results.Select(r => (r.Id, r.Status, r.RetriedBy, r.RetryId)));
        var r3 = all.Results[1].RetryId!;
        Assert.Equal(JobStatus.Failed, (await ServedHost.WaitEndedAsync(client, r3)).Status);

        // Three failed retries and one in flight: nothing more is queued while it is.
        var r4 = await RetryAsync(client, $"api/jobs/requests/{root}/retries/{r3}/retry", """{"params": {"Sleep": "30"}}""");
        var whileInFlight = await ServedHost.ReadAsync<BulkRetryDto>(await client.PutAsync($"api/jobs/requests/{root}/retries/retry", null));
        Assert.Equal([(r1.Id, r2.Id), (r2.Id, r3), (r3, r4.Id)], whileInFlight.Results.Select(r => (r.Id, r.RetriedBy!)));
        Assert.Equal((0, 0), (whileInFlight.Retried, whileInFlight.Refused));
        Assert.Equal([r1.Id, r2.Id, r3, r4.Id], (await ServedHost.ReadAsync<JobDto>(await client.GetAsync($"api/jobs/requests/{root}"))).RetryIds);

        // Once it ends (cancelled here), it is the newest failed retry, and the next call retries it.
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"api/jobs/requests/{r4.Id}/cancel", null)).StatusCode);
        await ServedHost.WaitEndedAsync(client, r4.Id);
        var after = await ServedHost.ReadAsync<BulkRetryDto>(await client.PutAsync($"api/jobs/requests/{r2.Id}/retries/retry", null));
        var r5 = Assert.Single(after.Results, r => r.RetryId is not null);
        Assert.Equal((r4.Id, 200, 1), (r5.Id, r5.Status, after.Retried));
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"api/jobs/requests/{r5.RetryId}/cancel", null)).StatusCode);
        await ServedHost.WaitEndedAsync(client, r5.RetryId!);
    }

    /// <summary>
    /// The Job API seed: "A job can go to 'completed' state even though there are errors as some of the records in the
    /// flow might have failed. In that event, failed records can be retried." Over HTTP, on the real store: the job
    /// completed with a failed allow_failure task is retriable, and its retry runs that task only.
    /// </summary>
    [Fact]
    public async Task A_job_that_completed_with_errors_is_retried_for_its_failed_task_only()
    {
        using var client = Host.Client(Host.UserToken);
        (await client.PostAsync("api/jobs/definitions", ServedHost.Yaml("""
            job_type: api-records
            required_params: [Code]
            tasks:
            - task_type: extract
              method: SHELL
              script: [echo extracted]
              on_completed: load
            - task_type: load
              method: SHELL
              allow_failure: true
              script: ["exit {{.Code}}"]
              on_completed: report
            - task_type: report
              method: SHELL
              script: [echo reported]
            """))).Dispose();
        using var submit = await client.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "api-records", "params": {"Code": "3"}}"""));
        var root = (await ServedHost.ReadAsync<JobDto>(submit)).Id;
        var ended = await ServedHost.WaitEndedAsync(client, root);
        Assert.Equal((JobStatus.Completed, 2, 1), (ended.Status, ended.Succeeded, ended.Ignored));
        Assert.True((await ServedHost.ReadAsync<JobDto>(await client.GetAsync($"api/jobs/requests/{root}"))).Retriable);

        var retry = await RetryAsync(client, $"api/jobs/requests/{root}/retry", """{"params": {"Code": "0"}}""");
        var done = await ServedHost.WaitEndedAsync(client, retry.Id);
        Assert.Equal((JobStatus.Completed, 3, 0), (done.Status, done.Succeeded, done.Ignored));
        var attempts = done.Tasks!.ToDictionary(t => t.TaskType, t => t.Attempts.Count);
        Assert.Equal(new Dictionary<string, int> { ["extract"] = 0, ["load"] = 1, ["report"] = 0 }, attempts); // only the failed task ran
        var lineage = await ServedHost.ReadAsync<LineageDto>(await client.GetAsync($"api/jobs/requests/{root}/lineage"));
        Assert.Equal("load", lineage.Jobs[1].ResumedFrom);
    }

    [Fact]
    public async Task Concurrent_retries_of_one_root_from_many_clients_create_exactly_one_job()
    {
        using var client = Host.Client(Host.UserToken);
        var root = await SubmitAsync(client, "3", "0");
        await ServedHost.WaitEndedAsync(client, root);

        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            using var parallel = Host.Client(Host.UserToken);
            using var response = await parallel.PostAsync($"api/jobs/requests/{root}/retry", ServedHost.Json("""{"params": {"Sleep": "30"}}"""));
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }));

        var created = Assert.Single(answers, a => a.Item1 == 200);
        var retryId = System.Text.Json.JsonDocument.Parse(created.Item2).RootElement.GetProperty("id").GetString()!;
        Assert.All(answers.Where(a => a.Item1 != 200), a =>
        {
            Assert.Equal(409, a.Item1);
            Assert.Contains($"Retry {retryId} of job {root} is still queued or running", a.Item2, StringComparison.Ordinal);
        });
        var rootView = await ServedHost.ReadAsync<JobDto>(await client.GetAsync($"api/jobs/requests/{root}"));
        Assert.Equal([retryId], rootView.RetryIds);
        Assert.False(rootView.Retriable);

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"api/jobs/requests/{retryId}/cancel", null)).StatusCode);
        Assert.Equal(JobStatus.Cancelled, (await ServedHost.WaitEndedAsync(client, retryId)).Status);
        var again = await RetryAsync(client, $"api/jobs/requests/{root}/retry");
        Assert.Equal(root, again.RetryRoot);
        await ServedHost.WaitEndedAsync(client, again.Id);
    }

    [Fact]
    public async Task Another_tokens_job_needs_an_admin_token_and_as_admin_and_a_refusal_writes_nothing()
    {
        using var admin = Host.Client(Host.AdminToken);
        using var alice = Host.Client(Host.UserToken);
        var adminsJob = await SubmitAsync(admin, "3", "0");
        var alicesJob = await SubmitAsync(alice, "3", "0");
        await ServedHost.WaitEndedAsync(admin, adminsJob);
        await ServedHost.WaitEndedAsync(admin, alicesJob);
        var total = (await ServedHost.ReadAsync<JobListDto>(await admin.GetAsync("api/jobs/requests?limit=1"))).Total;

        using (var refused = await alice.PostAsync($"api/jobs/requests/{adminsJob}/retry", ServedHost.Json("""{"as_admin": true}""")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("a token may retry only its own jobs", (await ServedHost.ReadAsync<ApiError>(refused)).Error, StringComparison.Ordinal);
        }

        using (var implicitAdmin = await admin.PostAsync($"api/jobs/requests/{alicesJob}/retry", null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, implicitAdmin.StatusCode);
            Assert.Contains("\"as_admin\": true", (await ServedHost.ReadAsync<ApiError>(implicitAdmin)).Error, StringComparison.Ordinal);
        }

        Assert.Equal(total, (await ServedHost.ReadAsync<JobListDto>(await admin.GetAsync("api/jobs/requests?limit=1"))).Total);
        Assert.Null((await ServedHost.ReadAsync<JobDto>(await admin.GetAsync($"api/jobs/requests/{adminsJob}"))).RetryIds);

        var retry = await RetryAsync(admin, $"api/jobs/requests/{alicesJob}/retry", """{"as_admin": true}""");
        Assert.Equal("admin", retry.SubmittedBy);
        var lineage = await ServedHost.ReadAsync<LineageDto>(await admin.GetAsync($"api/jobs/requests/{alicesJob}/lineage"));
        Assert.Equal(true, lineage.Jobs[1].AsAdmin);
        await ServedHost.WaitEndedAsync(admin, retry.Id);
    }

    [Fact]
    public async Task A_bulk_retry_of_500_mixed_ids_answers_each_id_on_its_own()
    {
        using var client = Host.Client(Host.UserToken);
        var later = DateTimeOffset.UtcNow.AddHours(1).ToString("O");
        // Jobs that never ran: queued for later, then cancelled (retriable) or deleted (gone); their retries sleep, so
        // each stays in flight for the whole test.
        var cancelled = new List<string>();
        for (var i = 0; i < 250; i++)
        {
            var id = await SubmitAsync(client, "0", "60", later);
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"api/jobs/requests/{id}/cancel", null)).StatusCode);
            cancelled.Add(id);
        }

        var deleted = cancelled.Skip(200).ToList();
        foreach (var id in deleted)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"api/jobs/requests/{id}")).StatusCode);
        }

        var retriable = cancelled.Take(200).ToList();
        var queued = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            queued.Add(await SubmitAsync(client, "0", "0", later));
        }

        var unknown = Enumerable.Range(0, 100).Select(i => $"no-such-job-{i}").ToList();
        var duplicates = retriable.Take(100).ToList();
        var ids = retriable.Concat(unknown).Concat(duplicates).Concat(queued).Concat(deleted).ToList();
        Assert.Equal(500, ids.Count);

        using var response = await client.PostAsync("api/jobs/requests/retry", ServedHost.Json(System.Text.Json.JsonSerializer.Serialize(new { ids })));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bulk = await ServedHost.ReadAsync<BulkRetryDto>(response);

        Assert.Equal(ids, bulk.Results.Select(r => r.Id));
        Assert.Equal((200, 300), (bulk.Retried, bulk.Refused));
        var byStatus = bulk.Results.GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<int, int> { [200] = 200, [404] = 100, [409] = 150, [410] = 50 }, byStatus);
        Assert.All(bulk.Results.Where(r => unknown.Contains(r.Id)), r => Assert.Equal("not_found", r.Error!.Code));
        Assert.All(bulk.Results.Where(r => queued.Contains(r.Id)), r => Assert.Equal("not_retriable", r.Error!.Code));
        Assert.All(bulk.Results.Where(r => deleted.Contains(r.Id)), r => Assert.Equal("deleted", r.Error!.Code));
        foreach (var id in duplicates)
        {
            // Each duplicated id: one of its two entries retried it, the other was refused naming that retry.
            var pair = bulk.Results.Where(r => r.Id == id).ToList();
            var retried = Assert.Single(pair, r => r.Status == 200);
            var refused = Assert.Single(pair, r => r.Status == 409);
            Assert.Equal("retry_in_flight", refused.Error!.Code);
            Assert.Contains($"Retry {retried.RetryId} of job {id}", refused.Error.Error, StringComparison.Ordinal);
        }

        foreach (var retryId in bulk.Results.Where(r => r.RetryId is not null).Select(r => r.RetryId))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"api/jobs/requests/{retryId}/cancel", null)).StatusCode);
        }
    }

    [Fact]
    public async Task A_resumed_retry_keeps_the_completed_task_and_its_artifact_and_runs_from_the_failed_one()
    {
        using var client = Host.Client(Host.UserToken);
        (await client.PostAsync("api/jobs/definitions", ServedHost.Yaml("""
            job_type: api-resume
            required_params: [Code]
            tasks:
            - task_type: make
              method: SHELL
              script:
                - echo "made by $WORKFLOWS_JOB_ID" > made.txt
              artifacts:
                paths: [made.txt]
              on_completed: use
            - task_type: use
              method: SHELL
              dependencies: [make]
              script:
                - cat made.txt
                - exit {{.Code}}
            """))).Dispose();
        using var submit = await client.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "api-resume", "params": {"Code": "3"}}"""));
        var root = (await ServedHost.ReadAsync<JobDto>(submit)).Id;
        Assert.Equal(("use", JobStatus.Failed), await ServedHost.WaitEndedAsync(client, root) is var failed ? (failed.FailedTask, failed.Status) : default);

        var retry = await RetryAsync(client, $"api/jobs/requests/{root}/retry", """{"resume": true, "params": {"Code": "0"}}""");
        var done = await ServedHost.WaitEndedAsync(client, retry.Id);

        Assert.Equal(JobStatus.Completed, done.Status);
        var tasks = done.Tasks!.ToDictionary(t => t.TaskType);
        Assert.Equal((TaskRunStatus.Completed, 0), (tasks["make"].Status, tasks["make"].Attempts.Count)); // kept, not run again
        Assert.Equal([0], tasks["use"].Attempts.Select(a => a.ExitCode));
        var logs = await ServedHost.ReadAsync<List<LogLineDto>>(await client.GetAsync($"api/jobs/requests/{retry.Id}/logs?task=use"));
        Assert.Contains(logs, l => l.Line == $"made by {root}"); // the root's artifact, handed to the resumed task
        var artifacts = await ServedHost.ReadAsync<List<ArtifactDto>>(await client.GetAsync($"api/jobs/requests/{retry.Id}/artifacts"));
        Assert.Contains(artifacts, a => a.TaskType == "make" && a.Name == "made.txt");
        var events = await ServedHost.ReadAsync<List<EventDto>>(await client.GetAsync($"api/jobs/requests/{retry.Id}/events"));
        Assert.Contains(events, e => e.Type == "task_carried" && e.Data.GetProperty("task_type").GetString() == "make");
        var lineage = await ServedHost.ReadAsync<LineageDto>(await client.GetAsync($"api/jobs/requests/{root}/lineage"));
        Assert.Equal("use", lineage.Jobs[1].ResumedFrom);
    }

    [Fact]
    public async Task A_definitions_max_manual_retries_refuses_the_retry_past_it()
    {
        using var client = Host.Client(Host.UserToken);
        (await client.PostAsync("api/jobs/definitions", ServedHost.Yaml("""
            job_type: api-limited
            max_manual_retries: 1
            tasks:
            - task_type: work
              method: SHELL
              script: [exit 3]
            """))).Dispose();
        using var submit = await client.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "api-limited"}"""));
        var root = (await ServedHost.ReadAsync<JobDto>(submit)).Id;
        await ServedHost.WaitEndedAsync(client, root);
        var first = await RetryAsync(client, $"api/jobs/requests/{root}/retry");
        await ServedHost.WaitEndedAsync(client, first.Id);

        using var second = await client.PostAsync($"api/jobs/requests/{first.Id}/retry", null);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("max_retries", (await ServedHost.ReadAsync<ApiError>(second)).Code);
        Assert.False((await ServedHost.ReadAsync<JobDto>(await client.GetAsync($"api/jobs/requests/{first.Id}"))).Retriable); // failed, but its root is at the limit
        Assert.Equal([first.Id], (await ServedHost.ReadAsync<JobDto>(await client.GetAsync($"api/jobs/requests/{root}"))).RetryIds);
    }

    [Fact]
    public async Task A_retry_with_more_memory_runs_its_container_with_the_new_limit()
    {
        using var client = Host.Client(Host.UserToken);
        (await client.PostAsync("api/jobs/definitions", ServedHost.Yaml("""
            job_type: api-resources
            tasks:
            - task_type: measure
              container:
                image: alpine
                memory_limit: 32m
              script:
                - cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes
                - exit 3
            """))).Dispose();
        using var submit = await client.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "api-resources"}"""));
        var root = (await ServedHost.ReadAsync<JobDto>(submit)).Id;
        await ServedHost.WaitEndedAsync(client, root);

        var retry = await RetryAsync(client, $"api/jobs/requests/{root}/retry", """{"resources": {"measure": {"memory_limit": "64m"}}}""");
        await ServedHost.WaitEndedAsync(client, retry.Id);

        async Task<List<string>> StdoutAsync(string id) =>
            (await ServedHost.ReadAsync<List<LogLineDto>>(await client.GetAsync($"api/jobs/requests/{id}/logs?task=measure"))).Where(l => l.Source == "stdout").Select(l => l.Line).ToList();
        Assert.Contains("33554432", await StdoutAsync(root));
        Assert.Contains("67108864", await StdoutAsync(retry.Id));
        var lineage = await ServedHost.ReadAsync<LineageDto>(await client.GetAsync($"api/jobs/requests/{root}/lineage"));
        Assert.Equal(new Dictionary<string, string> { ["measure"] = "memory_limit=64m" }, lineage.Jobs[1].ResourcesChanged);

        using var refused = await client.PostAsync($"api/jobs/requests/{retry.Id}/retry", ServedHost.Json("""{"resources": {"nope": {"cpu_limit": "1"}}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("bad_resources", (await ServedHost.ReadAsync<ApiError>(refused)).Code);
    }
}
