using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;

namespace Workflows.Benchmarks.Throughput;

/// <summary>
/// Hangfire.Core + Hangfire.PostgreSql in its best configuration for this work (PERFORMANCE.md): 50 ms queue poll,
/// LISTEN/NOTIFY long polling on, one-second schedule polling (an immediate retry re-enqueues at once anyway).
/// </summary>
internal sealed class HangfireEngine(string connectionString, string schema) : EngineUnderTest
{
    private PostgreSqlStorage? _storage;
    private BackgroundJobServer? _server;
    private BackgroundJobClient? _client;
    private Work _work;

    public override string Name => "hangfire";

    public override Task StartServerAsync(int workers, Work work)
    {
        _work = work;
        Start(prepareSchema: true);
        _server = new BackgroundJobServer(
            new BackgroundJobServerOptions { WorkerCount = workers, SchedulePollingInterval = TimeSpan.FromSeconds(1), ServerName = "bench-" + Environment.ProcessId },
            _storage!);
        return Task.CompletedTask;
    }

    public override Task StartClientAsync()
    {
        Start(prepareSchema: false);
        return Task.CompletedTask;
    }

    private void Start(bool prepareSchema)
    {
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = schema,
            PrepareSchemaIfNecessary = prepareSchema,
            QueuePollInterval = TimeSpan.FromMilliseconds(50),
            EnableLongPolling = true,
        };
        _storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
        _client = new BackgroundJobClient(_storage);
    }

    public override Task SubmitAsync(long submittedTicks)
    {
        if (_work == Work.FailOnce)
        {
            _client!.Enqueue(() => HangfireJobs.FailOnce(Guid.NewGuid()));
        }
        else if (_work == Work.Dag)
        {
            // A chain of continuations, each enqueued when the one before it succeeded.
            var id = _client!.Enqueue(() => HangfireJobs.Noop(0));
            for (var step = 2; step <= DagLength; step++)
            {
                id = _client.ContinueJobWith(id, () => HangfireJobs.Noop(0));
            }
        }
        else
        {
            _client!.Enqueue(() => HangfireJobs.Noop(submittedTicks));
        }

        return Task.CompletedTask;
    }

    public override async Task<long> CountDoneAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select count(*) from {schema}.job where statename = 'Succeeded'", connection);
        return (long)(await command.ExecuteScalarAsync())! / (_work == Work.Dag ? DagLength : 1);
    }

    public override ValueTask DisposeAsync()
    {
        _server?.SendStop();
        _server?.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The Hangfire jobs: public static methods, as Hangfire serializes them.</summary>
public static class HangfireJobs
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, bool> Failed = new();

    /// <summary>A no-op job that records its start latency.</summary>
    /// <param name="submittedTicks">When the client submitted it (UTC ticks), 0 when not measured.</param>
    public static void Noop(long submittedTicks) => Probe.Started(submittedTicks);

    /// <summary>Fails its first attempt, succeeds on the retry.</summary>
    /// <param name="key">The job's key.</param>
    [AutomaticRetry(Attempts = 1, DelaysInSeconds = [0])]
    public static void FailOnce(Guid key)
    {
        if (Failed.TryAdd(key, true))
        {
            throw new InvalidOperationException("first attempt fails");
        }
    }
}
