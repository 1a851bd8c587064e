// Over 400 lines (~700): one cluster's life (initdb, the locked-down settings rewritten at every start, start, reuse, stop, status) shares its locking and paths; the programs it runs are in Commands.cs.
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Workflows.Hosting.Embedded;

/// <summary>
/// The embedded default database: a private PostgreSQL cluster in an application data folder, used when no
/// <c>ConnectionStrings:Workflows</c> is configured. <see cref="StartAsync(string, ILogger, CancellationToken)"/>
/// initialises the cluster on first use (in <c>{data folder}/pg</c>), starts it, or reuses it when it already runs
/// (another host process on the same folder), and creates the <c>workflows</c> database.
/// </summary>
/// <remarks>
/// <para>
/// Layout of the data folder: <c>pg/</c> (the cluster), <c>pg.log</c> (the server log, 0600), <c>run/</c> (the Unix
/// socket, 0700) and <c>pg.lock</c> (serialises starts and stops of processes sharing the folder).
/// </para>
/// <para>
/// Least privilege: the server has no TCP listener (<c>listen_addresses = ''</c>); it accepts connections only on its Unix
/// socket in <c>run/</c>, a folder only the cluster's OS owner may enter, and only from that OS user (and root) by peer
/// authentication as superuser <c>postgres</c>; <c>pg_hba.conf</c> rejects everything else. No password exists. These
/// settings (<c>pg_hba.conf</c>, <c>pg_ident.conf</c>, <c>workflows.conf</c> included by <c>postgresql.conf</c>) are
/// rewritten at every start, so a cluster made by an older version (trust authentication on 127.0.0.1) is locked down,
/// and restarted if it was running, on the next start.
/// </para>
/// <para>
/// The server programs are found through <c>WORKFLOWS_PG_BIN</c>, <c>pg_config --bindir</c>,
/// <c>/usr/lib/postgresql/*/bin</c> (highest version) or PATH. As root, the cluster belongs to and runs as the
/// <c>postgres</c> OS user. Unix only (Linux, macOS).
/// </para>
/// <para>
/// The server keeps running after the process that started it exits (another process may share it, and the next start
/// reuses it). Disposing does not stop it; <see cref="StopAsync(CancellationToken)"/> or
/// <see cref="StopAsync(string, ILogger, CancellationToken)"/> (<c>workflows db stop</c>) does.
/// </para>
/// </remarks>
public sealed partial class EmbeddedPostgres : IAsyncDisposable
{
    /// <summary>The port number of a new server: it names the socket file (<c>.s.PGSQL.5433</c>); no TCP port is opened.</summary>
    internal const int DefaultPort = 5433;

    private const string Superuser = ClusterOwner.PostgresUser;
    private const string DatabaseName = "workflows";
    private const string IdentMap = "workflows";
    private const string IncludeFile = "workflows.conf";
    private const string IncludeLine = "include_if_exists = '" + IncludeFile + "'\t# Workflows: the embedded server's least-privilege settings (rewritten at every start)";

    // sun_path holds 108 bytes with the terminating zero.
    private const int MaxSocketPath = 107;

    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan InitdbTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan PgCtlTimeout = TimeSpan.FromSeconds(90);

    private readonly ILogger _logger;

    private EmbeddedPostgres(string dataDirectory, int port, int pid, ILogger logger)
    {
        DataDirectory = dataDirectory;
        Port = port;
        Pid = pid;
        _logger = logger;
        ConnectionString = ConnectionStringFor(dataDirectory, port, DatabaseName);
    }

    /// <summary>
    /// Connects to the <c>workflows</c> database over the Unix socket, without a password:
    /// <c>Host={data folder}/run;Port=5433;Username=postgres;Database=workflows</c>.
    /// </summary>
    public string ConnectionString { get; }

    /// <summary>The data folder (full path); the cluster itself is in its <c>pg</c> sub-folder.</summary>
    public string DataDirectory { get; }

