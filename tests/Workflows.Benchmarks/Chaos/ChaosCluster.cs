using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Workflows.Benchmarks.Chaos;

/// <summary>
/// A PostgreSQL cluster of the chaos run's own (initdb into a temp folder, a free loopback port), which the run stops
/// (fast or immediate) and starts again; never the shared cluster other tests use.
/// </summary>
internal sealed class ChaosCluster : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _data;
    private readonly string _log;

    private ChaosCluster(string bin, string root, int port)
    {
        (_bin, Port) = (bin, port);
        _data = Path.Combine(root, "data");
        _log = Path.Combine(root, "postgres.log");
    }

    public int Port { get; }

    public static string ConnectionString(int port) => $"Host=127.0.0.1;Port={port};Username=postgres;Database=workflows;Timeout=5;Command Timeout=30";

    public static async Task<ChaosCluster> CreateAsync(string root)
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).OrderDescending(StringComparer.Ordinal)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb"))) ?? throw new InvalidOperationException("No PostgreSQL server binaries under /usr/lib/postgresql (initdb, pg_ctl).");
        Directory.CreateDirectory(root);
        await RunAsync("chown", "postgres:postgres", root).ConfigureAwait(false);
        var cluster = new ChaosCluster(bin, root, FreePort());
        await cluster.AsPostgresAsync("initdb", "-D", cluster._data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale").ConfigureAwait(false);
        await cluster.StartAsync().ConfigureAwait(false);
        await cluster.AsPostgresAsync("createdb", "-h", "127.0.0.1", "-p", cluster.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "workflows").ConfigureAwait(false);
        return cluster;
    }

    public Task StartAsync() => AsPostgresAsync("pg_ctl", "-D", _data, "-l", _log, "-w", "-t", "60",
        "-o", $"-p {Port} -c listen_addresses=127.0.0.1 -k {Path.GetDirectoryName(_data)} -c max_connections=300 -c fsync=on", "start");

    /// <summary>Stops the server: <c>fast</c> (connections closed, a clean shutdown) or <c>immediate</c> (as a crash: recovery at the next start).</summary>
    public Task StopAsync(string mode) => AsPostgresAsync("pg_ctl", "-D", _data, "-m", mode, "-w", "-t", "60", "stop");

    private Task AsPostgresAsync(string tool, params string[] args) => RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args]);

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr.ConfigureAwait(false)}{await stdout.ConfigureAwait(false)}");
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync("immediate").ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
    }
}
