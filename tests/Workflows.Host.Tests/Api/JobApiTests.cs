using System.Net;
using System.Text.Json;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Host.Tests.Api;

/// <summary>The API end to end over real HTTP: upload definitions, submit with params, follow jobs to their end, read events, logs and artifacts.</summary>
public sealed class JobApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string ShellJob = """
        job_type: api-shell
        required_params: [Greeting]
        tasks:
        - task_type: make
          method: SHELL
          script:
            - echo "{{.Greeting}} world" > out.txt
            - cat out.txt
            - echo "::set-output name=Word::{{.Greeting}}"
          artifacts:
            paths: [out.txt]
          on_completed: check
        - task_type: check
          method: SHELL
          script:
            - echo "the word is {{.Word}}"
            - exit 3
          on_exit_code:
            3: ERR_THREE
        """;

    private ServedHost Host => fixture.Host;

    [Fact]
    public async Task An_artifact_in_a_folder_downloads_from_the_url_the_list_gives()
    {
        using var client = Host.Client(Host.UserToken);
        const string Nested = """
            job_type: api-nested-artifact
            tasks:
            - task_type: make
              method: SHELL
              script:
                - mkdir -p out/deep
                - echo nested > out/deep/file.txt
              artifacts:
                paths: [out/deep/file.txt]
            """;
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(Nested))).StatusCode);
        var job = await ServedHost.ReadAsync<JobDto>(await client.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "api-nested-artifact"}""")));
        Assert.Equal(JobStatus.Completed, (await ServedHost.WaitEndedAsync(client, job.Id)).Status);

        var artifact = Assert.Single(await ServedHost.ReadAsync<List<ArtifactDto>>(await client.GetAsync($"api/jobs/requests/{job.Id}/artifacts")));
        Assert.Contains('/', artifact.Name);
        using var download = await client.GetAsync(artifact.Url.TrimStart('/'));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode); // was a 404: the name's '/' was sent escaped as %2F
        Assert.Equal("nested\n", await download.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_shell_job_runs_to_its_end_with_counters_attempts_events_logs_and_artifacts()
    {
        using var client = Host.Client(Host.UserToken);
        using (var upload = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(ShellJob)))
        {
            Assert.True(upload.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await upload.Content.ReadAsStringAsync());
        }

        using var submit = await client.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "api-shell", "params": {"Greeting": "hello"}, "description": "from a test"}"""));
        Assert.Equal(HttpStatusCode.Created, submit.StatusCode);
        var created = await ServedHost.ReadAsync<JobDto>(submit);
        Assert.Equal($"/api/jobs/requests/{created.Id}", submit.Headers.Location?.ToString());
        Assert.Equal("alice", created.SubmittedBy);
        Assert.Equal("hello", created.Params["Greeting"]);

        var job = await ServedHost.WaitEndedAsync(client, created.Id);
        var raw = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync($"api/jobs/requests/{created.Id}")).RootElement;
        Assert.Equal((1, 1, 0), (raw.GetProperty("num_success").GetInt32(), raw.GetProperty("num_error").GetInt32(), raw.GetProperty("num_ignore").GetInt32()));

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal("ERR_THREE", job.ErrorCode);
        Assert.Equal("check", job.FailedTask);
        Assert.Equal((1, 1, 0), (job.Succeeded, job.Failed, job.Ignored));
        Assert.True(job.Retriable);
        Assert.NotNull(job.QueueTime);
        var tasks = job.Tasks!.ToDictionary(t => t.TaskType);
        Assert.Equal(TaskRunStatus.Completed, tasks["make"].Status);
        Assert.Equal([0], tasks["make"].Attempts.Select(a => a.ExitCode));
        // Its script's output, and formicary's job context entry for the artifact it saved: the path the API serves it at.
        Assert.Equal(new Dictionary<string, string> { ["Word"] = "hello", ["make_ArtifactURL_1"] = $"/api/jobs/requests/{created.Id}/artifacts/make/1/out.txt" }, tasks["make"].Outputs);
        Assert.Equal("hello world\n", await client.GetStringAsync(tasks["make"].Outputs!["make_ArtifactURL_1"].TrimStart('/')));
        Assert.Null(tasks["check"].Outputs);
        var check = Assert.Single(tasks["check"].Attempts);
        Assert.Equal((3, "ERR_THREE", "ERR_THREE"), (check.ExitCode, check.Action, check.ErrorCode));

        using var events = await client.GetAsync($"api/jobs/requests/{job.Id}/events");
        var stream = await ServedHost.ReadAsync<List<EventDto>>(events);
        Assert.Equal(Enumerable.Range(1, stream.Count), stream.Select(e => e.Sequence));
        Assert.Equal("job_requested", stream[0].Type);
        Assert.Equal("job_failed", stream[^1].Type);
        Assert.Equal("hello", stream[0].Data.GetProperty("params").GetProperty("Greeting").GetString());
        Assert.Contains(stream, e => e.Type == "task_exited" && e.Data.GetProperty("exit_code").GetInt32() == 3);

        using var logs = await client.GetAsync($"api/jobs/requests/{job.Id}/logs?task=make");
        var lines = await ServedHost.ReadAsync<List<LogLineDto>>(logs);
        Assert.Contains(lines, l => l.Line == "hello world" && l.Source == "stdout" && l.TaskType == "make");
        Assert.All(lines, l => Assert.Equal("make", l.TaskType));
        var checkLines = await ServedHost.ReadAsync<List<LogLineDto>>(await client.GetAsync($"api/jobs/requests/{job.Id}/logs?task=check"));
        Assert.Contains(checkLines, l => l.Line == "the word is hello"); // make's output, seen by the next task

        using var list = await client.GetAsync($"api/jobs/requests/{job.Id}/artifacts");
        var artifact = Assert.Single(await ServedHost.ReadAsync<List<ArtifactDto>>(list));
        Assert.Equal(("make", 1, "out.txt"), (artifact.TaskType, artifact.Attempt, artifact.Name));
        Assert.Equal("hello world\n", await client.GetStringAsync(artifact.Url.TrimStart('/')));
    }

    [Fact]
    public async Task The_seed_yamls_upload_as_in_the_seeds_and_their_jobs_run_to_an_end_state()
    {
        using var client = Host.Client(Host.AdminToken);
        var ids = new List<string>();
        foreach (var seed in new[] { "retry-job", "sensor-job" })
        {
            // As the seeds do it: curl -H "Content-Type: application/yaml" --data-binary @retry-job.yaml $SERVER/api/jobs/definitions
            var yaml = await File.ReadAllTextAsync(Path.Combine(TestInfrastructure.RepoRoot, "samples", "legacy-yaml", seed + ".yaml"));
            using var upload = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(yaml));
            Assert.True(upload.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await upload.Content.ReadAsStringAsync());
            var definition = await ServedHost.ReadAsync<DefinitionDto>(upload);
            Assert.Equal(seed, definition.JobType);

            // ... and: --data '{"job_type": "retry-job", "params": { "Key": "Value" } }' $SERVER/jobs/requests
            using var submit = await client.PostAsync("jobs/requests", ServedHost.Json($$"""{"job_type": "{{seed}}", "params": { "Key": "Value" } }"""));
            Assert.Equal(HttpStatusCode.Created, submit.StatusCode);
            var job = await ServedHost.ReadAsync<JobDto>(submit);
            Assert.Equal(definition.Latest!.Version, job.DefinitionVersion);
            ids.Add(job.Id);
        }

        foreach (var id in ids)
        {
            var job = await ServedHost.WaitEndedAsync(client, id);
            using var events = await client.GetAsync($"jobs/requests/{id}/events");
            var stream = await ServedHost.ReadAsync<List<EventDto>>(events);
            Assert.Equal("job_" + JsonNamingPolicy.SnakeCaseLower.ConvertName(job.Status.ToString()), stream[^1].Type);
            Assert.NotEmpty(job.Tasks!.SelectMany(t => t.Attempts));
        }
    }

    [Fact]
    public async Task A_queued_job_can_be_updated_then_cancelled_then_deleted_which_archives_it()
    {
        using var admin = Host.Client(Host.AdminToken);
        using var alice = Host.Client(Host.UserToken);
        (await admin.PostAsync("api/jobs/definitions", ServedHost.Yaml(ShellJob.Replace("api-shell", "api-later", StringComparison.Ordinal)))).Dispose();
        var later = DateTimeOffset.UtcNow.AddHours(1);
        using var submit = await admin.PostAsync("api/jobs/requests", ServedHost.Json($$"""{"job_type": "api-later", "params": {"Greeting": "x"}, "scheduled_at": "{{later:O}}", "lock_key": "deploy-prod"}"""));
        var submitted = await ServedHost.ReadAsync<JobDto>(submit);
        Assert.Equal("deploy-prod", submitted.LockKey);
        var id = submitted.Id;

        using (var update = await admin.PutAsync($"api/jobs/requests/{id}", ServedHost.Json("""{"priority": 5, "description": "later"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, update.StatusCode);
            var job = await ServedHost.ReadAsync<JobDto>(update);
            Assert.Equal((JobStatus.Queued, 5, "later"), (job.Status, job.Priority, job.Description));
            Assert.Equal(later, job.ScheduledAt!.Value, TimeSpan.FromMilliseconds(1));
        }

        using (var forbidden = await alice.PutAsync($"api/jobs/requests/{id}", ServedHost.Json("""{"priority": 1}""")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            Assert.Contains("submitted by token 'admin'", (await ServedHost.ReadJsonAsync(forbidden)).GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        using (var running = await admin.DeleteAsync($"api/jobs/requests/{id}"))
        {
            Assert.Equal(HttpStatusCode.Conflict, running.StatusCode);
        }

        using (var cancel = await admin.PostAsync($"api/jobs/requests/{id}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
            Assert.Equal(JobStatus.Cancelled, (await ServedHost.ReadAsync<JobDto>(cancel)).Status);
        }

        using (var finished = await admin.PutAsync($"api/jobs/requests/{id}", ServedHost.Json("""{"priority": 1}""")))
        {
            Assert.Equal(HttpStatusCode.Conflict, finished.StatusCode);
            Assert.Equal("job_not_queued", (await ServedHost.ReadJsonAsync(finished)).GetProperty("code").GetString());
        }

        using (var delete = await admin.DeleteAsync($"api/jobs/requests/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using (var gone = await admin.GetAsync($"api/jobs/requests/{id}"))
        {
            Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        }

        var all = await ServedHost.ReadAsync<JobListDto>(await admin.GetAsync("api/jobs/requests?job_type=api-later"));
        Assert.DoesNotContain(all.Jobs, j => j.Id == id);
    }

    [Fact]
    public async Task Lists_filter_by_state_and_type_and_page()
    {
        using var client = Host.Client(Host.AdminToken);
        (await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(ShellJob.Replace("api-shell", "api-page", StringComparison.Ordinal)))).Dispose();
        var later = DateTimeOffset.UtcNow.AddHours(1);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var submit = await client.PostAsync("api/jobs/requests", ServedHost.Json($$"""{"job_type": "api-page", "params": {"Greeting": "x"}, "scheduled_at": "{{later:O}}"}"""));
            ids.Add((await ServedHost.ReadAsync<JobDto>(submit)).Id);
        }

        var page = await ServedHost.ReadAsync<JobListDto>(await client.GetAsync("api/jobs/requests?job_type=api-page&status=queued&limit=2"));
        Assert.Equal(3, page.Total);
        Assert.Equal(ids.AsEnumerable().Reverse().Take(2), page.Jobs.Select(j => j.Id));
        var next = await ServedHost.ReadAsync<JobListDto>(await client.GetAsync("api/jobs/requests?job_type=api-page&status=queued&limit=2&offset=2"));
        Assert.Equal([ids[0]], next.Jobs.Select(j => j.Id));
        var none = await ServedHost.ReadAsync<JobListDto>(await client.GetAsync("api/jobs/requests?job_type=api-page&status=completed"));
        Assert.Equal(0, none.Total);
    }

    [Fact]
    public async Task Definitions_keep_a_version_history_and_can_be_disabled_by_an_admin()
    {
        using var admin = Host.Client(Host.AdminToken);
        using var alice = Host.Client(Host.UserToken);
        var v1 = ShellJob.Replace("api-shell", "api-versions", StringComparison.Ordinal);
        var v2 = v1.Replace("exit 3", "exit 0", StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Created, (await alice.PostAsync("api/jobs/definitions", ServedHost.Yaml(v1))).StatusCode);
        using (var same = await alice.PostAsync("api/jobs/definitions", ServedHost.Yaml(v1)))
        {
            Assert.Equal(HttpStatusCode.OK, same.StatusCode);
            Assert.False((await ServedHost.ReadAsync<DefinitionDto>(same)).Created);
        }

        var pinned = await ServedHost.ReadAsync<JobDto>(await alice.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "api-versions", "params": {"Greeting": "x"}}""")));
        Assert.Equal(1, pinned.DefinitionVersion);
        using (var second = await alice.PostAsync("api/jobs/definitions", ServedHost.Yaml(v2, "application/x-yaml")))
        {
            Assert.Equal(HttpStatusCode.Created, second.StatusCode);
            var definition = await ServedHost.ReadAsync<DefinitionDto>(second);
            Assert.Equal([1, 2], definition.Versions.Select(v => v.Version));
        }

        var first = await ServedHost.ReadAsync<DefinitionVersionDto>(await alice.GetAsync("api/jobs/definitions/api-versions/versions/1"));
        Assert.Equal(v1, first.Source);
        Assert.Equal(JobStatus.Failed, (await ServedHost.WaitEndedAsync(alice, pinned.Id)).Status); // v1's `exit 3`, though v2 is the latest now

        using (var plain = Host.Client(await Host.TokenAsync("plain-versions")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await plain.PostAsync("api/jobs/definitions/api-versions/disable", null)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("api/jobs/definitions/api-versions/disable", null)).StatusCode);
        using (var refused = await alice.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "api-versions", "params": {"Greeting": "x"}}""")))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("is disabled", (await ServedHost.ReadJsonAsync(refused)).GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("api/jobs/definitions/api-versions/enable", null)).StatusCode);
        var latest = await ServedHost.ReadAsync<JobDto>(await alice.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "api-versions", "params": {"Greeting": "x"}}""")));
        Assert.Equal(2, latest.DefinitionVersion);
        Assert.Equal(JobStatus.Completed, (await ServedHost.WaitEndedAsync(alice, latest.Id)).Status);
    }

    [Fact]
    public async Task The_openapi_document_and_the_health_endpoint_are_served_without_a_token()
    {
        using var anonymous = Host.Client(null);
        var openapi = await anonymous.GetStringAsync("openapi/v1.json");
        Assert.Contains("\"/api/jobs/requests\"", openapi, StringComparison.Ordinal);
        Assert.Contains("\"/api/jobs/definitions\"", openapi, StringComparison.Ordinal);
        Assert.Equal("Healthy", await anonymous.GetStringAsync("health"));
    }
}