    /// <summary>The server's port number: the suffix of its socket file. The server does not listen on TCP.</summary>
    public int Port { get; }

    /// <summary>The process id of the server (the postmaster) when it was started or found.</summary>
    public int Pid { get; }

    /// <summary>The folder of the Unix socket (<c>{data folder}/run</c>, mode 0700).</summary>
    public string SocketDirectory => SocketDirectoryOf(DataDirectory);

    /// <summary>The cluster folder (<c>PGDATA</c>).</summary>
    internal string ClusterDirectory => ClusterDirectoryOf(DataDirectory);

    /// <summary>The server log.</summary>
    internal string LogPath => LogPathOf(DataDirectory);

    /// <summary>
    /// Starts (or reuses) the private PostgreSQL cluster in <paramref name="dataDirectory"/> and returns when the
    /// <c>workflows</c> database accepts connections. Logs one Information line saying where it is and how to stop it.
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
        StartAsync(dataDirectory, binDirectory: null, DefaultPort, logger, cancellationToken);

    /// <summary>As the public overload, with the bin folder (no search) and the port number of a new server given.</summary>
    internal static async Task<EmbeddedPostgres> StartAsync(string dataDirectory, string? binDirectory, int port, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentNullException.ThrowIfNull(logger);
        var data = Path.GetFullPath(dataDirectory);
        if (OperatingSystem.IsWindows())
        {
            throw new EmbeddedPostgresException(
                $"The embedded PostgreSQL (data folder {data}) accepts connections only on a Unix socket, which this platform does not offer. " +
                "Set ConnectionStrings:Workflows to use a PostgreSQL server.");
        }

        var cluster = ClusterDirectoryOf(data);
        RequireShortSocketPath(data);
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

        (int Pid, int Port) server;
        await using (await AcquireLockAsync(data, logger, cancellationToken).ConfigureAwait(false))
        {
            await PrepareFoldersAsync(data, owner, logger, cancellationToken).ConfigureAwait(false);
            await InitialiseAsync(data, bin, owner, logger, cancellationToken).ConfigureAwait(false);
            var running = RunningServer(cluster);
            var changed = await LockDownAsync(data, running?.Port ?? port, owner, cancellationToken).ConfigureAwait(false);
            if (running is { } old && (changed || !old.SocketOnly || old.SocketDirectory != SocketDirectoryOf(data)))
            {
                // Started by an older version (TCP, trust) or with other settings: restart it with the locked-down ones.
                LogRestartingLockedDown(logger, data, old.Pid);
                await StopServerAsync(data, pgCtl, owner, cancellationToken).ConfigureAwait(false);
                running = null;
            }

            if (running is { } reused)
            {
                LogReusing(logger, data, reused.Pid);
                server = (reused.Pid, reused.Port);
            }
            else
            {
                server = await StartServerAsync(data, pgCtl, owner, logger, cancellationToken).ConfigureAwait(false);
            }

            await WaitUntilReadyAsync(data, server.Port, cancellationToken).ConfigureAwait(false);
            await EnsureDatabaseAsync(data, server.Port, cancellationToken).ConfigureAwait(false);
        }

        var started = new EmbeddedPostgres(data, server.Port, server.Pid, logger);
        LogReady(logger, data, started.SocketDirectory, server.Pid, started.ConnectionString);
        return started;
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
        await StopAsync(DataDirectory, _logger, cancellationToken).ConfigureAwait(false);
        using var connection = new NpgsqlConnection(ConnectionString);
        NpgsqlConnection.ClearPool(connection);
    }

