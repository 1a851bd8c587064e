using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Workflows.Hosting.Embedded;

/// <summary>
/// The embedded default database: a private PostgreSQL cluster in an application data folder, used when no
/// <c>ConnectionStrings:Workflows</c> is configured. <see cref="StartAsync(string, ILogger, CancellationToken)"/>
/// initialises the cluster on first use (in <c>{data folder}/pg</c>), starts it on a free loopback port, or reuses it when
/// it already runs (another host process on the same folder), and creates the <c>workflows</c> database.
/// </summary>
/// <remarks>
/// <para>
/// Layout of the data folder: <c>pg/</c> (the cluster), <c>pg.log</c> (the server log), <c>run/</c> (the Unix socket),
/// <c>pg.port</c> (the last port, tried first on the next start) and <c>pg.lock</c> (serialises starts and stops of
/// processes sharing the folder).
/// </para>
/// <para>
/// The server programs are found through <c>WORKFLOWS_PG_BIN</c>, <c>pg_config --bindir</c>,
/// <c>/usr/lib/postgresql/*/bin</c> (highest version) or PATH. As root, the cluster belongs to and runs as the
/// <c>postgres</c> OS user. The server accepts connections on 127.0.0.1 only, as superuser <c>postgres</c> without a
/// password (trust authentication): it is meant for one machine's development and small installations.
/// </para>
/// <para>
/// Disposing does not stop the server (another process may share it, and the next start reuses it); call
/// <see cref="StopAsync(CancellationToken)"/> to stop it.
/// </para>
/// </remarks>
public sealed partial class EmbeddedPostgres : IAsyncDisposable
{
    /// <summary>The first TCP port tried for a new server.</summary>
    internal const int DefaultFirstPort = 5433;

    private const string Superuser = ClusterOwner.PostgresUser;
    private const string DatabaseName = "workflows";
    private const int PortsToScan = 200;
    private const int StartAttempts = 4;

    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan InitdbTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan PgCtlTimeout = TimeSpan.FromSeconds(90);

    private readonly ClusterOwner _owner;
    private readonly string _pgCtl;
    private readonly ILogger _logger;

    private EmbeddedPostgres(string dataDirectory, int port, ClusterOwner owner, string pgCtl, ILogger logger)
    {
        DataDirectory = dataDirectory;
        Port = port;
        _owner = owner;
        _pgCtl = pgCtl;
        _logger = logger;
        ConnectionString = ConnectionStringFor(port, DatabaseName);
    }

    /// <summary>
    /// Connects to the <c>workflows</c> database: <c>Host=127.0.0.1;Port=…;Username=postgres;Database=workflows</c>.
    /// </summary>
    public string ConnectionString { get; }

    /// <summary>The data folder (full path); the cluster itself is in its <c>pg</c> sub-folder.</summary>
    public string DataDirectory { get; }

    /// <summary>The server's TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The cluster folder (<c>PGDATA</c>).</summary>
    internal string ClusterDirectory => ClusterDirectoryOf(DataDirectory);

    /// <summary>The server log.</summary>
    internal string LogPath => LogPathOf(DataDirectory);

    /// <summary>
    /// Starts (or reuses) the private PostgreSQL cluster in <paramref name="dataDirectory"/> and returns when the
    /// <c>workflows</c> database accepts connections. Logs one Information line saying where it is.
    /// </summary>
    /// <param name="dataDirectory">The application data folder; created if missing.</param>
    /// <param name="logger">Receives the "Embedded PostgreSQL at …" line (and Debug details).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server.</returns>
    /// <exception cref="EmbeddedPostgresException">
    /// The server programs were not found, or the cluster could not be initialised or started; the message says what was
    /// tried and how to fix it.
    /// </exception>
    public static Task<EmbeddedPostgres> StartAsync(string dataDirectory, ILogger logger, CancellationToken cancellationToken = default) =>
        StartAsync(dataDirectory, binDirectory: null, DefaultFirstPort, logger, cancellationToken);

