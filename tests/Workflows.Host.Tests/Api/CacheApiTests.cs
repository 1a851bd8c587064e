using System.Net;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.Runtime;
using Xunit.Abstractions;

namespace Workflows.Host.Tests.Api;

/// <summary>
/// <c>cache</c> through a real served host: a formicary-shaped DOCKER job uploaded as YAML, run twice in real containers;
/// the second run's log says the cache was restored and its script reads what the first run left.
/// </summary>
public sealed class CacheApiTests(ApiFixture fixture, ITestOutputHelper output) : IClassFixture<ApiFixture>
{
    private const string Job = """
        job_type: api-cache
        tasks:
        - task_type: build
          container:
            image: alpine
          before_script:
            - echo '{"lock": 1}' > package-lock.json
          cache:
            key_paths:
              - package-lock.json
            paths:
              - node_modules
          script:
            - if [ -f node_modules/installed.txt ]; then echo "reused $(cat node_modules/installed.txt)"; else mkdir -p node_modules && echo "run {{.JobID}}" > node_modules/installed.txt && echo installed; fi
        """;

    [Fact]
    public async Task A_job_types_second_run_restores_the_cache_its_first_run_saved()
    {
        using var client = fixture.Host.Client(fixture.Host.UserToken);
        using (var upload = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(Job)))
        {
            Assert.True(upload.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await upload.Content.ReadAsStringAsync());
        }

        var (first, firstLines) = await RunAsync(client);
        Assert.Contains(firstLines, l => l.Source == "system" && l.Line.StartsWith("no cache for key ", StringComparison.Ordinal));
        Assert.Contains(firstLines, l => l.Source == "stdout" && l.Line == "installed");
        Assert.Contains(firstLines, l => l.Source == "system" && l.Line.StartsWith("cache saved (key ", StringComparison.Ordinal));

        var (_, secondLines) = await RunAsync(client);
        Assert.Contains(secondLines, l => l.Source == "system" && l.Line.StartsWith("cache restored (key ", StringComparison.Ordinal));
        Assert.Contains(secondLines, l => l.Source == "stdout" && l.Line == $"reused run {first}");

        // Listed: one cache for the job type, its key the SHA-256 of the lock file's content, saved by the second run.
        var cache = Assert.Single(await ServedHost.ReadAsync<List<CacheDto>>(await client.GetAsync("api/caches?job_type=api-cache")));
        var key = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("{\"lock\": 1}\n"u8));
        Assert.Equal(("api-cache", key, "build"), (cache.JobType, cache.Key, cache.TaskType));
        Assert.Contains(secondLines, l => l.Line.StartsWith($"cache saved (key {key}, {cache.Size} bytes, sha256 {cache.Sha256[..12]})", StringComparison.Ordinal));
        Assert.True(cache.ExpiresAt - cache.SavedAt == TimeSpan.FromDays(30));
        Assert.Empty(await ServedHost.ReadAsync<List<CacheDto>>(await client.GetAsync("api/caches?job_type=no-such-type")));
    }

    private async Task<(string Id, List<LogLineDto> Lines)> RunAsync(HttpClient client)
    {
        using var submit = await client.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "api-cache"}"""));
        Assert.Equal(HttpStatusCode.Created, submit.StatusCode);
        var created = await ServedHost.ReadAsync<JobDto>(submit);
        var job = await ServedHost.WaitEndedAsync(client, created.Id);
        var lines = await ServedHost.ReadAsync<List<LogLineDto>>(await client.GetAsync($"api/jobs/requests/{job.Id}/logs?task=build"));
        output.WriteLine(string.Join("\n", lines.Select(l => $"{l.Source} {l.Line}")));
        Assert.Equal(JobStatus.Completed, job.Status);
        return (job.Id, lines);
    }
}