    /// <summary>
    /// Stops the embedded server of <paramref name="dataDirectory"/> if it runs (what <c>workflows db stop</c> does).
    /// </summary>
    /// <param name="dataDirectory">The application data folder.</param>
    /// <param name="logger">Receives the "Stopping …" line.</param>
    /// <param name="cancellationToken">Cancels waiting for the stop.</param>
    /// <returns>The server as it was before the stop: <see cref="EmbeddedPostgresStatus.Running"/> false when there was nothing to stop.</returns>
    /// <exception cref="EmbeddedPostgresException">pg_ctl could not stop the server, or was not found.</exception>
    public static async Task<EmbeddedPostgresStatus> StopAsync(string dataDirectory, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentNullException.ThrowIfNull(logger);
        var data = Path.GetFullPath(dataDirectory);
        var before = Status(data);
        if (!before.Running || !Directory.Exists(data))
        {
            return before;
        }

        var bin = await PostgresBinaries.LocateAsync(null, ReadClusterVersion(ClusterDirectoryOf(data)), cancellationToken).ConfigureAwait(false);
        var owner = await ClusterOwner.DetectAsync(cancellationToken).ConfigureAwait(false);
        await using (await AcquireLockAsync(data, logger, cancellationToken).ConfigureAwait(false))
        {
            if (RunningServer(ClusterDirectoryOf(data)) is null)
            {
                return before;
            }

            LogStopping(logger, data);
            await StopServerAsync(data, Path.Combine(bin, PostgresBinaries.Exe("pg_ctl")), owner, cancellationToken).ConfigureAwait(false);
        }

        return before;
    }

    /// <summary>
    /// Whether the embedded server of <paramref name="dataDirectory"/> runs, and where (what <c>workflows db status</c>
    /// prints). Reads <c>postmaster.pid</c>; starts nothing.
    /// </summary>
    /// <param name="dataDirectory">The application data folder.</param>
    /// <returns>The status.</returns>
    public static EmbeddedPostgresStatus Status(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var data = Path.GetFullPath(dataDirectory);
        var cluster = ClusterDirectoryOf(data);
        var running = RunningServer(cluster);
        return new EmbeddedPostgresStatus(
            data,
            cluster,
            SocketDirectoryOf(data),
            LogPathOf(data),
            File.Exists(Path.Combine(cluster, "PG_VERSION")) || running is not null,
            running?.Pid,
            running?.Port,
            running is { } server ? ConnectionStringFor(data, server.Port, DatabaseName) : null,
            running is { } listening && !listening.SocketOnly);
    }

    /// <summary>Releases nothing and leaves the server running (see <see cref="StopAsync(CancellationToken)"/>).</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string ClusterDirectoryOf(string data) => Path.Combine(data, "pg");

    private static string LogPathOf(string data) => Path.Combine(data, "pg.log");

    private static string SocketDirectoryOf(string data) => Path.Combine(data, "run");

    private static string ConnectionStringFor(string data, int port, string database, string extra = "") =>
        new NpgsqlConnectionStringBuilder
        {
            Host = SocketDirectoryOf(data),
            Port = port,
            Username = Superuser,
            Database = database,
        }.ConnectionString + extra;

    private static void RequireShortSocketPath(string data)
    {
        var socket = Path.Combine(SocketDirectoryOf(data), ".s.PGSQL.65535");
        if (Encoding.UTF8.GetByteCount(socket) > MaxSocketPath)
        {
            throw new EmbeddedPostgresException(
                $"The data folder {data} is too long for the embedded PostgreSQL's Unix socket ({socket} is over {MaxSocketPath} bytes). " +
                "Choose a shorter Workflows:DataDirectory, or set ConnectionStrings:Workflows.");
        }
    }

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

