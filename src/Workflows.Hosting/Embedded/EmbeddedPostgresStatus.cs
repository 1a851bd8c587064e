namespace Workflows.Hosting.Embedded;

/// <summary>Whether the embedded PostgreSQL of a data folder runs, and where (<c>workflows db status</c>).</summary>
/// <param name="DataDirectory">The data folder (full path).</param>
/// <param name="ClusterDirectory">The cluster folder, <c>{data folder}/pg</c>.</param>
/// <param name="SocketDirectory">The Unix socket's folder, <c>{data folder}/run</c>.</param>
/// <param name="LogPath">The server log, <c>{data folder}/pg.log</c>.</param>
/// <param name="ClusterExists">True when the cluster has been initialised.</param>
/// <param name="Pid">The server's process id; null when it does not run.</param>
/// <param name="Port">The server's port number (the socket file's suffix); null when it does not run.</param>
/// <param name="ConnectionString">How to connect (no password); null when it does not run.</param>
/// <param name="ListensOnTcp">True for a server started by an older version with a TCP listener (the next start restarts it locked down).</param>
public sealed record EmbeddedPostgresStatus(
    string DataDirectory,
    string ClusterDirectory,
    string SocketDirectory,
    string LogPath,
    bool ClusterExists,
    int? Pid,
    int? Port,
    string? ConnectionString,
    bool ListensOnTcp)
{
    /// <summary>True when the server runs.</summary>
    public bool Running => Pid is not null;

    /// <summary>The socket file, <c>{SocketDirectory}/.s.PGSQL.{Port}</c>; null when the server does not run.</summary>
    public string? SocketPath => Port is { } port ? Path.Combine(SocketDirectory, ".s.PGSQL." + port.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null;
}
