using JasperFx;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Postgresql;

namespace Workflows.Benchmarks.Throughput;

/// <summary>
/// Wolverine in the configuration PERFORMANCE.md measured (Solo durability, PostgreSQL message store, runtime
/// compilation): no-op messages into a durable local queue (PostgreSQL inbox), parallelism 8; a fail-once message
/// retried inline once; and, for the cross-process latency, its PostgreSQL transport polled every 10 ms.
/// </summary>
internal sealed class WolverineEngine(string connectionString, string schema) : EngineUnderTest
{
    private const string LocalQueue = "bench";
    private const string RemoteQueue = "bench_remote";
    private static readonly TimeSpan RemotePolling = TimeSpan.FromMilliseconds(10);
    private IHost? _host;
    private IMessageBus? _bus;
    private Work _work;

    public override string Name => "wolverine";

    public override Task StartServerAsync(int workers, Work work)
    {
        _work = work;
        return StartAsync(client: false, opts =>
        {
            opts.LocalQueue(LocalQueue).UseDurableInbox().MaximumParallelMessages(workers);
            opts.PublishMessage<BenchNoop>().ToLocalQueue(LocalQueue);
            opts.PublishMessage<BenchFailOnce>().ToLocalQueue(LocalQueue);
            opts.PublishMessage<BenchDagStep>().ToLocalQueue(LocalQueue);
            opts.PublishMessage<BenchDagLast>().ToLocalQueue(LocalQueue);
            opts.ListenToPostgresqlQueue(RemoteQueue).PollingInterval(RemotePolling).MaximumParallelMessages(workers);
        });
    }

    public override Task StartClientAsync() => StartAsync(client: true, opts => opts.PublishMessage<BenchRemote>().ToPostgresqlQueue(RemoteQueue));

    /// <summary>Submits from the server's own process go to the durable local queue; from the trickle client, over the PostgreSQL transport.</summary>
    private bool IsClient { get; set; }

    private async Task StartAsync(bool client, Action<WolverineOptions> configure)
    {
        IsClient = client;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseWolverine(opts =>
        {
            opts.UseRuntimeCompilation();
            opts.Durability.Mode = DurabilityMode.Solo;
            opts.UsePostgresqlPersistenceAndTransport(connectionString, schema);
            opts.AutoBuildMessageStorageOnStartup = AutoCreate.CreateOrUpdate;
            opts.Discovery.DisableConventionalDiscovery().IncludeType(typeof(BenchHandlers));
            opts.OnException<InvalidOperationException>().RetryOnce();
            configure(opts);
        });
        _host = builder.Build();
        await _host.StartAsync();
        _bus = _host.Services.GetRequiredService<IMessageBus>();
    }

    public override async Task SubmitAsync(long submittedTicks)
    {
        if (IsClient)
        {
            await _bus!.PublishAsync(new BenchRemote(submittedTicks));
        }
        else if (_work == Work.FailOnce)
        {
            await _bus!.PublishAsync(new BenchFailOnce(Guid.NewGuid()));
        }
        else if (_work == Work.Dag)
        {
            await _bus!.PublishAsync(new BenchDagStep(1));
        }
        else
        {
            await _bus!.PublishAsync(new BenchNoop(submittedTicks));
        }
    }

    /// <summary>Messages the durable inbox records as handled (of a cascade, its last message).</summary>
    public override async Task<long> CountDoneAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var last = _work == Work.Dag ? $" and message_type = '{BenchDagLast.Identity}'" : string.Empty;
        await using var command = new NpgsqlCommand($"select count(*) from {schema}.wolverine_incoming_envelopes where status = 'Handled'{last}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }
}

/// <summary>A no-op message.</summary>
/// <param name="SubmittedTicks">When it was sent (UTC ticks), 0 when not measured.</param>
public sealed record BenchNoop(long SubmittedTicks);

/// <summary>A message that fails its first attempt.</summary>
/// <param name="Key">Its key.</param>
public sealed record BenchFailOnce(Guid Key);

/// <summary>One no-op step of a cascade; its handler sends the next step (the last one as <see cref="BenchDagLast"/>).</summary>
/// <param name="Step">Its place in the cascade, from 1.</param>
public sealed record BenchDagStep(int Step);

/// <summary>The last step of a cascade.</summary>
[Wolverine.Attributes.MessageIdentity(Identity)]
public sealed record BenchDagLast
{
    /// <summary>Its message type name in the inbox.</summary>
    public const string Identity = "bench-dag-last";
}

/// <summary>A no-op message sent from another process over the PostgreSQL transport.</summary>
/// <param name="SubmittedTicks">When it was sent (UTC ticks).</param>
public sealed record BenchRemote(long SubmittedTicks);

/// <summary>Wolverine's handlers for the benchmark messages.</summary>
public static class BenchHandlers
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, bool> Failed = new();

    /// <summary>Records the start latency.</summary>
    /// <param name="message">The message.</param>
    public static void Handle(BenchNoop message) => Probe.Started(message.SubmittedTicks);

    /// <summary>Records the start latency of a message from another process.</summary>
    /// <param name="message">The message.</param>
    public static void Handle(BenchRemote message) => Probe.Started(message.SubmittedTicks);

    /// <summary>A step of a cascade: sends the next one, in the handler's transaction (cascading messages).</summary>
    /// <param name="message">The message.</param>
    /// <returns>The next step.</returns>
    public static object Handle(BenchDagStep message) =>
        message.Step + 1 < EngineUnderTest.DagLength ? new BenchDagStep(message.Step + 1) : new BenchDagLast();

    /// <summary>The last step of a cascade.</summary>
    /// <param name="message">The message.</param>
    public static void Handle(BenchDagLast message)
    {
    }

    /// <summary>Fails the first attempt.</summary>
    /// <param name="message">The message.</param>
    public static void Handle(BenchFailOnce message)
    {
        if (Failed.TryAdd(message.Key, true))
        {
            throw new InvalidOperationException("first attempt fails");
        }
    }
}
