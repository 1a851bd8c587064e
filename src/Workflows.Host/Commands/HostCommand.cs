using System.CommandLine;
using Workflows.Cli;

namespace Workflows.Host.Commands;

/// <summary>The <c>workflows</c> command line; with no command it serves.</summary>
public static class HostCommand
{
    /// <summary>Runs the command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>0 on success; 1 when a job failed or the API refused; 2 for a usage error.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var output = Console.Out;
        var error = Console.Error;
        var backend = new BackendOptions();
        var serve = ServeCommand.Create(output);
        var root = new RootCommand("Workflows: a code-first workflow engine. With no command, serves the workers and the HTTP API on the embedded default PostgreSQL.")
        {
            serve,
            RunCommand.Create(backend, output, error),
            JobsCommand.Create(backend, output, error),
            TokensCommand.Create(backend, output, error),
            ConfigsCommand.Create(backend, output, error),
            ApprovalsCommand.Create(backend, output, error),
            SchedulesCommand.Create(backend, output, error),
            CachesCommand.Create(backend, output, error),
            DbCommand.Create(output, error),
            DoctorCommand.Create(output, error),
        };
        root.Options.Add(backend.Server);
        root.Options.Add(backend.Token);
        foreach (var command in WorkflowsCommand.OfflineCommands(output, error))
        {
            root.Subcommands.Add(command);
        }

        // No command: serve with the configured settings (configuration arguments need `serve`, so a mistyped command
        // is a usage error, never a server started by accident).
        root.SetAction((parsed, ct) => ServeCommand.RunAsync(null, [], output, ct));

        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (CommandException e)
        {
            await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            return 2;
        }
    }
}
