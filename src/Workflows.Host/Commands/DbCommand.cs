using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Workflows.Host.Serving;
using Workflows.Hosting.Embedded;

namespace Workflows.Host.Commands;

/// <summary>
/// <c>workflows db status | start | stop</c>: the embedded default PostgreSQL of the data folder the host would use
/// (same configuration: <c>Workflows:DataDirectory</c> from appsettings.json, <c>Workflows__DataDirectory</c>,
/// <c>--Workflows:DataDirectory=…</c>). The server keeps running after hosts exit; this is how to see and stop it.
/// </summary>
internal static class DbCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var db = new Command("db", "The embedded default PostgreSQL of the data folder (used when ConnectionStrings:Workflows is not set): status, start, stop.");

        var status = new Command("status", "Whether the embedded PostgreSQL runs, where (data folder, socket), its pid and how to stop it.");
        status.TreatUnmatchedTokensAsErrors = false;
        status.SetAction(async (parsed, ct) =>
        {
            var settings = Resolve(parsed);
            await NoteConnectionStringAsync(settings, output).ConfigureAwait(false);
            var state = EmbeddedPostgres.Status(settings.DataDirectory);
            if (await UnreadableAsync(state, error).ConfigureAwait(false))
            {
                return 1;
            }

            if (state.Running)
            {
                await output.WriteLineAsync($"embedded PostgreSQL: running (pid {state.Pid})").ConfigureAwait(false);
                await WriteWhereAsync(state, output).ConfigureAwait(false);
                if (state.ListensOnTcp)
                {
                    await output.WriteLineAsync("  warning: it was started by an older version and listens on TCP; `workflows db start` or the next host start restarts it locked down (Unix socket only).").ConfigureAwait(false);
                }

                await output.WriteLineAsync("It keeps running after hosts exit; stop it with `workflows db stop` (same configuration).").ConfigureAwait(false);
            }
            else
            {
                await output.WriteLineAsync("embedded PostgreSQL: not running").ConfigureAwait(false);
                await output.WriteLineAsync($"  data folder: {state.DataDirectory}").ConfigureAwait(false);
                await output.WriteLineAsync($"  cluster:     {(state.ClusterExists ? state.ClusterDirectory : "none yet (made by the first start)")}").ConfigureAwait(false);
                await output.WriteLineAsync("A host starts it when it needs it (`workflows serve`); `workflows db start` starts it alone.").ConfigureAwait(false);
            }

            return 0;
        });
        db.Subcommands.Add(status);

        var start = new Command("start", "Start the embedded PostgreSQL (initialised on first use); it keeps running until `workflows db stop`.");
        start.TreatUnmatchedTokensAsErrors = false;
        start.SetAction(async (parsed, ct) =>
        {
            var settings = Resolve(parsed);
            await NoteConnectionStringAsync(settings, output).ConfigureAwait(false);
            try
            {
                await using var server = await EmbeddedPostgres.StartAsync(settings.DataDirectory, NullLogger.Instance, ct).ConfigureAwait(false);
            }
            catch (EmbeddedPostgresException e)
            {
                await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return 1;
            }

            var state = EmbeddedPostgres.Status(settings.DataDirectory);
            await output.WriteLineAsync($"embedded PostgreSQL: running (pid {state.Pid})").ConfigureAwait(false);
            await WriteWhereAsync(state, output).ConfigureAwait(false);
            await output.WriteLineAsync("It keeps running after this command; stop it with `workflows db stop` (same configuration).").ConfigureAwait(false);
            return 0;
        });
        db.Subcommands.Add(start);

        var stop = new Command("stop", "Stop the embedded PostgreSQL (hosts using it lose their database); exit 0 also when it was not running.");
        stop.TreatUnmatchedTokensAsErrors = false;
        stop.SetAction(async (parsed, ct) =>
        {
            var settings = Resolve(parsed);
            if (await UnreadableAsync(EmbeddedPostgres.Status(settings.DataDirectory), error).ConfigureAwait(false))
            {
                return 1;
            }

            EmbeddedPostgresStatus before;
            try
            {
                before = await EmbeddedPostgres.StopAsync(settings.DataDirectory, NullLogger.Instance, ct).ConfigureAwait(false);
            }
            catch (EmbeddedPostgresException e)
            {
                await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return 1;
            }

            await output.WriteLineAsync(before.Running
                ? $"stopped the embedded PostgreSQL in {before.DataDirectory} (pid {before.Pid})"
                : $"the embedded PostgreSQL in {before.DataDirectory} is not running; nothing to stop").ConfigureAwait(false);
            return 0;
        });
        db.Subcommands.Add(stop);
        return db;
    }

    /// <summary>The data folder and connection string from the host's configuration (without building a host).</summary>
    private static (string DataDirectory, string? ConnectionString) Resolve(ParseResult parsed)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = parsed.UnmatchedTokens.ToArray(),
            ContentRootPath = HostSetup.ContentRoot,
        });
        var data = builder.Configuration["Workflows:DataDirectory"];
        return (string.IsNullOrWhiteSpace(data) ? new WorkflowsOptions().DataDirectory : data, builder.Configuration.GetConnectionString("Workflows"));
    }

    private static async Task NoteConnectionStringAsync((string DataDirectory, string? ConnectionString) settings, TextWriter output)
    {
        if (!string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            await output.WriteLineAsync("note: ConnectionStrings:Workflows is set, so hosts with this configuration use that server, not the embedded one.").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A cluster of another OS user (e.g. root's /var/lib/workflows seen by a normal user) cannot be inspected: say so
    /// rather than "not running".
    /// </summary>
    private static async Task<bool> UnreadableAsync(EmbeddedPostgresStatus state, TextWriter error)
    {
        if (state.Running || !Directory.Exists(state.ClusterDirectory))
        {
            return false;
        }

        try
        {
            _ = Directory.EnumerateFileSystemEntries(state.ClusterDirectory).Any();
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            await error.WriteLineAsync(
                $"error: {state.ClusterDirectory} belongs to another OS user and this one may not read it; run the command as the user that runs the host " +
                "(for /var/lib/workflows: root), or point Workflows:DataDirectory at your own data folder.").ConfigureAwait(false);
            return true;
        }
    }

    private static async Task WriteWhereAsync(EmbeddedPostgresStatus state, TextWriter output)
    {
        await output.WriteLineAsync($"  data folder: {state.DataDirectory}").ConfigureAwait(false);
        await output.WriteLineAsync($"  socket:      {state.SocketPath} (Unix socket only; no TCP, no password)").ConfigureAwait(false);
        await output.WriteLineAsync($"  connect:     {state.ConnectionString}").ConfigureAwait(false);
        await output.WriteLineAsync($"  log:         {state.LogPath}").ConfigureAwait(false);
    }
}
