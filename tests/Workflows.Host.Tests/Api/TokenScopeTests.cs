using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.Marten.Tokens;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Host.Tests.Api;

/// <summary>
/// An attacker's and a clumsy user's requests against a served host (docs/security.md): token scopes, job ownership by
/// token id, unique token names, bounded bodies and pages, 503 while the database is away.
/// </summary>
public sealed class TokenScopeTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string SecretJob = """
        job_type: scope-secret-holder
        tasks:
        - task_type: only
          method: HTTP_GET
          url: http://127.0.0.1:1/never
        """;

    private ServedHost Host => fixture.Host;

    [Fact]
    public async Task A_token_without_define_cannot_replace_a_job_type_or_create_one_and_define_TYPE_reaches_only_its_type()
    {
        using var admin = Host.Client(Host.AdminToken);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("api/jobs/definitions", ServedHost.Yaml(SecretJob))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsync("api/jobs/definitions/scope-secret-holder/configs/KEY", ServedHost.Json("""{"value": "s3cr3t", "secret": true}"""))).StatusCode);

        // Finding: a plain token re-uploaded the admin's type to print its secret config, or made a type of its own.
        using var plain = Host.Client(await Host.TokenAsync("scope-plain"));
        var exfiltrate = SecretJob.Replace("url: http://127.0.0.1:1/never", "url: http://127.0.0.1:1/{{ .KEY }}", StringComparison.Ordinal);
        using (var replaced = await plain.PostAsync("api/jobs/definitions", ServedHost.Yaml(exfiltrate)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, replaced.StatusCode);
            Assert.Contains("needs the 'define' scope", (await ServedHost.ReadAsync<ApiError>(replaced)).Error, StringComparison.Ordinal);
        }

        using (var own = await plain.PostAsync("api/jobs/definitions", ServedHost.Yaml(exfiltrate.Replace("scope-secret-holder", "scope-plain-own", StringComparison.Ordinal))))
        {
            Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        }

        using var narrow = Host.Client(await Host.TokenAsync("scope-narrow", TokenScopes.Read, "define:scope-narrow-own"));
        using (var other = await narrow.PostAsync("api/jobs/definitions", ServedHost.Yaml(exfiltrate)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
            Assert.Contains("may not upload definitions of job type 'scope-secret-holder'", (await ServedHost.ReadAsync<ApiError>(other)).Error, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Created, (await narrow.PostAsync("api/jobs/definitions", ServedHost.Yaml(SecretJob.Replace("scope-secret-holder", "scope-narrow-own", StringComparison.Ordinal)))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await narrow.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "scope-narrow-own"}"""))).StatusCode); // no submit scope

        var versions = await ServedHost.ReadAsync<DefinitionDto>(await admin.GetAsync("api/jobs/definitions/scope-secret-holder"));
        Assert.Equal([1], versions.Versions.Select(v => v.Version));
    }

    [Fact]
    public async Task Every_endpoint_of_the_api_declares_the_scope_it_needs_and_a_read_token_only_reads()
    {
        using var reader = Host.Client(await Host.TokenAsync("scope-reader", TokenScopes.Read));
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("api/jobs/requests")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("api/jobs/definitions")).StatusCode);
        using var submit = await reader.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "scope-secret-holder"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, submit.StatusCode);
        Assert.Contains("needs the 'submit' scope", (await ServedHost.ReadAsync<ApiError>(submit)).Error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("api/jobs/requests/x/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync("api/tokens")).StatusCode);

        var endpoints = Host.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } p && (p.StartsWith("/api/", StringComparison.Ordinal) || p.StartsWith("/jobs/", StringComparison.Ordinal)))
            .Where(e => !e.Metadata.Any(m => m.GetType().Name == "DashboardEndpoint")) // the dashboard's pages (cookie sign-in) share the /jobs/ prefix at /
            .ToList();
        Assert.NotEmpty(endpoints);
        var undeclared = endpoints.Where(e => !e.Metadata.Any(m => m.GetType().Name is "ScopeRequirement" or "OwnAuthentication")).Select(e => e.DisplayName).ToList();
        Assert.Empty(undeclared);

        // The one kind of endpoint without a token: webhook triggers, which carry their own auth (as formicary's do).
        Assert.Equal(
            ["/api/triggers/{jobType}/{name}"],
            endpoints.Where(e => e.Metadata.Any(m => m.GetType().Name == "OwnAuthentication")).Select(e => e.RoutePattern.RawText));
    }

    [Fact]
    public async Task Concurrent_creates_of_one_name_make_one_live_token_and_jobs_belong_to_the_token_id_not_its_name()
    {
        using var admin = Host.Client(Host.AdminToken);
        var creates = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            using var client = Host.Client(Host.AdminToken);
            using var response = await client.PostAsync("api/tokens", ServedHost.Json("""{"name": "scope-race"}"""));
            return response.StatusCode;
        }));
        Assert.Equal(1, creates.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(9, creates.Count(s => s == HttpStatusCode.Conflict));
        var listed = await ServedHost.ReadAsync<List<TokenDto>>(await admin.GetAsync("api/tokens"));
        Assert.Single(listed, t => t.Name == "scope-race" && t.RevokedAt is null);

        // A job of 'carol'; carol is revoked and a new token takes the name: it does not own the old job.
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("api/jobs/definitions", ServedHost.Yaml(SecretJob.Replace("scope-secret-holder", "scope-owned", StringComparison.Ordinal)))).StatusCode);
        const string Later = """{"job_type": "scope-owned", "scheduled_at": "2099-01-01T00:00:00Z"}""";
        var firstCarol = Host.Client(await Host.TokenAsync("scope-carol"));
        var job = await ServedHost.ReadAsync<JobDto>(await firstCarol.PostAsync("api/jobs/requests", ServedHost.Json(Later)));
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync("api/tokens/scope-carol")).StatusCode);
        using var secondCarol = Host.Client(await Host.TokenAsync("scope-carol"));
        using (var cancel = await secondCarol.PostAsync($"api/jobs/requests/{job.Id}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.Forbidden, cancel.StatusCode);
            Assert.Contains("submitted by token 'scope-carol' (id ", (await ServedHost.ReadAsync<ApiError>(cancel)).Error, StringComparison.Ordinal);
        }

        var own = await ServedHost.ReadAsync<JobDto>(await secondCarol.PostAsync("api/jobs/requests", ServedHost.Json(Later)));
        Assert.Equal(HttpStatusCode.Accepted, (await secondCarol.PostAsync($"api/jobs/requests/{own.Id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"api/jobs/requests/{job.Id}/cancel", null)).StatusCode);
        firstCarol.Dispose();
    }

    [Fact]
    public async Task Sixty_four_concurrent_clients_submitting_get_no_5xx()
    {
        // A seeded sample of the probe's load run (64 clients for 20 s, no 5xx); the long run is a benchmark command.
        using var admin = Host.Client(Host.AdminToken);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("api/jobs/definitions", ServedHost.Yaml(SecretJob.Replace("scope-secret-holder", "scope-load", StringComparison.Ordinal)))).StatusCode);
        var statuses = await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ =>
        {
            using var client = Host.Client(Host.UserToken);
            var seen = new List<HttpStatusCode>();
            for (var i = 0; i < 10; i++)
            {
                using var response = await client.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "scope-load", "scheduled_at": "2099-01-01T00:00:00Z"}"""));
                seen.Add(response.StatusCode);
            }

            return seen;
        }));
        Assert.All(statuses.SelectMany(s => s), status => Assert.Equal(HttpStatusCode.Created, status));
        var page = await ServedHost.ReadAsync<JobListDto>(await admin.GetAsync("api/jobs/requests?job_type=scope-load&limit=1"));
        Assert.Equal(640, page.Total);
    }

    [Fact]
    public async Task A_content_length_over_the_servers_own_limit_is_413_even_without_a_body()
    {
        // Finding: any Content-Length over 30,000,000 (Kestrel's limit) was a 500.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Host.Address.Port);
        var stream = tcp.GetStream();
        var request = $"POST /api/jobs/requests HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {Host.AdminToken}\r\nContent-Type: application/json\r\nContent-Length: 40000000\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        var answer = Encoding.UTF8.GetString(buffer, 0, read);
        Assert.StartsWith("HTTP/1.1 413", answer, StringComparison.Ordinal);
        Assert.Contains("body_too_large", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Descriptions_lock_keys_and_params_are_bounded_and_a_page_of_large_jobs_stops_early_with_the_next_offset()
    {
        using var admin = Host.Client(Host.AdminToken);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("api/jobs/definitions", ServedHost.Yaml(SecretJob.Replace("scope-secret-holder", "scope-large", StringComparison.Ordinal)))).StatusCode);
        using (var description = await admin.PostAsync("api/jobs/requests", ServedHost.Json($$"""{"job_type": "scope-large", "description": "{{new string('d', 5000)}}"}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, description.StatusCode);
            Assert.Contains("at most 4096", (await ServedHost.ReadAsync<ApiError>(description)).Error, StringComparison.Ordinal);
        }

        using (var lockKey = await admin.PostAsync("api/jobs/requests", ServedHost.Json($$"""{"job_type": "scope-large", "lock_key": "{{new string('k', 300)}}"}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, lockKey.StatusCode);
        }

        // Over HTTP the 64 KiB body limit of this host comes first; the operations bound the total for larger bodies too.
        var operations = Host.Services.GetRequiredService<Workflows.Api.Operations.WorkflowsOperations>();
        var tooMuch = new Dictionary<string, System.Text.Json.JsonElement>
        {
            ["A"] = System.Text.Json.JsonSerializer.SerializeToElement(new string('a', 40_000)),
            ["B"] = System.Text.Json.JsonSerializer.SerializeToElement(new string('b', 40_000)),
        };
        var many = await operations.SubmitAsync(Workflows.Api.Security.ApiCaller.Operator("test"), new JobRequestBody { JobType = "scope-large", Params = tooMuch });
        Assert.Equal(400, many.Status);
        Assert.Contains("more than 65536 characters in all", many.Error!.Error, StringComparison.Ordinal);

        // 80 queued jobs of ~60,000 characters each are ~4.8 MB: one page stops before them all.
        var big = new string('p', 60_000);
        for (var i = 0; i < 80; i++)
        {
            using var submitted = await admin.PostAsync("api/jobs/requests", ServedHost.Json($$$"""{"job_type": "scope-large", "scheduled_at": "2099-01-01T00:00:00Z", "params": {"P": "{{{big}}}"}}"""));
            Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        }

        var page = await ServedHost.ReadAsync<JobListDto>(await admin.GetAsync("api/jobs/requests?job_type=scope-large&limit=500"));
        Assert.Equal(80, page.Total);
        Assert.InRange(page.Jobs.Count, 1, 79);
        Assert.Equal(page.Jobs.Count, page.NextOffset);
        var rest = await ServedHost.ReadAsync<JobListDto>(await admin.GetAsync($"api/jobs/requests?job_type=scope-large&limit=500&offset={page.NextOffset}"));
        Assert.Equal(80, page.Jobs.Count + rest.Jobs.Count);
    }
}