    /// <summary>As the public overload, with the bin folder (no search) and the first port to try given.</summary>
    internal static async Task<EmbeddedPostgres> StartAsync(string dataDirectory, string? binDirectory, int firstPort, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentNullException.ThrowIfNull(logger);
        var data = Path.GetFullPath(dataDirectory);
        var cluster = ClusterDirectoryOf(data);
        try
        {
            Directory.CreateDirectory(data);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new EmbeddedPostgresException(
                $"Could not create the embedded PostgreSQL data folder {data}: {exception.Message}. Choose a writable data folder, or set ConnectionStrings:Workflows.",
                exception);
        }

        var bin = await PostgresBinaries.LocateAsync(binDirectory, ReadClusterVersion(cluster), cancellationToken).ConfigureAwait(false);
        var owner = await ClusterOwner.DetectAsync(cancellationToken).ConfigureAwait(false);
        var pgCtl = Path.Combine(bin, PostgresBinaries.Exe("pg_ctl"));

        int port;
        await using (await AcquireLockAsync(data, logger, cancellationToken).ConfigureAwait(false))
        {
            if (RunningServer(cluster) is { } running)
            {
                LogReusing(logger, data, running.Pid, running.Port);
                port = running.Port;
            }
            else
            {
                await PrepareFoldersAsync(data, owner, logger, cancellationToken).ConfigureAwait(false);
                await InitialiseAsync(data, bin, owner, logger, cancellationToken).ConfigureAwait(false);
                port = await StartServerAsync(data, pgCtl, owner, firstPort, logger, cancellationToken).ConfigureAwait(false);
            }

            await WaitUntilReadyAsync(data, port, cancellationToken).ConfigureAwait(false);
            await EnsureDatabaseAsync(data, port, cancellationToken).ConfigureAwait(false);
        }

        var server = new EmbeddedPostgres(data, port, owner, pgCtl, logger);
        LogReady(logger, data, port, server.ConnectionString);
        return server;
    }

    /// <summary>
    /// Stops the server (fast shutdown: open sessions are disconnected). Every process using this data folder loses its
    /// database; the next <see cref="StartAsync(string, ILogger, CancellationToken)"/> starts it again.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for the stop.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    /// <exception cref="EmbeddedPostgresException">pg_ctl could not stop the server.</exception>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await using (await AcquireLockAsync(DataDirectory, _logger, cancellationToken).ConfigureAwait(false))
        {
            if (RunningServer(ClusterDirectory) is null)
            {
                return;
            }

            LogStopping(_logger, DataDirectory);
            var result = await _owner.RunAsync(_pgCtl, ["-D", ClusterDirectory, "-m", "fast", "-w", "-t", "60", "stop"], PgCtlTimeout, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded && RunningServer(ClusterDirectory) is not null)
            {
                throw new EmbeddedPostgresException(
                    $"Could not stop the embedded PostgreSQL in {ClusterDirectory} (pg_ctl exit {result.ExitCode}): {result.Output}{LogTail(LogPath)}");
            }
        }

