using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;
using Workflows.Hosting.Embedded;
using Xunit.Abstractions;

namespace Workflows.Hosting.Tests;

/// <summary>The embedded default PostgreSQL: real clusters (initdb + pg_ctl) in throwaway folders, stopped and deleted afterwards.</summary>
public sealed class EmbeddedPostgresTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Short, so the Unix socket path stays under its 107-byte limit.
    private readonly string _data = Path.Combine(Path.GetTempPath(), "wf-embedded-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly ConcurrentQueue<EmbeddedPostgres> _started = new();
    private readonly ListLogger _log = new();

    [Fact]
    public async Task A_start_in_an_empty_folder_initialises_a_cluster_with_a_workflows_database_and_says_where_it_is()
    {
        var pg = await StartAsync();

        await using var connection = new NpgsqlConnection(pg.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("select 1, current_database()", connection);
        await using var reader = await query.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((1, "workflows"), (reader.GetInt32(0), reader.GetString(1)));

        Assert.Equal(Path.GetFullPath(_data), pg.DataDirectory);
        Assert.True(File.Exists(Path.Combine(_data, "pg", "PG_VERSION")));
        Assert.Equal($"Host=127.0.0.1;Port={pg.Port};Username=postgres;Database=workflows", pg.ConnectionString);
        Assert.Contains($"Information: Embedded PostgreSQL at {pg.DataDirectory} (port {pg.Port}): {pg.ConnectionString}", _log.Lines);
    }

    [Fact]
    public async Task Starts_on_the_same_folder_concurrent_or_later_share_one_cluster()
    {
        var both = await Task.WhenAll(StartAsync(), StartAsync());
        var postmaster = PostmasterPid();

        var later = await StartAsync();

        Assert.Equal(both[0].Port, both[1].Port);
        Assert.Equal(both[0].Port, later.Port);
        Assert.Equal(postmaster, PostmasterPid());
        Assert.Single(_log.Lines, line => line.Contains("Initialising a new embedded PostgreSQL cluster", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StopAsync_stops_the_server_and_the_next_start_brings_it_back_on_the_same_port()
    {
        var pg = await StartAsync();
        var connectionString = pg.ConnectionString + ";Pooling=false;Timeout=3";

        await pg.StopAsync();

        await using (var refused = new NpgsqlConnection(connectionString))
        {
            await Assert.ThrowsAnyAsync<NpgsqlException>(() => refused.OpenAsync());
        }

        Assert.False(File.Exists(Path.Combine(_data, "pg", "postmaster.pid")));
        var again = await StartAsync();
        Assert.Equal(pg.Port, again.Port);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
    }

    [Fact]
    public async Task A_bin_folder_without_the_server_programs_is_an_error_naming_the_folder_and_the_fix()
    {
        var empty = Directory.CreateTempSubdirectory("wf-no-pg-bin-");
        try
        {
            var error = await Assert.ThrowsAsync<EmbeddedPostgresException>(
                () => EmbeddedPostgres.StartAsync(_data, empty.FullName, EmbeddedPostgres.DefaultFirstPort, _log, CancellationToken.None));

            Assert.Contains(empty.FullName, error.Message, StringComparison.Ordinal);
            Assert.Contains("initdb", error.Message, StringComparison.Ordinal);
            Assert.Contains("apt-get install postgresql", error.Message, StringComparison.Ordinal);
            Assert.Contains("ConnectionStrings:Workflows", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var line in _log.Lines)
        {
            output.WriteLine(line);
        }

        if (_started.TryPeek(out var any))
        {
            await any.StopAsync();
        }

        foreach (var pg in _started)
        {
            await pg.DisposeAsync();
        }

        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private async Task<EmbeddedPostgres> StartAsync()
    {
        var pg = await EmbeddedPostgres.StartAsync(_data, _log, CancellationToken.None);
        _started.Enqueue(pg);
        return pg;
    }

    private string PostmasterPid() => File.ReadLines(Path.Combine(_data, "pg", "postmaster.pid")).First();

    private sealed class ListLogger : ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => [.. _lines];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
    }
}