/// <summary>While PostgreSQL cannot be reached, authenticated calls are 503 with a reason (not an empty 500), and work again after.</summary>
public sealed class DatabaseAwayTests
{
    [Fact]
    public async Task Calls_while_the_database_is_away_are_503_with_a_reason_and_work_again_when_it_is_back()
    {
        var real = new NpgsqlConnectionStringBuilder(TestInfrastructure.PostgresConnectionString);
        await using var proxy = new TcpProxy(real.Host!, real.Port);
        var viaProxy = new NpgsqlConnectionStringBuilder(real.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 3 }.ConnectionString;
        await using var host = await ServedHost.StartAsync("dbaway", "--ConnectionStrings:Workflows=" + viaProxy);
        using var client = host.Client(host.AdminToken);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/jobs/requests")).StatusCode);

        proxy.Cut();
        foreach (var path in new[] { "api/jobs/requests", "api/jobs/definitions/anything" })
        {
            using var away = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, away.StatusCode);
            var error = await ServedHost.ReadAsync<ApiError>(away);
            Assert.Equal("database_unavailable", error.Code);
            Assert.Contains("cannot reach its PostgreSQL database", error.Error, StringComparison.Ordinal);
            Assert.NotNull(away.Headers.RetryAfter);
        }

        proxy.Restore();
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        HttpStatusCode status;
        do
        {
            using var back = await client.GetAsync("api/jobs/requests");
            status = back.StatusCode;
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < until);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Jobs_running_while_the_database_goes_away_twice_all_complete_and_each_result_is_recorded_once()
    {
        var real = new NpgsqlConnectionStringBuilder(TestInfrastructure.PostgresConnectionString);
        await using var proxy = new TcpProxy(real.Host!, real.Port);
        var viaProxy = new NpgsqlConnectionStringBuilder(real.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port, Timeout = 3 }.ConnectionString;
        await using var host = await ServedHost.StartAsync("dbflaps", "--ConnectionStrings:Workflows=" + viaProxy, "--Workflows:Lease=00:00:05");
        using var client = host.Client(host.AdminToken);
        const string Yaml = """
            job_type: dbflaps
            tasks:
            - task_type: a
              method: SHELL
              script: [sleep 0.2]
              on_completed: b
            - task_type: b
              method: SHELL
              script: [sleep 0.2]
            """;
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(Yaml))).StatusCode);
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add((await ServedHost.ReadAsync<JobDto>(await client.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "dbflaps"}""")))).Id);
        }

        // Two outages while the jobs run: every open connection is dropped and new ones are refused for a while.
        for (var outage = 0; outage < 2; outage++)
        {
            await Task.Delay(400);
            proxy.Cut();
            await Task.Delay(1500);
            proxy.Restore();
        }

        foreach (var id in ids)
        {
            var job = await WaitEndedThroughOutagesAsync(client, id);
            Assert.Equal(JobStatus.Completed, job.Status);
            var events = await ServedHost.ReadAsync<List<EventDto>>(await client.GetAsync($"api/jobs/requests/{id}/events"));
            Assert.Single(events, e => e.Type == "job_completed");
            foreach (var task in new[] { "a", "b" })
            {
                // An attempt may run again after an outage (its lease ran out), but each attempt's result is recorded once.
                var exits = events.Where(e => e.Type == "task_exited" && e.Data.GetProperty("task_type").GetString() == task).Select(e => e.Data.GetProperty("attempt").GetInt32()).ToList();
                Assert.Equal(exits.Distinct().Count(), exits.Count);
                Assert.Contains(exits, _ => true);
            }
        }
    }

    private static async Task<JobDto> WaitEndedThroughOutagesAsync(HttpClient client, string id)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        JobDto? last = null;
        while (DateTime.UtcNow < until)
        {
            using var response = await client.GetAsync($"api/jobs/requests/{id}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                last = await ServedHost.ReadAsync<JobDto>(response);
                if (last.Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled)
                {
                    return last;
                }
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Job {id} did not end within 90 s after the outages; last seen {last?.Status}.");
    }
}
