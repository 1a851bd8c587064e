using System.Net;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.Runtime;

namespace Workflows.Host.Tests.Api;

/// <summary>
/// formicary's <c>user_key</c> in the body of <c>POST /api/jobs/requests</c> (FORMICARY-FORMAT.md §3: "user_key (unique
/// index → dedup)"): one queued or running job per job type and key; a job that ended frees its key.
/// </summary>
public sealed class UserKeyApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    // Scheduled far ahead, so it stays queued until cancelled, whatever the host's workers do.
    private const string Later = "2999-01-01T00:00:00Z";

    private ServedHost Host => fixture.Host;

    [Fact]
    public async Task A_user_key_held_by_a_queued_job_answers_that_job_with_200_and_is_free_again_once_it_ended()
    {
        using var client = Host.Client(Host.UserToken);
        foreach (var type in new[] { "api-user-key", "api-user-key-other" })
        {
            using var upload = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml($"job_type: {type}\ntasks:\n- task_type: t\n  method: SHELL\n  script: [echo hi]\n"));
            Assert.True(upload.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await upload.Content.ReadAsStringAsync());
        }

        using var first = await client.PostAsync("api/jobs/requests", ServedHost.Json($$"""{"job_type": "api-user-key", "user_key": "nightly-2024-05-01", "scheduled_at": "{{Later}}"}"""));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var held = await ServedHost.ReadAsync<JobDto>(first);
        Assert.Equal("nightly-2024-05-01", held.UserKey);

        // The same key while that job is queued: that job, 200, nothing submitted.
        using var again = await client.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "api-user-key", "user_key": "nightly-2024-05-01", "params": {"Other": "x"}}"""));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var answered = await ServedHost.ReadAsync<JobDto>(again);
        Assert.Equal((held.Id, JobStatus.Queued), (answered.Id, answered.Status));
        Assert.Empty(answered.Params);
        var listed = await ServedHost.ReadAsync<JobListDto>(await client.GetAsync("api/jobs/requests?job_type=api-user-key"));
        Assert.Equal([held.Id], listed.Jobs.Select(j => j.Id));

        // The key is per job type: another type's job with it is a new job.
        using var other = await client.PostAsync("api/jobs/requests", ServedHost.Json($$"""{"job_type": "api-user-key-other", "user_key": "nightly-2024-05-01", "scheduled_at": "{{Later}}"}"""));
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        Assert.NotEqual(held.Id, (await ServedHost.ReadAsync<JobDto>(other)).Id);

        // Once the job ended, the key is free: a new job.
        using (var cancel = await client.PostAsync($"api/jobs/requests/{held.Id}/cancel", null))
        {
            Assert.True(cancel.IsSuccessStatusCode, await cancel.Content.ReadAsStringAsync());
        }

        Assert.Equal(JobStatus.Cancelled, (await ServedHost.WaitEndedAsync(client, held.Id)).Status);
        using var after = await client.PostAsync("api/jobs/requests", ServedHost.Json($$"""{"job_type": "api-user-key", "user_key": "nightly-2024-05-01", "scheduled_at": "{{Later}}"}"""));
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        var fresh = await ServedHost.ReadAsync<JobDto>(after);
        Assert.NotEqual(held.Id, fresh.Id);
        Assert.Equal($"/api/jobs/requests/{fresh.Id}", after.Headers.Location?.ToString());
    }

    [Fact]
    public async Task A_user_key_too_long_is_refused_with_400_naming_the_limit()
    {
        using var client = Host.Client(Host.UserToken);
        using var response = await client.PostAsync("api/jobs/requests", ServedHost.Json($$"""{"job_type": "api-user-key", "user_key": "{{new string('k', 201)}}"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ServedHost.ReadAsync<ApiError>(response);
        Assert.Equal(("bad_user_key", "user_key has 201 characters; at most 200 are accepted (a key names one request, e.g. 'nightly-2024-05-01')."), (error.Code, error.Error));
    }
}
