using System.Net.Sockets;
using Npgsql;

namespace Workflows.Api.Http;

/// <summary>Tells a failure to reach PostgreSQL (answered 503 with a reason) from a bug (500).</summary>
internal static class DatabaseUnavailable
{
    /// <summary>The answer's message.</summary>
    public const string Message =
        "The host cannot reach its PostgreSQL database right now, so it cannot answer; nothing was changed. Try again in a moment; if it lasts, check that PostgreSQL is running and the host's connection string (ConnectionStrings:Workflows).";

    /// <summary>True when <paramref name="exception"/> (or one it wraps) says the database is away: no connection, refused, shut down, timed out.</summary>
    public static bool Is(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException p:
                    // 08: connection exceptions; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now.
                    return p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState is "57P01" or "57P02" or "57P03";
                case NpgsqlException:
                case SocketException:
                case TimeoutException:
                    return true;
            }
        }

        return false;
    }
}
