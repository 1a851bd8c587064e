using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Host.Tests.Api;

/// <summary>
/// Webhook triggers over real HTTP on a served host: formicary's webhook-ci-trigger example uploaded as written and
/// fired by a GitHub-style push signed with a real HMAC-SHA256; bearer-token and API-key triggers; filter, dedup_key and
/// rate_limit; the refusals (401, 404, 400) submit nothing.
/// </summary>
public sealed class TriggerApiTests : IAsyncLifetime
{
    private const string Secret = "gh-hook-s3cret";

    private const string KeyedJob = """
        job_type: keyed-trigger
        triggers:
          - type: webhook
            name: deploy
            auth:
              method: bearer_token
              secret_config: DeployToken
            params:
              service: '{{ .Body.service }}'
              source: '{{ index .Headers "X-Source" }}'
              env: '{{ .Query.env }}'
          - type: webhook
            name: alert
            auth:
              method: api_key_header
              secret_config: AlertKey
              header: X-Alert-Key
            params:
              severity: '{{ .Body.severity }}'
            rate_limit:
              max: 2
              window: 1h
        tasks:
          - task_type: act
            method: SHELL
            script:
              - echo acting
        """;

    private ServedHost _host = null!;
    private HttpClient _admin = null!;
    private HttpClient _anonymous = null!;

    private static string Push(string branch, string commit) =>
        $$$"""{"ref":"refs/heads/{{{branch}}}","head_commit":{"id":"{{{commit}}}"},"repository":{"full_name":"acme/api"},"pusher":{"name":"octocat"}}""";

    private static string Sign(string body, string secret = Secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    private async Task<HttpResponseMessage> PostAsync(string path, string body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = ServedHost.Json(body) };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await _anonymous.SendAsync(request);
    }

    private async Task<long> JobCountAsync(string jobType)
    {
        using var response = await _admin.GetAsync($"api/jobs/requests?job_type={jobType}");
        return (await ServedHost.ReadAsync<JobListDto>(response)).Total;
    }

    private async Task UploadAsync(string yaml)
    {
        using var upload = await _admin.PostAsync("api/jobs/definitions", ServedHost.Yaml(yaml));
        Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
    }

