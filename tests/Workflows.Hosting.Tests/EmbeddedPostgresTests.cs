using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;
using Workflows.Hosting.Embedded;
using Xunit.Abstractions;

namespace Workflows.Hosting.Tests;

/// <summary>The embedded default PostgreSQL: real clusters (initdb + pg_ctl) in throwaway folders, stopped and deleted afterwards.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
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
        Assert.Equal($"Host={pg.DataDirectory}/run;Port={pg.Port};Username=postgres;Database=workflows", pg.ConnectionString);
        Assert.Contains(
            $"Information: Embedded PostgreSQL at {pg.DataDirectory} (pid {pg.Pid}, Unix socket in {pg.DataDirectory}/run, no TCP): {pg.ConnectionString}. " +
            "It keeps running after this process exits; stop it with `workflows db stop` (same configuration).",
            _log.Lines);
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
                () => EmbeddedPostgres.StartAsync(_data, empty.FullName, EmbeddedPostgres.DefaultPort, _log, CancellationToken.None));

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

    [Fact]
    public async Task The_server_has_no_TCP_listener_and_connects_over_its_Unix_socket_without_a_password()
    {
        var pg = await StartAsync();

        Assert.Empty(ListeningTcpPorts(pg.Pid));
        Assert.Equal("", File.ReadAllLines(Path.Combine(_data, "pg", "postmaster.pid"))[5]); // its listen address: none
        Assert.True(File.Exists(Path.Combine(_data, "run", $".s.PGSQL.{pg.Port}")));
        Assert.DoesNotContain("Password", pg.ConnectionString, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["local all all peer map=workflows", "host all all all reject"], HbaRules());
    }

    [Fact]
    public async Task The_data_folder_the_socket_folder_and_the_server_log_are_closed_to_other_users()
    {
        Directory.CreateDirectory(_data);
        File.SetUnixFileMode(_data, (UnixFileMode)0b111_101_101); // as the old version left it (umask 022)
        var pg = await StartAsync();

        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(ownerOnly, File.GetUnixFileMode(pg.SocketDirectory));
        Assert.Equal(ownerOnly, File.GetUnixFileMode(Path.Combine(pg.SocketDirectory, $".s.PGSQL.{pg.Port}")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_data, "pg.log")));
        var root = (await ClusterOwner.DetectAsync(CancellationToken.None)).IsRoot;
        Assert.Equal(root ? (UnixFileMode)0b111_001_001 : ownerOnly, File.GetUnixFileMode(_data)); // as root the postgres user traverses it
        var clusterOwner = root ? ClusterOwner.PostgresUser : Environment.UserName;
        Assert.Equal(clusterOwner, await OwnerOfAsync(pg.SocketDirectory));
    }

    [Fact]
    public async Task Another_OS_user_cannot_connect()
    {
        var owner = await ClusterOwner.DetectAsync(CancellationToken.None);
        if (!owner.IsRoot)
        {
            // Only root can act as another user here; the socket folder's mode (previous test) and pg_hba's peer rule hold anyway.
            return;
        }

        var pg = await StartAsync();
        var psql = Path.Combine(await PostgresBinaries.LocateAsync(null, null, CancellationToken.None), "psql");
        var runuser = Commands.Find("runuser", "/usr/sbin/runuser", "/sbin/runuser")!;

        var asNobody = await Commands.RunAsync(
            runuser, ["-u", "nobody", "--", psql, $"host={pg.SocketDirectory} port={pg.Port} user=postgres dbname=workflows connect_timeout=5", "-c", "select 1"],
            TimeSpan.FromSeconds(30), CancellationToken.None);
        output.WriteLine(asNobody.Output);

        Assert.NotEqual(0, asNobody.ExitCode);
        Assert.Contains("Permission denied", asNobody.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_made_by_the_old_version_with_trust_on_TCP_and_left_running_is_locked_down_and_restarted_on_the_next_start()
    {
        // As the old version left it: trust authentication, listening on 127.0.0.1, socket folder 0755; still running.
        var owner = await ClusterOwner.DetectAsync(CancellationToken.None);
        var bin = await PostgresBinaries.LocateAsync(null, null, CancellationToken.None);
        var cluster = Path.Combine(_data, "pg");
        var run = Path.Combine(_data, "run");
        var log = Path.Combine(_data, "pg.log");
        Directory.CreateDirectory(cluster, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(run);
        File.SetUnixFileMode(run, (UnixFileMode)0b111_101_101);
        File.WriteAllBytes(log, []);
        if (owner.IsRoot)
        {
            await ClusterOwner.GiveToPostgresAsync([cluster, run, log], CancellationToken.None);
        }

        Assert.True((await owner.RunAsync(Path.Combine(bin, "initdb"), ["-D", cluster, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"], TimeSpan.FromMinutes(2), CancellationToken.None)).Succeeded);
        var port = FreeTcpPort();
        var started = await owner.RunAsync(
            Path.Combine(bin, "pg_ctl"), ["-D", cluster, "-l", log, "-w", "-t", "60", "-o", $"-p {port} -c listen_addresses=127.0.0.1 -k {run}", "start"],
            TimeSpan.FromMinutes(2), CancellationToken.None);
        Assert.True(started.Succeeded, started.Output);
        var oldPid = int.Parse(PostmasterPid(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([port], ListeningTcpPorts(oldPid));
        Assert.True(EmbeddedPostgres.Status(_data).ListensOnTcp); // what `workflows db status` warns about

        var pg = await StartAsync();

        Assert.NotEqual(oldPid, pg.Pid);
        Assert.Equal(PostmasterPid(), pg.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(ListeningTcpPorts(pg.Pid));
        Assert.Equal(["local all all peer map=workflows", "host all all all reject"], HbaRules());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(run));
        Assert.Contains(_log.Lines, line => line.StartsWith($"Warning: Restarting the embedded PostgreSQL in {pg.DataDirectory} (pid {oldPid}) with the locked-down settings", StringComparison.Ordinal));
        await using var connection = new NpgsqlConnection(pg.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();

        // Stopped and started again: the settings stay and nothing restarts.
        await pg.StopAsync();
        var again = await StartAsync();
        Assert.Empty(ListeningTcpPorts(again.Pid));
        Assert.DoesNotContain(_log.Lines, line => line.Contains($"(pid {pg.Pid}) with the locked-down settings", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Status_and_StopAsync_of_a_data_folder_say_whether_it_runs_and_stop_it()
    {
        Assert.False(EmbeddedPostgres.Status(_data).Running);
        Assert.False((await EmbeddedPostgres.StopAsync(_data, _log)).Running);
        var pg = await StartAsync();

        var status = EmbeddedPostgres.Status(_data);
        Assert.Equal((true, true, pg.Pid, pg.Port, pg.ConnectionString, false), (status.Running, status.ClusterExists, status.Pid, status.Port, status.ConnectionString, status.ListensOnTcp));
        Assert.Equal($"{pg.DataDirectory}/run/.s.PGSQL.{pg.Port}", status.SocketPath);

        Assert.Equal(pg.Pid, (await EmbeddedPostgres.StopAsync(_data, _log)).Pid);
        Assert.Equal((false, true), (EmbeddedPostgres.Status(_data).Running, EmbeddedPostgres.Status(_data).ClusterExists));
        Assert.False(File.Exists(Path.Combine(_data, "pg", "postmaster.pid")));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var line in _log.Lines)
        {
            output.WriteLine(line);
        }

        if (Directory.Exists(_data))
        {
            await EmbeddedPostgres.StopAsync(_data, _log);
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

    /// <summary>pg_hba.conf's rules, whitespace collapsed, without comments.</summary>
    private string[] HbaRules() =>
        [.. File.ReadAllLines(Path.Combine(_data, "pg", "pg_hba.conf"))
            .Select(line => string.Join(' ', line.Split('#')[0].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)))
            .Where(line => line.Length > 0)];

    /// <summary>The TCP ports process <paramref name="pid"/> listens on (its socket inodes in LISTEN state in /proc/net/tcp and tcp6).</summary>
    private static int[] ListeningTcpPorts(int pid)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(target["socket:[".Length..^1]);
            }
        }

        return [.. new[] { "/proc/net/tcp", "/proc/net/tcp6" }
            .SelectMany(file => File.ReadLines(file).Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields[3] == "0A" && inodes.Contains(fields[9]))
            .Select(fields => Convert.ToInt32(fields[1].Split(':')[1], 16))
            .Distinct()
            .Order()];
    }

    private static int FreeTcpPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string> OwnerOfAsync(string path)
    {
        var stat = await Commands.RunAsync(Commands.Find("stat", "/usr/bin/stat", "/bin/stat")!, ["-c", "%U", path], TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.True(stat.Succeeded, stat.Output);
        return stat.Output.Trim();
    }

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
