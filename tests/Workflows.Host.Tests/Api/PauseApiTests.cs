using System.Net;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.Runtime;

namespace Workflows.Host.Tests.Api;

/// <summary>PAUSE_JOB through a real host (formicary's pause-job example), and operators' pause and resume over HTTP.</summary>
public sealed class PauseApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    /// <summary>formicary's docs/examples/pause-job.yaml as written, with a short pause_time (formicary's default is 30–39 s).</summary>
    private const string PauseJob = """
        job_type: pause-job
        delay_between_retries: 6s
        pause_time: 1s
        tasks:
        - task_type: first
          method: HTTP_GET
          timeout: 15s
          delay_between_retries: 5s
          url: https://jsonplaceholder.typicode.com/todos/1
          on_exit_code:
            10: RESTART_JOB
            200: second
          on_completed: second
        - task_type: second
          container:
            image: alpine
          script:
            - date
            {{ if lt .JobRetry 4 }}
            - echo bad job retry {{ .JobRetry }}
            - exit 1
            {{ else }}
            - echo good job retry {{ .JobRetry }}
            - exit 0
            {{ end }}
          on_exit_code:
            1: PAUSE_JOB
          on_completed: third
        - task_type: third
          container:
            image: alpine
          script:
            - date
        """;

    private const string TwoSteps = """
        job_type: api-pausable
        tasks:
        - task_type: slow
          method: SHELL
          script:
            - sleep 3
            - echo slow done
          on_completed: next
        - task_type: next
          method: SHELL
          script:
            - echo next ran
        """;

    private ServedHost Host => fixture.Host;

    [Fact]
    public async Task Formicarys_pause_job_example_pauses_four_times_and_completes_with_JobRetry_4()
    {
        using var client = Host.Client(Host.UserToken);
        using (var upload = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(PauseJob)))
        {
            Assert.True(upload.StatusCode is HttpStatusCode.Created, await upload.Content.ReadAsStringAsync());
        }

        var submitted = await ServedHost.ReadAsync<JobDto>(await client.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "pause-job"}""")));
        var job = await ServedHost.WaitEndedAsync(client, submitted.Id);

        Assert.Equal((JobStatus.Completed, 4, 0), (job.Status, job.Pauses, job.JobAttempt));
        var events = await ServedHost.ReadAsync<List<EventDto>>(await client.GetAsync($"api/jobs/requests/{job.Id}/events"));
        Assert.Equal(4, events.Count(e => e.Type == "job_paused"));
        Assert.Equal(5, events.Count(e => e.Type == "task_started" && e.Data.GetProperty("task_type").GetString() == "second"));
        Assert.Equal("job_completed", events[^1].Type);
        var logs = await ServedHost.ReadAsync<List<LogLineDto>>(await client.GetAsync($"api/jobs/requests/{job.Id}/logs?task=second"));
        Assert.Equal(
            ["bad job retry 0", "bad job retry 1", "bad job retry 2", "bad job retry 3", "good job retry 4"],
            logs.Where(l => l.Source == "stdout" && l.Line.Contains("job retry", StringComparison.Ordinal) && !l.Line.StartsWith('$')).Select(l => l.Line));
        Assert.Equal(TaskRunStatus.Completed, job.Tasks!.Single(t => t.TaskType == "third").Status);
    }

    [Fact]
    public async Task An_operator_pause_lets_the_running_task_finish_and_the_job_waits_until_resumed()
    {
        using var alice = Host.Client(Host.UserToken);
        using var admin = Host.Client(Host.AdminToken);
        using var bob = Host.Client(await Host.TokenAsync("bob-pause"));
        await UploadAsync(alice, TwoSteps);
        var id = (await ServedHost.ReadAsync<JobDto>(await alice.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "api-pausable"}""")))).Id;
        await ServedHost.WaitAsync(alice, id, j => j.Tasks!.Any(t => t.TaskType == "slow" && t.Status == TaskRunStatus.Started));

        using (var refused = await bob.PostAsync($"api/jobs/requests/{id}/pause", null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode); // another token's job
        }

        using (var pause = await alice.PostAsync($"api/jobs/requests/{id}/pause", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, pause.StatusCode); // the running task finishes first
            var asked = await ServedHost.ReadAsync<JobDto>(pause);
            Assert.Equal((JobStatus.Running, "alice"), (asked.Status, asked.PauseRequestedBy));
        }

        await ExpectErrorAsync(await alice.PostAsync($"api/jobs/requests/{id}/pause", null), HttpStatusCode.Conflict, "already_paused");
        var paused = await ServedHost.WaitAsync(alice, id, j => j.Status == JobStatus.Paused);
        Assert.Equal(("alice", null, 1), (paused.PausedBy, paused.PauseRequestedBy, paused.Pauses));
        Assert.Equal(TaskRunStatus.Completed, paused.Tasks!.Single(t => t.TaskType == "slow").Status);

        // It does not resume by itself: a second later (twenty claim polls) the next task still waits.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var still = await ServedHost.ReadAsync<JobDto>(await alice.GetAsync($"api/jobs/requests/{id}"));
        Assert.Equal((JobStatus.Paused, TaskRunStatus.Scheduled), (still.Status, still.Tasks!.Single(t => t.TaskType == "next").Status));

        using (var resume = await admin.PostAsync($"api/jobs/requests/{id}/resume", null))
        {
            Assert.Equal(HttpStatusCode.OK, resume.StatusCode); // an admin may resume another's job
            Assert.Null((await ServedHost.ReadAsync<JobDto>(resume)).PausedBy);
        }

        var done = await ServedHost.WaitEndedAsync(alice, id);
        Assert.Equal((JobStatus.Completed, 1, 0), (done.Status, done.Pauses, done.JobAttempt));
        var types = (await ServedHost.ReadAsync<List<EventDto>>(await alice.GetAsync($"api/jobs/requests/{id}/events"))).Select(e => e.Type).ToList();
        Assert.True(types.IndexOf("job_pause_requested") < types.IndexOf("task_exited"), string.Join(", ", types));
        Assert.True(types.IndexOf("job_paused_by_operator") < types.IndexOf("job_resumed"), string.Join(", ", types));
        Assert.True(types.IndexOf("job_resumed") < types.LastIndexOf("task_started"), string.Join(", ", types));

        await ExpectErrorAsync(await alice.PostAsync($"api/jobs/requests/{id}/resume", null), HttpStatusCode.Conflict, "job_not_paused");
        await ExpectErrorAsync(await alice.PostAsync($"api/jobs/requests/{id}/pause", null), HttpStatusCode.Conflict, "job_not_running");
    }

    [Fact]
    public async Task Pausing_a_queued_or_unknown_job_is_refused_with_the_reason_and_the_fix()
    {
        using var alice = Host.Client(Host.UserToken);
        await UploadAsync(alice, TwoSteps.Replace("api-pausable", "api-pausable-later", StringComparison.Ordinal));
        var id = (await ServedHost.ReadAsync<JobDto>(await alice.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "api-pausable-later", "scheduled_at": "2099-01-01T00:00:00Z"}""")))).Id;

        var queued = await ExpectErrorAsync(await alice.PostAsync($"api/jobs/requests/{id}/pause", null), HttpStatusCode.Conflict, "job_not_running");
        Assert.Contains("is queued; only a started job can be paused", queued.Error, StringComparison.Ordinal);
        var notPaused = await ExpectErrorAsync(await alice.PostAsync($"api/jobs/requests/{id}/resume", null), HttpStatusCode.Conflict, "job_not_paused");
        Assert.Contains($"Job {id} is queued, not paused", notPaused.Error, StringComparison.Ordinal);
        await ExpectErrorAsync(await alice.PostAsync("api/jobs/requests/no-such-job/pause", null), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(JobStatus.Queued, (await ServedHost.ReadAsync<JobDto>(await alice.GetAsync($"api/jobs/requests/{id}"))).Status); // nothing changed
    }

    private static async Task UploadAsync(HttpClient client, string yaml)
    {
        using var upload = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(yaml));
        Assert.True(upload.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await upload.Content.ReadAsStringAsync());
    }

    private static async Task<ApiError> ExpectErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            var error = await ServedHost.ReadAsync<ApiError>(response);
            Assert.Equal(code, error.Code);
            return error;
        }
    }
}
