using Marten;
using Microsoft.Extensions.Time.Testing;
using Workflows.Definitions;
using Workflows.Executors;
using Workflows.Executors.Shell;
using Workflows.Hosting;
using Workflows.Marten.Artifacts;
using Workflows.Marten.Configs;
using Workflows.Marten.Logs;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests;

/// <summary>Job configs and host secrets in PostgreSQL: stored, merged for an attempt, cached while listening, masked in logs.</summary>
public sealed class JobConfigsTests : IAsyncLifetime
{
    private readonly string _schema = "wf_cfg_" + Guid.NewGuid().ToString("N")[..12];
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
    private readonly DocumentStore _documents;
    private readonly JobStore _jobs;

    public JobConfigsTests()
    {
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        _jobs = new JobStore(_documents, _clock);
    }

    [Fact]
    public async Task Configs_are_set_replaced_listed_and_deleted_and_bad_names_or_values_are_refused_with_the_fix()
    {
        var configs = new JobConfigs(_documents, _clock);

        var (first, created) = await configs.SetAsync("deploy", "API_TOKEN", "one", secret: true, by: "ops");
        var (_, createdAgain) = await configs.SetAsync("deploy", "API_TOKEN", "two", secret: true, by: "ops");
        await configs.SetAsync("deploy", "REGION", "eu-west-1", secret: false);
        await configs.SetAsync("other", "REGION", "us-east-1", secret: false);

        Assert.Equal((true, false, "deploy:API_TOKEN"), (created, createdAgain, first.Id));
        Assert.Equal(["API_TOKEN=two (secret)", "REGION=eu-west-1"], (await configs.ListAsync("deploy")).Select(c => $"{c.Name}={c.Value}{(c.Secret ? " (secret)" : string.Empty)}"));
        Assert.True(await configs.DeleteAsync("deploy", "REGION"));
        Assert.False(await configs.DeleteAsync("deploy", "REGION"));
        Assert.Equal(["API_TOKEN"], (await configs.ListAsync("deploy")).Select(c => c.Name));

        var badName = await Assert.ThrowsAsync<ArgumentException>(() => configs.SetAsync("deploy", "api-token", "x", secret: false));
        Assert.StartsWith("Config name 'api-token' is not a template identifier", badName.Message, StringComparison.Ordinal);
        var tooLong = await Assert.ThrowsAsync<ArgumentException>(() => configs.SetAsync("deploy", "BIG", new string('x', JobConfigs.MaxValueLength + 1), secret: false));
        Assert.Contains("at most 65536 are allowed", tooLong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_attempt_sees_the_host_secrets_under_its_job_types_configs_and_the_winners_secrecy()
    {
        var configs = new JobConfigs(_documents, _clock, new Dictionary<string, string> { ["SHARED"] = "host-value", ["HOST_ONLY"] = "h0st" });
        await configs.SetAsync("deploy", "SHARED", "job-value", secret: false);
        await configs.SetAsync("deploy", "API_TOKEN", "abc", secret: true);
        await configs.SetAsync("deploy", "API_TOKEN_LONG", "abcdef", secret: true);

        var seen = await configs.ForAttemptAsync("deploy");

        Assert.Equal(["API_TOKEN=abc", "API_TOKEN_LONG=abcdef", "HOST_ONLY=h0st", "SHARED=job-value"], seen.Values.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        Assert.Equal(["API_TOKEN", "API_TOKEN_LONG", "HOST_ONLY"], seen.Secrets.Order(StringComparer.Ordinal));
        Assert.Equal(["abcdef", "h0st", "abc"], seen.SecretValues); // longest first: "abcdef" is masked whole
        Assert.Equal(["HOST_ONLY", "SHARED"], (await configs.ForAttemptAsync("other")).Values.Keys.Order(StringComparer.Ordinal)); // another type: the host's only
    }

    [Fact]
    public async Task A_listening_process_caches_what_attempts_see_and_hears_another_processs_change()
    {
        await _jobs.EnsureSchemaAsync();
        var here = new JobConfigs(_documents, _clock);
        using var otherDocuments = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        var elsewhere = new JobConfigs(otherDocuments, _clock);
        await elsewhere.SetAsync("deploy", "REGION", "v1", secret: false);

        using var stop = new CancellationTokenSource();
        var listening = _jobs.ListenAsync(() => { }, null, here, stop.Token);
        await Until(() => here.IsListening);
        Assert.Equal("v1", (await here.ForAttemptAsync("deploy")).Values["REGION"]);

        // Written behind the store's back (no notification): the cached value stays, which shows it is cached.
        await ExecuteAsync($"update {_schema}.mt_doc_jobconfig set data = jsonb_set(data, '{{Value}}', '\"sneaked\"') where id = 'deploy:REGION'");
        Assert.Equal("v1", (await here.ForAttemptAsync("deploy")).Values["REGION"]);

        // Set through the store in another process: its notification clears the cache here.
        await elsewhere.SetAsync("deploy", "REGION", "v2", secret: false);
        await Until(async () => (await here.ForAttemptAsync("deploy")).Values["REGION"] == "v2");

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listening);
        Assert.False(here.IsListening);
        await ExecuteAsync($"update {_schema}.mt_doc_jobconfig set data = jsonb_set(data, '{{Value}}', '\"v3\"') where id = 'deploy:REGION'");
        Assert.Equal("v3", (await here.ForAttemptAsync("deploy")).Values["REGION"]); // not listening: read each time
    }

    [Fact]
    public async Task A_secret_reaches_the_process_but_its_log_and_recorded_output_show_it_masked()
    {
        var definition = Workflow.Create("masked", job => job
            .RequiredParams("API_TOKEN", "REGION")
            .Task("call").Method(TaskMethod.Shell)
                .Environment("TOKEN", "{{API_TOKEN}}")
                .Script("echo \"token is $TOKEN in {{REGION}}\"", "[ \"$TOKEN\" = 'pa55-w0rd!' ] && echo received", "exit 3")
                .RetryStrategy("spy")
                .OnExitCode(3, "ERR_THREE")).Definition;
        var spy = new SpyStrategy();
        var configs = new JobConfigs(_documents, _clock);
        await _jobs.EnsureSchemaAsync();
        await configs.SetAsync("masked", "API_TOKEN", "pa55-w0rd!", secret: true);
        await configs.SetAsync("masked", "REGION", "eu-west-1", secret: false);
        var logs = new TaskLogs(_documents, _clock);
        var worker = new TaskWorker(
            _jobs,
            new TaskRunner(new TaskExecutors([new ShellExecutor(new ShellExecutorOptions { WorkRoot = Path.Combine(Path.GetTempPath(), "wf-work-" + _schema), Policy = new ExecutionPolicy { AllowShell = true } })]), _clock),
            logs,
            new FileArtifactStore(_documents, Path.Combine(Path.GetTempPath(), "wf-artifacts-" + _schema), _clock),
            new RunningAttempts(),
            "worker-1")
        {
            Configs = configs,
            Strategies = new RetryStrategies([new NamedRetryStrategy("spy", spy)], _clock),
        };

        await _jobs.ExecuteAsync("job-1", new RequestJob("job-1", definition, new JobRequest()));
        for (var round = 0; round < 5 && (await _jobs.GetAsync("job-1"))!.Status is not JobStatus.Failed; round++)
        {
            await worker.RunOnceAsync();
        }

        var lines = (await logs.ReadAsync("job-1", "call")).Select(l => l.Line).ToList();
        Assert.Contains("token is *** in eu-west-1", lines);
        Assert.Contains("received", lines);
        Assert.DoesNotContain(lines, l => l.Contains("pa55-w0rd!", StringComparison.Ordinal));
        var tail = Assert.Single(spy.Tails); // what a retry strategy (user code) and output rules see
        Assert.Contains("token is *** in eu-west-1", tail, StringComparison.Ordinal);
        Assert.DoesNotContain("pa55-w0rd!", tail, StringComparison.Ordinal);
    }

    private sealed class SpyStrategy : IRetryStrategy
    {
        public List<string?> Tails { get; } = [];

        public ValueTask<RetryStrategyDecision> DecideAsync(RetryContext context, CancellationToken cancellationToken)
        {
            Tails.Add(context.OutputTail);
            return ValueTask.FromResult(RetryStrategyDecision.Stop());
        }
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(TestInfrastructure.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static Task Until(Func<bool> condition) => Until(() => Task.FromResult(condition()));

    private static async Task Until(Func<Task<bool>> condition)
    {
        for (var waited = 0; !await condition(); waited += 20)
        {
            Assert.True(waited < 10_000, "the condition did not hold within 10 s");
            await Task.Delay(20);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
    }
}
