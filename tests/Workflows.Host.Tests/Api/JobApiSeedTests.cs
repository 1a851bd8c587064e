using System.Net;
using System.Text.Json;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.Runtime;

namespace Workflows.Host.Tests.Api;

/// <summary>
/// The Job API seed's table, word for word, relative to the API's base: <c>/jobs</c> GET 200 and POST 201,
/// <c>/jobs/{_id}</c> PUT 200, GET 200, DELETE 204, <c>/jobs/{_id}/retry</c> POST 200,
/// <c>/jobs/{_id}/retries/{_retryId}/retry</c> POST 200, <c>/jobs/{_id}/retries/retry</c> PUT 200, answering jobs in its schema.
/// </summary>
public sealed class JobApiSeedTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string Job = """
        job_type: job-api-seed
        required_params: [Code, Sleep]
        tasks:
        - task_type: work
          method: SHELL
          script:
            - sleep {{.Sleep}}
            - exit {{.Code}}
        """;

    private ServedHost Host => fixture.Host;

    private static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(expected == response.StatusCode, $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri}: {(int)response.StatusCode} {text}");
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    private static async Task DefineAsync(HttpClient client, string jobType = "job-api-seed")
    {
        using var defined = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(Job.Replace("job-api-seed", jobType, StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Created, defined.StatusCode);
    }

    private static async Task<string> CreateAsync(HttpClient client, string code, string sleep)
    {
        var created = await client.PostAsync("api/jobs", ServedHost.Json($$"""{"job_type": "job-api-seed", "params": {"Code": "{{code}}", "Sleep": "{{sleep}}"} }"""));
        var location = created.Headers.Location;
        var job = await ExpectAsync(created, HttpStatusCode.Created);
        var id = job.GetProperty("_id").GetString()!;
        Assert.Equal($"/api/jobs/{id}", location?.OriginalString);
        Assert.Equal(("flow", "job-api-seed", "queued"), (job.GetProperty("type").GetString(), job.GetProperty("_flowId").GetString(), job.GetProperty("status").GetString()));
        return id;
    }

    [Fact]
    public async Task The_seed_table_s_routes_answer_with_its_codes_and_schema()
    {
        using var client = Host.Client(Host.UserToken);
        await DefineAsync(client);
        var root = await CreateAsync(client, "1", "0");
        Assert.Equal(JobStatus.Failed, (await ServedHost.WaitEndedAsync(client, root)).Status);

        var failed = await ExpectAsync(await client.GetAsync($"api/jobs/{root}"), HttpStatusCode.OK);
        Assert.Equal(("failed", 1, 0, 0, true), (failed.GetProperty("status").GetString(), failed.GetProperty("numError").GetInt32(), failed.GetProperty("numSuccess").GetInt32(), failed.GetProperty("numIgnore").GetInt32(), failed.GetProperty("retriable").GetBoolean()));
        Assert.True(failed.TryGetProperty("createdAt", out _) && failed.TryGetProperty("startedAt", out _) && failed.TryGetProperty("endedAt", out _) && failed.TryGetProperty("queueTime", out _), failed.ToString());

        var r1 = await ExpectAsync(await client.PostAsync($"api/jobs/{root}/retry", null), HttpStatusCode.OK);
        Assert.Equal(("retry", root, root), (r1.GetProperty("type").GetString(), r1.GetProperty("_retryOfJobId").GetString(), r1.GetProperty("_retryRootJobId").GetString()));
        var r1Id = r1.GetProperty("_id").GetString()!;
        Assert.Equal(JobStatus.Failed, (await ServedHost.WaitEndedAsync(client, r1Id)).Status);

        var r2 = await ExpectAsync(await client.PostAsync($"api/jobs/{root}/retries/{r1Id}/retry", ServedHost.Json("""{"params": {"Code": "0"}}""")), HttpStatusCode.OK);
        Assert.Equal(("retry", r1Id), (r2.GetProperty("type").GetString(), r2.GetProperty("_retryOfJobId").GetString()));
        var r2Id = r2.GetProperty("_id").GetString()!;
        Assert.Equal(JobStatus.Completed, (await ServedHost.WaitEndedAsync(client, r2Id)).Status);

        // Every failed retry was retried by the one after it: nothing new is queued.
        var all = await ExpectAsync(await client.PutAsync($"api/jobs/{root}/retries/retry", null), HttpStatusCode.OK);
        Assert.Equal(0, all.GetProperty("retried").GetInt32());

        var rootNow = await ExpectAsync(await client.GetAsync($"api/jobs/{root}"), HttpStatusCode.OK);
        Assert.Equal([r1Id, r2Id], rootNow.GetProperty("retryIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, rootNow.GetProperty("retryCount").GetInt32());

        using var list = await client.GetAsync("api/jobs?job_type=job-api-seed&limit=2");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal("3", Assert.Single(list.Headers.GetValues("X-Total-Count")));
        Assert.Equal("2", Assert.Single(list.Headers.GetValues("X-Next-Offset")));
        var page = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal([r2Id, r1Id], page.EnumerateArray().Select(j => j.GetProperty("_id").GetString()));

        var edited = await client.PutAsync($"api/jobs/{r2Id}", ServedHost.Json("""{"priority": 5}"""));
        Assert.Equal("job_not_queued", (await ExpectAsync(edited, HttpStatusCode.Conflict)).GetProperty("code").GetString());
        await ExpectAsync(await client.DeleteAsync($"api/jobs/{r2Id}"), HttpStatusCode.NoContent);
        await ExpectAsync(await client.GetAsync($"api/jobs/{r2Id}"), HttpStatusCode.Gone);
    }

    [Fact]
    public async Task A_queued_job_is_updated_and_a_cancelled_one_is_spelled_as_the_seed_s_schema_spells_it()
    {
        using var client = Host.Client(Host.UserToken);
        await DefineAsync(client, "job-api-seed-cancel");
        var created = await client.PostAsync("api/jobs", ServedHost.Json("""{"job_type": "job-api-seed-cancel", "params": {"Code": "0", "Sleep": "0"}, "scheduled_at": "2099-01-01T00:00:00Z"}"""));
        var id = (await ExpectAsync(created, HttpStatusCode.Created)).GetProperty("_id").GetString()!;

        var updated = await ExpectAsync(await client.PutAsync($"api/jobs/{id}", ServedHost.Json("""{"priority": 7, "scheduled_at": "2098-01-01T00:00:00Z"}""")), HttpStatusCode.OK);
        Assert.Equal(("queued", id), (updated.GetProperty("status").GetString(), updated.GetProperty("_id").GetString()));

        await ExpectAsync(await client.PostAsync($"api/jobs/{id}/cancel", null), HttpStatusCode.Accepted);
        await ServedHost.WaitEndedAsync(client, id);
        var cancelled = await ExpectAsync(await client.GetAsync($"api/jobs/{id}"), HttpStatusCode.OK);
        Assert.Equal("canceled", cancelled.GetProperty("status").GetString());

        // The cancellation records who asked for it.
        var events = await ExpectAsync(await client.GetAsync($"api/jobs/requests/{id}/events"), HttpStatusCode.OK);
        var ended = events.EnumerateArray().Last();
        Assert.Equal(("job_cancelled", "alice"), (ended.GetProperty("type").GetString(), ended.GetProperty("data").GetProperty("requested_by").GetString()));
    }
}
