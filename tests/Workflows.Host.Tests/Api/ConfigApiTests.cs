using System.Net;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.Marten.Tokens;
using Workflows.Runtime;

namespace Workflows.Host.Tests.Api;

/// <summary>Job configs and host secrets over real HTTP: admin-only writes, secret values never served, masked in logs, and required params they satisfy.</summary>
public sealed class ConfigApiTests : IAsyncLifetime
{
    private const string Job = """
        job_type: api-configs
        required_params: [API_TOKEN, REGION, HOST_KEY]
        tasks:
        - task_type: call
          method: SHELL
          environment:
            TOKEN: "{{.API_TOKEN}}"
          script:
            - echo "token $TOKEN region {{.REGION}} host {{.HOST_KEY}}"
            - test "${#TOKEN}" -eq 10 && test "${TOKEN%-*}" = "t0p" && echo "the task received the secret"
        """;

    private ServedHost _host = null!;

    public async Task InitializeAsync() => _host = await ServedHost.StartAsync("configs", "--Workflows:Secrets:HOST_KEY=h0st-k3y");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Configs_fill_required_params_reach_the_task_and_secrets_are_never_served_nor_logged()
    {
        using var admin = _host.Client(_host.AdminToken);
        using var user = _host.Client(_host.UserToken);
        Assert.Equal(HttpStatusCode.Created, (await user.PostAsync("api/jobs/definitions", ServedHost.Yaml(Job))).StatusCode);

        // Before the configs exist only the host secret fills a required param.
        using (var missing = await user.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "api-configs"}""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
            var error = (await ServedHost.ReadAsync<ApiError>(missing)).Error;
            Assert.Contains("'API_TOKEN', 'REGION'", error, StringComparison.Ordinal);
            Assert.DoesNotContain("HOST_KEY", error, StringComparison.Ordinal);
            Assert.Contains("PUT /api/jobs/definitions/api-configs/configs/API_TOKEN", error, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsync("api/jobs/definitions/api-configs/configs/API_TOKEN", ServedHost.Json("""{"value": "t0p-s3cret", "secret": true}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsync("api/jobs/definitions/api-configs/configs/REGION", ServedHost.Json("""{"value": "eu-north-1"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("api/jobs/definitions/api-configs/configs/REGION", ServedHost.Json("""{"value": "eu-west-1"}"""))).StatusCode);

        using var listed = await user.GetAsync("api/jobs/definitions/api-configs/configs");
        var text = await listed.Content.ReadAsStringAsync();
        Assert.DoesNotContain("t0p-s3cret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("h0st-k3y", text, StringComparison.Ordinal);
        Assert.Equal(
            ["API_TOKEN job secret -", "HOST_KEY host secret -", "REGION job plain eu-west-1"],
            (await ServedHost.ReadAsync<List<ConfigDto>>(listed)).Select(c => $"{c.Name} {c.Scope} {(c.Secret ? "secret" : "plain")} {c.Value ?? "-"}"));

        using var submit = await user.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "api-configs"}"""));
        Assert.Equal(HttpStatusCode.Created, submit.StatusCode);
        var job = await ServedHost.WaitEndedAsync(user, (await ServedHost.ReadAsync<JobDto>(submit)).Id);
        Assert.Equal(JobStatus.Completed, job.Status);

        var lines = (await ServedHost.ReadAsync<List<LogLineDto>>(await user.GetAsync($"api/jobs/requests/{job.Id}/logs"))).Select(l => l.Line).ToList();
        Assert.Contains("token *** region eu-west-1 host ***", lines);
        Assert.Contains("the task received the secret", lines);
        var events = await (await user.GetAsync($"api/jobs/requests/{job.Id}/events")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("t0p-s3cret", events, StringComparison.Ordinal);
        Assert.DoesNotContain("t0p-s3cret", string.Join('\n', lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writes_need_define_for_the_type_and_bad_names_values_bodies_and_job_types_are_refused_with_the_fix()
    {
        using var admin = _host.Client(_host.AdminToken);
        using var user = _host.Client(_host.UserToken);
        using var otherType = _host.Client(await _host.TokenAsync("define-other", TokenScopes.Read, "define:some-other-type"));
        using var plain = _host.Client(await _host.TokenAsync("plain-configs"));
        Assert.Equal(HttpStatusCode.Created, (await user.PostAsync("api/jobs/definitions", ServedHost.Yaml(Job.Replace("api-configs", "api-configs-bad", StringComparison.Ordinal)))).StatusCode);
        const string Url = "api/jobs/definitions/api-configs-bad/configs/";

        await Refused(await otherType.PutAsync(Url + "REGION", ServedHost.Json("""{"value": "x"}""")), HttpStatusCode.Forbidden, "may not set configs of job type 'api-configs-bad'");
        await Refused(await plain.PutAsync(Url + "REGION", ServedHost.Json("""{"value": "x"}""")), HttpStatusCode.Forbidden, "needs the 'define' scope");
        await Refused(await admin.PutAsync(Url + "api-token", ServedHost.Json("""{"value": "x"}""")), HttpStatusCode.BadRequest, "Config name 'api-token' is not a template identifier");
        await Refused(await admin.PutAsync(Url + "REGION", ServedHost.Json("""{"secret": true}""")), HttpStatusCode.BadRequest, "Config 'REGION' has no \"value\"");
        await Refused(await admin.PutAsync(Url + "REGION", ServedHost.Json("""{"value": """)), HttpStatusCode.BadRequest, "not valid JSON");
        await Refused(await admin.PutAsync(Url + "BIG", ServedHost.Json($$"""{"value": "{{new string('x', 70_000)}}"}""")), HttpStatusCode.RequestEntityTooLarge, "65536");
        await Refused(await admin.PutAsync("api/jobs/definitions/no-such-type/configs/REGION", ServedHost.Json("""{"value": "x"}""")), HttpStatusCode.NotFound, "Upload its definition first");
        await Refused(await user.GetAsync("api/jobs/definitions/no-such-type/configs"), HttpStatusCode.NotFound, "No job type 'no-such-type'");

        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsync(Url + "REGION", ServedHost.Json("""{"value": "x"}"""))).StatusCode);
        await Refused(await otherType.DeleteAsync(Url + "REGION"), HttpStatusCode.Forbidden, "may not delete configs of job type 'api-configs-bad'");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(Url + "REGION")).StatusCode);
        await Refused(await admin.DeleteAsync(Url + "REGION"), HttpStatusCode.NotFound, "has no config named 'REGION'");
        Assert.Equal(["HOST_KEY"], (await ServedHost.ReadAsync<List<ConfigDto>>(await user.GetAsync("api/jobs/definitions/api-configs-bad/configs"))).Select(c => c.Name));
    }

    [Fact]
    public async Task A_fork_that_would_pass_a_secret_to_its_child_fails_naming_the_secret_and_forks_nothing()
    {
        using var admin = _host.Client(_host.AdminToken);
        foreach (var yaml in new[]
        {
            """
            job_type: api-configs-child
            tasks:
            - task_type: work
              method: SHELL
              script: [echo child]
            """,
            """
            job_type: api-configs-fork
            required_params: [API_TOKEN]
            tasks:
            - task_type: fork
              method: FORK_JOB
              fork_job_type: api-configs-child
              sub_workflow:
                input_params:
                  - name: Token
                    value: "Bearer {{.API_TOKEN}}"
            """,
        })
        {
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("api/jobs/definitions", ServedHost.Yaml(yaml))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsync("api/jobs/definitions/api-configs-fork/configs/API_TOKEN", ServedHost.Json("""{"value": "t0p-s3cret", "secret": true}"""))).StatusCode);
        using var submit = await admin.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "api-configs-fork"}"""));
        var job = await ServedHost.WaitEndedAsync(admin, (await ServedHost.ReadAsync<JobDto>(submit)).Id);

        Assert.Equal((JobStatus.Failed, "ERR_FORK"), (job.Status, job.ErrorCode));
        Assert.Empty(job.Children!);
        var lines = (await ServedHost.ReadAsync<List<LogLineDto>>(await admin.GetAsync($"api/jobs/requests/{job.Id}/logs"))).Select(l => l.Line);
        Assert.Contains(lines, l => l.Contains("input param 'Token' would pass the secret config 'API_TOKEN' to the forked job", StringComparison.Ordinal));
    }

    private static async Task Refused(HttpResponseMessage response, HttpStatusCode status, string message)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Contains(message, (await ServedHost.ReadAsync<ApiError>(response)).Error, StringComparison.Ordinal);
        }
    }
}