    /// <summary>
    /// The live postmaster of the cluster, from <c>postmaster.pid</c>: pid (line 1), port (line 4), first socket folder
    /// (line 5) and first listen address (line 6, empty without TCP); or null.
    /// </summary>
    private static RunningPostmaster? RunningServer(string cluster)
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
            if (process.HasExited || process.ProcessName is not ("postgres" or "postmaster"))
            {
                return null;
            }
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null; // a stale file left by a crash: pg_ctl start replaces it
        }

        var socket = lines.Length > 4 ? lines[4].Trim() : "";
        var listen = lines.Length > 5 ? lines[5].Trim() : "";
        return new RunningPostmaster(pid, port, socket, listen.Length == 0);
    }

    /// <summary>
    /// Creates the cluster, socket and log locations with owner-only modes (the socket folder 0700, the log 0600) and
    /// closes the data folder to other users (0700; 0711 as root), also fixing those made by older versions; as root,
    /// hands them to the <c>postgres</c> user and makes the data folder and its parents traversable (o+x) for it.
    /// </summary>
    [UnsupportedOSPlatform("windows")]
    private static async Task PrepareFoldersAsync(string data, ClusterOwner owner, ILogger logger, CancellationToken cancellationToken)
    {
        var cluster = ClusterDirectoryOf(data);
        var socket = SocketDirectoryOf(data);
        var log = LogPathOf(data);
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        if (!Directory.Exists(cluster))
        {
            Directory.CreateDirectory(cluster, ownerOnly);
        }

        Directory.CreateDirectory(socket, ownerOnly);
        File.SetUnixFileMode(socket, ownerOnly);
        if (!File.Exists(log))
        {
            await File.WriteAllBytesAsync(log, [], cancellationToken).ConfigureAwait(false);
        }

        File.SetUnixFileMode(log, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        CloseToOthers(data, owner, logger);
        if (!owner.IsRoot)
        {
            return;
        }

        MakeTraversable(data, logger);
        await ClusterOwner.GiveToPostgresAsync([cluster, socket, log], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The data folder also holds artifacts and task work folders: no listing or writing by group and others (and, when
    /// the cluster runs as ourselves, no entering either; as root the <c>postgres</c> user must traverse it).
    /// </summary>
    [UnsupportedOSPlatform("windows")]
    private static void CloseToOthers(string data, ClusterOwner owner, ILogger logger)
    {
        var closed = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        if (!owner.IsRoot)
        {
            closed |= UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        }

        var mode = File.GetUnixFileMode(data);
        if ((mode & closed) == 0)
        {
            return;
        }

        try
        {
            File.SetUnixFileMode(data, mode & ~closed);
            var octal = Convert.ToString((int)(mode & ~closed), 8).PadLeft(4, '0');
            LogClosedToOthers(logger, data, octal);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogCouldNotClose(logger, data, exception.Message);
        }
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

    [UnsupportedOSPlatform("windows")]
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
        // pg_hba.conf is rewritten before the first start (LockDownAsync); these only keep initdb's own file closed.
        string[] arguments = ["-D", cluster, "-U", Superuser, "--auth-local=peer", "--auth-host=reject", "-E", "UTF8", "--no-locale"];
        var result = await owner.RunAsync(initdb, arguments, InitdbTimeout, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new EmbeddedPostgresException(
                $"initdb failed (exit {result.ExitCode}) for the embedded PostgreSQL in {cluster}" +
                (owner.IsRoot ? $" (run as the '{Superuser}' user)" : "") + $":{Environment.NewLine}{result.Output}");
        }
    }

    /// <summary>
    /// Writes the least-privilege settings into the cluster: <c>pg_hba.conf</c> (peer over the Unix socket, mapped to
    /// <c>postgres</c> for the cluster's OS owner and root; TCP rejected), <c>pg_ident.conf</c>, and <c>workflows.conf</c>
    /// (no TCP listener, the socket folder, socket mode 0700), included at the end of <c>postgresql.conf</c>.
    /// </summary>
    /// <returns>True when a file changed (a running server must be restarted to use it).</returns>
    [UnsupportedOSPlatform("windows")]
    private static async Task<bool> LockDownAsync(string data, int port, ClusterOwner owner, CancellationToken cancellationToken)
    {
        var cluster = ClusterDirectoryOf(data);
        var osUsers = owner.IsRoot ? new[] { "root", Superuser } : [Environment.UserName];
        var hba = new StringBuilder()
            .Append("# Written by Workflows at every start of its embedded PostgreSQL (edits are overwritten).\n")
            .Append("# Only the cluster's OS owner (and root), over the Unix socket in a 0700 folder; nothing over TCP.\n")
            .Append("# TYPE  DATABASE  USER  ADDRESS  METHOD\n")
            .Append(CultureInfo.InvariantCulture, $"local   all       all            peer map={IdentMap}\n")
            .Append("host    all       all   all      reject\n")
            .ToString();
        var ident = new StringBuilder()
            .Append("# Written by Workflows at every start of its embedded PostgreSQL (edits are overwritten).\n")
            .Append("# MAPNAME  SYSTEM-USERNAME  PG-USERNAME\n");
        foreach (var user in osUsers.Distinct(StringComparer.Ordinal))
        {
            ident.Append(CultureInfo.InvariantCulture, $"{IdentMap}  \"{user}\"  {Superuser}\n");
        }

        var settings = new StringBuilder()
            .Append("# Written by Workflows at every start of its embedded PostgreSQL (edits are overwritten).\n")
            .Append("listen_addresses = ''\n")
            .Append(CultureInfo.InvariantCulture, $"port = {port}\n")
            .Append(CultureInfo.InvariantCulture, $"unix_socket_directories = '{SocketDirectoryOf(data).Replace("'", "''", StringComparison.Ordinal)}'\n")
            .Append("unix_socket_permissions = 0700\n")
            .ToString();

        var changed = await WriteIfChangedAsync(Path.Combine(cluster, "pg_hba.conf"), hba, owner, cancellationToken).ConfigureAwait(false);
        changed |= await WriteIfChangedAsync(Path.Combine(cluster, "pg_ident.conf"), ident.ToString(), owner, cancellationToken).ConfigureAwait(false);
        changed |= await WriteIfChangedAsync(Path.Combine(cluster, IncludeFile), settings, owner, cancellationToken).ConfigureAwait(false);
        var conf = Path.Combine(cluster, "postgresql.conf");
        var text = await File.ReadAllTextAsync(conf, cancellationToken).ConfigureAwait(false);
        if (!text.Split('\n').Contains(IncludeLine, StringComparer.Ordinal))
        {
            // Last, so its settings win over earlier lines (postgresql.auto.conf, ALTER SYSTEM, still comes after).
            changed |= await WriteIfChangedAsync(conf, text.TrimEnd('\n') + "\n" + IncludeLine + "\n", owner, cancellationToken).ConfigureAwait(false);
        }

        return changed;
    }

    [UnsupportedOSPlatform("windows")]
    private static async Task<bool> WriteIfChangedAsync(string path, string content, ClusterOwner owner, CancellationToken cancellationToken)
    {
        var exists = File.Exists(path);
        if (exists && await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) == content)
        {
            return false;
        }

        // Truncating an existing file keeps its owner (postgres when we are root).
        await File.WriteAllTextAsync(path, content, cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (!exists && owner.IsRoot)
        {
            await ClusterOwner.GiveToPostgresAsync([path], cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private static async Task<(int Pid, int Port)> StartServerAsync(string data, string pgCtl, ClusterOwner owner, ILogger logger, CancellationToken cancellationToken)
    {
        var cluster = ClusterDirectoryOf(data);
        var log = LogPathOf(data);
        LogStarting(logger, cluster, log);
        // The settings are in workflows.conf; "-c listen_addresses=" again here so no other file can open TCP.
        string[] arguments = ["-D", cluster, "-l", log, "-w", "-t", "60", "-o", "-c listen_addresses=''", "start"];
        var result = await owner.RunAsync(pgCtl, arguments, PgCtlTimeout, cancellationToken).ConfigureAwait(false);
        if (RunningServer(cluster) is { } running)
        {
            // A server that came up after pg_ctl stopped waiting counts too.
            return (running.Pid, running.Port);
        }

        throw new EmbeddedPostgresException(
            $"The embedded PostgreSQL in {cluster} did not start (pg_ctl exit {result.ExitCode}): {result.Output}{LogTail(log)}");
    }

    private static async Task StopServerAsync(string data, string pgCtl, ClusterOwner owner, CancellationToken cancellationToken)
    {
        var cluster = ClusterDirectoryOf(data);
        var result = await owner.RunAsync(pgCtl, ["-D", cluster, "-m", "fast", "-w", "-t", "60", "stop"], PgCtlTimeout, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded && RunningServer(cluster) is not null)
        {
            throw new EmbeddedPostgresException(
                $"Could not stop the embedded PostgreSQL in {cluster} (pg_ctl exit {result.ExitCode}): {result.Output}{LogTail(LogPathOf(data))}");
        }
    }

    private static async Task WaitUntilReadyAsync(string data, int port, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var connectionString = ConnectionStringFor(data, port, "postgres", ";Pooling=false;Timeout=3");
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
                    $"The embedded PostgreSQL in {ClusterDirectoryOf(data)} did not accept connections on its socket in {SocketDirectoryOf(data)} within {ReadyTimeout.TotalSeconds:0} s ({failure.Message}).{LogTail(LogPathOf(data))}",
                    failure);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task EnsureDatabaseAsync(string data, int port, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionStringFor(data, port, "postgres", ";Pooling=false;Timeout=10"));
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
                $"Could not create the '{DatabaseName}' database in the embedded PostgreSQL in {ClusterDirectoryOf(data)}: {exception.Message}{LogTail(LogPathOf(data))}",
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded PostgreSQL at {DataDirectory} (pid {Pid}, Unix socket in {SocketDirectory}, no TCP): {ConnectionString}. It keeps running after this process exits; stop it with `workflows db stop` (same configuration).")]
    private static partial void LogReady(ILogger logger, string dataDirectory, string socketDirectory, int pid, string connectionString);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reusing the embedded PostgreSQL already running in {DataDirectory} (pid {Pid}).")]
    private static partial void LogReusing(ILogger logger, string dataDirectory, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restarting the embedded PostgreSQL in {DataDirectory} (pid {Pid}) with the locked-down settings: Unix socket only, peer authentication, no TCP listener.")]
    private static partial void LogRestartingLockedDown(ILogger logger, string dataDirectory, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Initialising a new embedded PostgreSQL cluster in {ClusterDirectory} with {BinDirectory}.")]
    private static partial void LogInitialising(ILogger logger, string clusterDirectory, string binDirectory);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Starting the embedded PostgreSQL in {ClusterDirectory}, Unix socket only (log: {LogPath}).")]
    private static partial void LogStarting(ILogger logger, string clusterDirectory, string logPath);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping the embedded PostgreSQL in {DataDirectory}.")]
    private static partial void LogStopping(ILogger logger, string dataDirectory);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Waiting for {LockPath}: another process is starting or stopping the embedded PostgreSQL.")]
    private static partial void LogWaitingForLock(ILogger logger, string lockPath);

    [LoggerMessage(Level = LogLevel.Information, Message = "Made {Folder} traversable (o+x) so the postgres user can reach the embedded PostgreSQL data folder.")]
    private static partial void LogMadeTraversable(ILogger logger, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed the data folder {DataDirectory} to other users (mode now {Mode}).")]
    private static partial void LogClosedToOthers(ILogger logger, string dataDirectory, string mode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not close the data folder {DataDirectory} to other users ({Reason}); chmod go-rw it yourself.")]
    private static partial void LogCouldNotClose(ILogger logger, string dataDirectory, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{ClusterDirectory} was not a PostgreSQL cluster; moved it to {Aside} and initialising a new one.")]
    private static partial void LogMovedAside(ILogger logger, string clusterDirectory, string aside);

    /// <summary>What <c>postmaster.pid</c> says of a live server.</summary>
    private readonly record struct RunningPostmaster(int Pid, int Port, string SocketDirectory, bool SocketOnly);
}
