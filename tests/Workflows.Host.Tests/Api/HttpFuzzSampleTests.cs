using Workflows.Fuzzing;
using Workflows.Host.Tests.Support;
using Workflows.Marten.Tokens;

namespace Workflows.Host.Tests.Api;

/// <summary>
/// A seeded sample of the HTTP fuzz target (docs/fuzzing-and-load.md) against a real served host without workers: the
/// same requests every run. The long run is the benchmark command <c>fuzz --target http</c>.
/// </summary>
public sealed class HttpFuzzSampleTests
{
    [Fact]
    public async Task Fuzzed_requests_get_no_5xx_and_every_4xx_has_the_error_shape()
    {
        await using var host = await ServedHost.StartAsync("fuzz", "--Workflows:WorkerCount=0");
        var reader = await host.TokenAsync("fuzz-reader", TokenScopes.Read);
        using var client = host.Client(null);

        // Found by the first run (405 and 404 had no body): kept as they were generated.
        foreach (var (request, status, code) in new[]
        {
            (new FuzzRequest("OPTIONS", "api/jobs/definitions/a%20b?env=-9223372036854775809&=abc", "application/json", "{}", 2), 405, "method_not_allowed"),
            (new FuzzRequest("POST", "api/jobs/requests/1/events?x=0&type=true&type=1", "application/json; charset=utf-16", "{}", 2), 405, "method_not_allowed"),
            (new FuzzRequest("GET", "api/jobs/requests/1/nothing-here", null, null, 0), 404, "not_found"),
            // The 100,000-case run: a NUL in a query value reached PostgreSQL (500).
            (new FuzzRequest("GET", "api/jobs?q=true&before=1&job_type=%00&=1e9", null, null, 1), 400, "bad_query"),
            (new FuzzRequest("GET", "jobs/requests?=[]&page=null&=2147483648&job_type=%00", null, null, 1), 400, "bad_query"),
        })
        {
            await HttpFuzz.CheckAsync(client, (host.AdminToken, reader), request);
            using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path);
            message.Headers.TryAddWithoutValidation("Authorization", "Bearer " + (request.Caller == 0 ? host.AdminToken : reader));
            using var response = await client.SendAsync(message);
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal(code, (await ServedHost.ReadAsync<Workflows.Api.Contracts.ApiError>(response)).Code);
        }

        var report = await FuzzRun.RunAsync(
            "http", HttpFuzz.Inputs, request => HttpFuzz.CheckAsync(client, (host.AdminToken, reader), request), r => r.ToString(), 600, 20261207);

        Assert.True(report.CrashCount == 0, report.ToString());
    }
}
