using System.CommandLine;

namespace Workflows.Cli;

/// <summary>
/// The <c>workflows</c> command line: <c>translate</c> (legacy YAML → C#) and <c>validate</c> (YAML files and folders).
/// </summary>
/// <remarks>
/// Parsed with System.CommandLine (3.0.0) rather than by hand: for two commands with a few options it is hardly more
/// code, and it brings <c>--help</c> for each command, usage errors with did-you-mean, and <c>--version</c>. Everything
/// is written to the writers given, so tests run the real commands in process.
/// </remarks>
public static class WorkflowsCommand
{
    /// <summary>Exit code for success (warnings and infos allowed).</summary>
    public const int Success = 0;

    /// <summary>Exit code when a definition has errors or a file cannot be read.</summary>
    public const int Failure = 1;

    /// <summary>The commands that need no database or server: <c>translate</c> and <c>validate</c> (the host adds the others).</summary>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    public static IEnumerable<Command> OfflineCommands(TextWriter output, TextWriter error)
    {
        yield return TranslateCommand.Create(output, error);
        yield return ValidateCommand.Create(output, error);
    }

    /// <summary>Runs the offline command line in process (the <c>workflows</c> executable is src/Workflows.Host).</summary>
    /// <param name="args">The arguments, e.g. <c>translate job.yaml -o Job.cs</c>.</param>
    /// <param name="output">Standard output: C# (translate without <c>-o</c>) and summaries.</param>
    /// <param name="error">Standard error: problems in the compiler's format, <c>file(line,col): error WF0101: …</c>.</param>
    /// <returns>The exit code: 0 when nothing is an error, 1 otherwise (usage errors included).</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        var root = new RootCommand("Workflows: translate legacy formicary YAML into C# workflows, and validate YAML job definitions.");
        foreach (var command in OfflineCommands(output, error))
        {
            root.Subcommands.Add(command);
        }

        // A YAML file whose name starts with '@' is a file, not a response file.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