        using var connection = new NpgsqlConnection(ConnectionString);
        NpgsqlConnection.ClearPool(connection);
    }

    /// <summary>Releases nothing and leaves the server running (see <see cref="StopAsync(CancellationToken)"/>).</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string ClusterDirectoryOf(string data) => Path.Combine(data, "pg");

    private static string LogPathOf(string data) => Path.Combine(data, "pg.log");

    private static string SocketDirectoryOf(string data) => Path.Combine(data, "run");

    private static string PortPathOf(string data) => Path.Combine(data, "pg.port");

    private static string ConnectionStringFor(int port, string database, string extra = "") =>
        $"Host=127.0.0.1;Port={port.ToString(CultureInfo.InvariantCulture)};Username={Superuser};Database={database}{extra}";

    private static string? ReadClusterVersion(string cluster)
    {
        try
        {
            var version = File.ReadAllText(Path.Combine(cluster, "PG_VERSION")).Trim();
            return version.Length > 0 && version.All(c => char.IsAsciiDigit(c) || c == '.') ? version : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Serialises initialise/start/stop between processes (and callers) sharing the folder: an exclusive lock on
    /// <c>pg.lock</c>, released when the stream is disposed (or the process dies).
    /// </summary>
    private static async Task<FileStream> AcquireLockAsync(string data, ILogger logger, CancellationToken cancellationToken)
    {
        var path = Path.Combine(data, "pg.lock");
        var started = TimeProvider.System.GetTimestamp();
        var logged = false;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (IOException exception) when (exception is not FileNotFoundException and not DirectoryNotFoundException)
            {
                if (TimeProvider.System.GetElapsedTime(started) > LockTimeout)
                {
                    throw new EmbeddedPostgresException(
                        $"Timed out after {LockTimeout.TotalSeconds:0} s waiting for {path}: another process is initialising, starting or stopping the embedded PostgreSQL in {data}.",
                        exception);
                }

                if (!logged)
                {
                    LogWaitingForLock(logger, path);
                    logged = true;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }
            catch (UnauthorizedAccessException exception)
            {
                throw new EmbeddedPostgresException($"Cannot open {path}: {exception.Message}. Choose a data folder this user can write, or set ConnectionStrings:Workflows.", exception);
            }
        }
    }

    /// <summary>The live postmaster of the cluster (from <c>postmaster.pid</c>: pid on line 1, port on line 4), or null.</summary>
    private static (int Pid, int Port)? RunningServer(string cluster)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(Path.Combine(cluster, "postmaster.pid"));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (lines.Length < 4
            || !int.TryParse(lines[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !int.TryParse(lines[3].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited && process.ProcessName is "postgres" or "postmaster" or "postgres.exe" ? (pid, port) : null;
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null; // a stale file left by a crash: pg_ctl start replaces it
        }
    }

    /// <summary>
    /// Creates the cluster, socket and log locations; as root, hands them to the <c>postgres</c> user and makes the data
    /// folder and its parents traversable (o+x) for it.
    /// </summary>
    private static async Task PrepareFoldersAsync(string data, ClusterOwner owner, ILogger logger, CancellationToken cancellationToken)
    {
        var cluster = ClusterDirectoryOf(data);
        var socket = SocketDirectoryOf(data);
        var log = LogPathOf(data);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(cluster);
            return;
        }

        if (!Directory.Exists(cluster))
        {
            Directory.CreateDirectory(cluster, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Directory.CreateDirectory(socket);
        if (!owner.IsRoot)
        {
            return;
        }

        if (!File.Exists(log))
        {
            await File.WriteAllBytesAsync(log, [], cancellationToken).ConfigureAwait(false);
        }

        MakeTraversable(data, logger);
        await ClusterOwner.GiveToPostgresAsync([cluster, socket, log], cancellationToken).ConfigureAwait(false);
    }

    [UnsupportedOSPlatform("windows")]
    private static void MakeTraversable(string data, ILogger logger)
    {
        for (var folder = new DirectoryInfo(data); folder is not null; folder = folder.Parent)
        {
            var mode = folder.UnixFileMode;
            if ((mode & UnixFileMode.OtherExecute) == 0)
            {
                File.SetUnixFileMode(folder.FullName, mode | UnixFileMode.OtherExecute);
                LogMadeTraversable(logger, folder.FullName);
            }
        }
    }

    private static async Task InitialiseAsync(string data, string bin, ClusterOwner owner, ILogger logger, CancellationToken cancellationToken)
    {
        var cluster = ClusterDirectoryOf(data);
        if (File.Exists(Path.Combine(cluster, "PG_VERSION")))
        {
            return;
        }

        if (Directory.EnumerateFileSystemEntries(cluster).Any())
        {
            // Not a cluster (an interrupted initdb, or foreign files): initdb refuses a non-empty folder.
            var aside = cluster + ".broken-" + Guid.NewGuid().ToString("N")[..8];
            Directory.Move(cluster, aside);
            LogMovedAside(logger, cluster, aside);
            await PrepareFoldersAsync(data, owner, logger, cancellationToken).ConfigureAwait(false);
        }

        LogInitialising(logger, cluster, bin);
        var initdb = Path.Combine(bin, PostgresBinaries.Exe("initdb"));
        string[] arguments = ["-D", cluster, "-U", Superuser, "--auth=trust", "-E", "UTF8", "--no-locale"];
        var result = await owner.RunAsync(initdb, arguments, InitdbTimeout, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new EmbeddedPostgresException(
                $"initdb failed (exit {result.ExitCode}) for the embedded PostgreSQL in {cluster}" +
                (owner.IsRoot ? $" (run as the '{Superuser}' user)" : "") + $":{Environment.NewLine}{result.Output}");
        }
    }

    /// <summary>Starts the server on a free port (the last one first), retrying another port if it was taken meanwhile.</summary>
    private static async Task<int> StartServerAsync(string data, string pgCtl, ClusterOwner owner, int firstPort, ILogger logger, CancellationToken cancellationToken)
    {
        var cluster = ClusterDirectoryOf(data);
        var log = LogPathOf(data);
        var socketOption = SocketOption(SocketDirectoryOf(data));
        var taken = new HashSet<int>();
        for (var attempt = 1; ; attempt++)
        {
            var port = ChoosePort(data, firstPort, taken);
            var logLength = LengthOf(log);
            LogStarting(logger, cluster, port, log);
            string[] arguments = ["-D", cluster, "-l", log, "-w", "-t", "60", "-o", $"-p {port.ToString(CultureInfo.InvariantCulture)} -c listen_addresses=127.0.0.1{socketOption}", "start"];
            var result = await owner.RunAsync(pgCtl, arguments, PgCtlTimeout, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded || RunningServer(cluster) is not null)
            {
                // A server that came up after pg_ctl stopped waiting counts too: use the port it really has.
                var running = RunningServer(cluster)?.Port ?? port;
                await TryWritePortAsync(data, running, cancellationToken).ConfigureAwait(false);
                return running;
            }

            var newLog = ReadFrom(log, logLength);
            if (attempt < StartAttempts && (newLog.Contains("could not bind", StringComparison.OrdinalIgnoreCase) || newLog.Contains("already in use", StringComparison.OrdinalIgnoreCase)))
            {
                taken.Add(port); // another program took the port between our check and the server's bind
                continue;
            }

            throw new EmbeddedPostgresException(
                $"The embedded PostgreSQL in {cluster} did not start on 127.0.0.1:{port} (pg_ctl exit {result.ExitCode}): {result.Output}{LogTail(log)}");
        }
    }

    /// <summary>
    /// <c> -k 'dir'</c> for a Unix socket in the data folder; <c> -k ''</c> (no Unix socket) where the socket path would
    /// exceed the 107-byte limit; nothing on Windows.
    /// </summary>
    private static string SocketOption(string socketDirectory)
    {
        if (OperatingSystem.IsWindows())
        {
            return "";
        }

        const int maxSocketPath = 107;
        var fits = Encoding.UTF8.GetByteCount(socketDirectory + "/.s.PGSQL.65535") <= maxSocketPath;
        return " -k " + (fits ? Commands.ShellQuote(socketDirectory) : "''");
    }

    private static int ChoosePort(string data, int firstPort, HashSet<int> taken)
    {
        var candidates = Enumerable.Range(firstPort, PortsToScan);
        if (ReadStoredPort(data) is { } stored)
        {
            candidates = candidates.Prepend(stored);
        }

        foreach (var port in candidates)
        {
            if (!taken.Contains(port) && IsFree(port))
            {
                return port;
            }
        }

        throw new EmbeddedPostgresException(
            $"No free TCP port on 127.0.0.1 in {firstPort}..{firstPort + PortsToScan - 1} for the embedded PostgreSQL in {data}. Free one, or set ConnectionStrings:Workflows.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int? ReadStoredPort(string data)
    {
        try
        {
            return int.TryParse(File.ReadAllText(PortPathOf(data)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536 ? port : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static async Task TryWritePortAsync(string data, int port, CancellationToken cancellationToken)
    {
        try
        {
            await File.WriteAllTextAsync(PortPathOf(data), port.ToString(CultureInfo.InvariantCulture) + "\n", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Only a hint for the next start.
        }
    }

    private static async Task WaitUntilReadyAsync(string data, int port, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var connectionString = ConnectionStringFor(port, "postgres", ";Pooling=false;Timeout=3");
        while (true)
        {
            Exception failure;
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or SocketException or TimeoutException)
            {
                failure = exception;
            }

            if (TimeProvider.System.GetElapsedTime(started) > ReadyTimeout)
            {
                throw new EmbeddedPostgresException(
                    $"The embedded PostgreSQL in {ClusterDirectoryOf(data)} did not accept connections on 127.0.0.1:{port} within {ReadyTimeout.TotalSeconds:0} s ({failure.Message}).{LogTail(LogPathOf(data))}",
                    failure);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task EnsureDatabaseAsync(string data, int port, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionStringFor(port, "postgres", ";Pooling=false;Timeout=10"));
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
            exists.Parameters.AddWithValue("name", DatabaseName);
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                return;
            }

            await using var create = new NpgsqlCommand($"create database {DatabaseName}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Created by another process meanwhile.
        }
        catch (NpgsqlException exception)
        {
            throw new EmbeddedPostgresException(
                $"Could not create the '{DatabaseName}' database in the embedded PostgreSQL in {ClusterDirectoryOf(data)} (port {port}): {exception.Message}{LogTail(LogPathOf(data))}",
                exception);
        }
    }

    private static long LengthOf(string path)
    {
        try
        {
            return new FileInfo(path).Exists ? new FileInfo(path).Length : 0;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static string ReadFrom(string path, long offset)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>The last lines of the server log, as a message suffix.</summary>
    private static string LogTail(string log, int lines = 20)
    {
        var text = ReadFrom(log, Math.Max(0, LengthOf(log) - 16_384));
        var tail = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines).ToArray();
        return tail.Length == 0
            ? $"{Environment.NewLine}(The server log {log} is empty or missing.)"
            : $"{Environment.NewLine}Last lines of {log}:{Environment.NewLine}{string.Join(Environment.NewLine, tail)}";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded PostgreSQL at {DataDirectory} (port {Port}): {ConnectionString}")]
    private static partial void LogReady(ILogger logger, string dataDirectory, int port, string connectionString);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reusing the embedded PostgreSQL already running in {DataDirectory} (pid {Pid}, port {Port}).")]
    private static partial void LogReusing(ILogger logger, string dataDirectory, int pid, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Initialising a new embedded PostgreSQL cluster in {ClusterDirectory} with {BinDirectory}.")]
    private static partial void LogInitialising(ILogger logger, string clusterDirectory, string binDirectory);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Starting the embedded PostgreSQL in {ClusterDirectory} on 127.0.0.1:{Port} (log: {LogPath}).")]
    private static partial void LogStarting(ILogger logger, string clusterDirectory, int port, string logPath);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping the embedded PostgreSQL in {DataDirectory}.")]
    private static partial void LogStopping(ILogger logger, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Waiting for {LockPath}: another process is starting or stopping the embedded PostgreSQL.")]
    private static partial void LogWaitingForLock(ILogger logger, string lockPath);

    [LoggerMessage(Level = LogLevel.Information, Message = "Made {Folder} traversable (o+x) so the postgres user can reach the embedded PostgreSQL data folder.")]
    private static partial void LogMadeTraversable(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ClusterDirectory} was not a PostgreSQL cluster; moved it to {Aside} and initialising a new one.")]
    private static partial void LogMovedAside(ILogger logger, string clusterDirectory, string aside);
}