    private async Task SetSecretAsync(string jobType, string name, string value)
    {
        using var set = await _admin.PutAsync($"api/jobs/definitions/{jobType}/configs/{name}", ServedHost.Json(JsonSerializer.Serialize(new { value, secret = true })));
        Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Formicarys_webhook_ci_trigger_runs_as_written_from_a_signed_push_to_main_with_the_params_its_templates_read()
    {
        var body = Push("main", "abc123");

        using var response = await PostAsync("api/triggers/webhook-ci-trigger/on-push", body, ("X-Hub-Signature-256", Sign(body)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var fired = await ServedHost.ReadAsync<TriggerResultDto>(response);
        Assert.False(fired.Filtered);
        var job = await ServedHost.WaitEndedAsync(_admin, fired.RequestId!);
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(
            new Dictionary<string, string> { ["branch"] = "main", ["commit_sha"] = "abc123", ["repo"] = "acme/api", ["pusher"] = "octocat" },
            job.Params.ToDictionary(p => p.Key, p => p.Value));
        Assert.Equal("trigger:on-push", job.SubmittedBy);
        using var logs = await _admin.GetAsync($"api/jobs/requests/{fired.RequestId}/logs?task=clone");
        Assert.Contains("Cloning acme/api branch=main commit=abc123 pusher=octocat", await logs.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Formicarys_unauthenticated_dev_trigger_takes_any_event_and_its_defaults_fill_what_the_body_lacks()
    {
        using var response = await PostAsync("api/triggers/webhook-ci-trigger/on-push-dev", """{"ref":"refs/heads/feature/x"}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await ServedHost.WaitEndedAsync(_admin, (await ServedHost.ReadAsync<TriggerResultDto>(response)).RequestId!);
        Assert.Equal(
            (JobStatus.Completed, "feature/x", "dev", "local", "dev"),
            (job.Status, job.Params["branch"], job.Params["commit_sha"], job.Params["repo"], job.Params["pusher"]));
    }

    [Fact]
    public async Task Formicarys_webhook_trigger_fixture_runs_as_written_with_dotted_body_fields()
    {
        var body = Push("main", "fix-1");

        using var response = await PostAsync("api/triggers/webhook-triggered-pipeline/on-push", body, ("X-Hub-Signature-256", Sign(body, "fixture-s3cret")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await ServedHost.WaitEndedAsync(_admin, (await ServedHost.ReadAsync<TriggerResultDto>(response)).RequestId!);
        Assert.Equal((JobStatus.Completed, "main", "fix-1", "acme/api"), (job.Status, job.Params["branch"], job.Params["commit_sha"], job.Params["repo"]));
    }

    [Fact]
    public async Task A_wrong_or_missing_signature_is_401_naming_the_header_and_submits_nothing()
    {
        var body = Push("main", "bad-sig");
        var before = await JobCountAsync("webhook-ci-trigger");

        using var wrong = await PostAsync("api/triggers/webhook-ci-trigger/on-push", body, ("X-Hub-Signature-256", Sign(body, "not-the-secret")));
        using var tampered = await PostAsync("api/triggers/webhook-ci-trigger/on-push", body.Replace("acme", "evil", StringComparison.Ordinal), ("X-Hub-Signature-256", Sign(body)));
        using var missing = await PostAsync("api/triggers/webhook-ci-trigger/on-push", body);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], new[] { wrong.StatusCode, tampered.StatusCode, missing.StatusCode });
        var error = await ServedHost.ReadAsync<ApiError>(wrong);
        Assert.Equal("trigger_unauthorized", error.Code);
        Assert.Contains("signature in 'X-Hub-Signature-256' does not match", error.Error, StringComparison.Ordinal);
        Assert.Contains("header 'X-Hub-Signature-256' is missing", (await ServedHost.ReadAsync<ApiError>(missing)).Error, StringComparison.Ordinal);
        Assert.Equal(before, await JobCountAsync("webhook-ci-trigger"));
    }

    [Fact]
    public async Task A_push_its_filter_rejects_is_accepted_as_filtered_and_a_replayed_commit_is_deduplicated_to_its_first_job()
    {
        var dev = Push("dev", "dev-1");
        using var filtered = await PostAsync("api/triggers/webhook-ci-trigger/on-push", dev, ("X-Hub-Signature-256", Sign(dev)));
        Assert.Equal(HttpStatusCode.Accepted, filtered.StatusCode);
        Assert.Equal((true, "filter", (string?)null), (await ServedHost.ReadAsync<TriggerResultDto>(filtered)) is var f ? (f.Filtered, f.Reason, f.RequestId) : default);

        var body = Push("main", "dedup-1");
        using var first = await PostAsync("api/triggers/webhook-ci-trigger/on-push", body, ("X-Hub-Signature-256", Sign(body)));
        using var replay = await PostAsync("api/triggers/webhook-ci-trigger/on-push", body, ("X-Hub-Signature-256", Sign(body)));

        var original = await ServedHost.ReadAsync<TriggerResultDto>(first);
        var duplicate = await ServedHost.ReadAsync<TriggerResultDto>(replay);
        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, replay.StatusCode));
        Assert.Equal((true, "duplicate", original.RequestId), (duplicate.Deduplicated, duplicate.Reason, duplicate.RequestId));
        using var jobs = await _admin.GetAsync("api/jobs/requests?job_type=webhook-ci-trigger&limit=200");
        Assert.Single((await ServedHost.ReadAsync<JobListDto>(jobs)).Jobs, j => j.Params.GetValueOrDefault("commit_sha") == "dedup-1");
    }

    [Fact]
    public async Task A_bearer_token_trigger_takes_the_right_token_only_and_reads_body_headers_and_query()
    {
        using var wrong = await PostAsync("api/triggers/keyed-trigger/deploy", """{"service":"billing"}""", ("Authorization", "Bearer nope"));
        using var right = await PostAsync("api/triggers/keyed-trigger/deploy?env=prod", """{"service":"billing"}""", ("Authorization", "Bearer d3ploy"), ("x-source", "ci"));

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("Authorization: Bearer", (await ServedHost.ReadAsync<ApiError>(wrong)).Error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, right.StatusCode);
        var job = await ServedHost.WaitEndedAsync(_admin, (await ServedHost.ReadAsync<TriggerResultDto>(right)).RequestId!);
        Assert.Equal((JobStatus.Completed, "billing", "ci", "prod"), (job.Status, job.Params["service"], job.Params["source"], job.Params["env"]));
    }

    [Fact]
    public async Task An_api_key_trigger_takes_its_key_and_its_rate_limit_filters_the_third_event_of_the_window()
    {
        using var wrong = await PostAsync("api/triggers/keyed-trigger/alert", """{"severity":"low"}""", ("X-Alert-Key", "guess"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("X-Alert-Key", (await ServedHost.ReadAsync<ApiError>(wrong)).Error, StringComparison.Ordinal);

        var results = new List<TriggerResultDto>();
        foreach (var severity in new[] { "high", "medium", "low" })
        {
            using var response = await PostAsync("api/triggers/keyed-trigger/alert", $$"""{"severity":"{{severity}}"}""", ("X-Alert-Key", "4l3rt"));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            results.Add(await ServedHost.ReadAsync<TriggerResultDto>(response));
        }

        Assert.Equal([(false, null), (false, null), (true, "rate_limit")], results.Select(r => (r.Filtered, r.Reason)));
        Assert.All(results.Take(2), r => Assert.NotNull(r.RequestId));
        Assert.Null(results[2].RequestId);
    }

    [Fact]
    public async Task An_unknown_trigger_is_404_naming_the_triggers_and_a_queue_trigger_is_400_as_not_run_here()
    {
        using var unknown = await PostAsync("api/triggers/webhook-ci-trigger/on-pull", "{}");
        using var unknownType = await PostAsync("api/triggers/no-such-type/on-push", "{}");
        using var queue = await PostAsync("api/triggers/queue-order-trigger/high-value-order", """{"order_id":"ord-001","total":1500}""");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.BadRequest), (unknown.StatusCode, unknownType.StatusCode, queue.StatusCode));
        Assert.Contains("'on-push', 'on-push-dev'", (await ServedHost.ReadAsync<ApiError>(unknown)).Error, StringComparison.Ordinal);
        Assert.Equal("not_a_webhook_trigger", (await ServedHost.ReadAsync<ApiError>(queue)).Code);
        Assert.Equal(0, await JobCountAsync("queue-order-trigger"));
    }

    public async Task InitializeAsync()
    {
        _host = await ServedHost.StartAsync("triggers");
        _admin = _host.Client(_host.AdminToken);
        _anonymous = _host.Client(null);
        var examples = Path.Combine(TestInfrastructure.RepoRoot, "tests", "Workflows.Yaml.Tests", "Formicary", "docs", "examples");
        await UploadAsync(await File.ReadAllTextAsync(Path.Combine(examples, "webhook-ci-trigger.yaml")));
        await UploadAsync(await File.ReadAllTextAsync(Path.Combine(examples, "queue-order-trigger.yaml")));
        await UploadAsync(await File.ReadAllTextAsync(Path.Combine(examples, "..", "..", "fixtures", "webhook_trigger_job.yaml")));
        await SetSecretAsync("webhook-triggered-pipeline", "WebhookSecret", "fixture-s3cret");
        await UploadAsync(KeyedJob);
        await SetSecretAsync("webhook-ci-trigger", "CIWebhookSecret", Secret);
        await SetSecretAsync("keyed-trigger", "DeployToken", "d3ploy");
        await SetSecretAsync("keyed-trigger", "AlertKey", "4l3rt");
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        _anonymous.Dispose();
        await _host.DisposeAsync();
    }
}
