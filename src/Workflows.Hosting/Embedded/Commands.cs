using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Workflows.Hosting.Embedded;

/// <summary>What a finished command returned: its exit code and its standard output and error, interleaved.</summary>
internal sealed record CommandResult(int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>Runs the PostgreSQL tools: stdin is empty, output is captured, the working directory is <c>/</c>.</summary>
internal static class Commands
{
    public static async Task<CommandResult> RunAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // Another OS user (postgres) may not be allowed into our working directory.
            WorkingDirectory = OperatingSystem.IsWindows() ? Path.GetTempPath() : "/",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception exception)
        {
            throw new EmbeddedPostgresException($"Could not run {Describe(fileName, arguments)}: {exception.Message}", exception);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new EmbeddedPostgresException($"{Describe(fileName, arguments)} did not finish within {timeout.TotalSeconds:0} s. Output so far:{Environment.NewLine}{Text(output)}");
        }

        return new CommandResult(process.ExitCode, Text(output));
    }

    /// <summary>The first existing file among the candidates, then along PATH; or null.</summary>
    public static string? Find(string name, params string[] candidates)
    {
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return OnPath(name).FirstOrDefault(File.Exists);
    }

    /// <summary>Where <paramref name="name"/> would be on each PATH folder (existing or not), in PATH order.</summary>
    public static IEnumerable<string> OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(folder => Path.Combine(folder, name));

    /// <summary>The command as a POSIX shell would read it back.</summary>
    public static string Describe(string fileName, IEnumerable<string> arguments) =>
        string.Join(' ', arguments.Prepend(fileName).Select(ShellQuote));

    public static string ShellQuote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "/._-=:,+@%".Contains(c, StringComparison.Ordinal))
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString().TrimEnd();
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has exited meanwhile.
        }
    }
}

/// <summary>
/// Runs commands as the OS user that owns the cluster: ourselves, or <c>postgres</c> when we are root (initdb and
/// postgres refuse to run as root).
/// </summary>
internal sealed class ClusterOwner
{
    public const string PostgresUser = "postgres";

    private readonly string? _runuser;
    private readonly string? _su;

    private ClusterOwner(bool isRoot, string? runuser, string? su)
    {
        IsRoot = isRoot;
        _runuser = runuser;
        _su = su;
    }

    /// <summary>True when we run as root, so the cluster belongs to (and runs as) the <c>postgres</c> user.</summary>
    public bool IsRoot { get; }

    public static async Task<ClusterOwner> DetectAsync(CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows() || !await IsRootAsync(cancellationToken).ConfigureAwait(false))
        {
            return new ClusterOwner(false, null, null);
        }

        var id = Commands.Find("id", "/usr/bin/id", "/bin/id") ?? "id";
        var user = await Commands.RunAsync(id, ["-u", PostgresUser], TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        if (!user.Succeeded)
        {
            throw new EmbeddedPostgresException(
                $"This process runs as root, so the embedded PostgreSQL must run as the '{PostgresUser}' OS user (initdb and postgres refuse root), " +
                $"but that user does not exist. Install the PostgreSQL server (apt-get install postgresql creates it), run as a non-root user, " +
                "or set ConnectionStrings:Workflows to use an existing server.");
        }

        var runuser = Commands.Find("runuser", "/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser");
        var su = runuser is null ? Commands.Find("su", "/usr/bin/su", "/bin/su") : null;
        if (runuser is null && su is null)
        {
            throw new EmbeddedPostgresException(
                $"This process runs as root, so the embedded PostgreSQL must run as the '{PostgresUser}' OS user, but neither runuser nor su was found. " +
                "Run as a non-root user, or set ConnectionStrings:Workflows to use an existing server.");
        }

        return new ClusterOwner(true, runuser, su);
    }

    public Task<CommandResult> RunAsync(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!IsRoot)
        {
            return Commands.RunAsync(fileName, arguments, timeout, cancellationToken);
        }

        return _runuser is not null
            ? Commands.RunAsync(_runuser, ["-u", PostgresUser, "--", fileName, .. arguments], timeout, cancellationToken)
            : Commands.RunAsync(_su!, ["-s", "/bin/sh", PostgresUser, "-c", Commands.Describe(fileName, arguments)], timeout, cancellationToken);
    }

    /// <summary>Hands files and folders we (root) created to the <c>postgres</c> user.</summary>
    public static async Task GiveToPostgresAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var chown = Commands.Find("chown", "/usr/bin/chown", "/bin/chown") ?? "chown";
        var result = await Commands.RunAsync(chown, [PostgresUser + ":", .. paths], TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new EmbeddedPostgresException($"Could not hand {string.Join(", ", paths)} to the '{PostgresUser}' user (chown exit {result.ExitCode}): {result.Output}");
        }
    }

    private static async Task<bool> IsRootAsync(CancellationToken cancellationToken)
    {
        if (Environment.UserName == "root")
        {
            return true;
        }

        // A uid without a passwd entry has no name: ask the effective uid itself.
        var id = Commands.Find("id", "/usr/bin/id", "/bin/id");
        if (id is null)
        {
            return false;
        }

        var result = await Commands.RunAsync(id, ["-u"], TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        return result.Succeeded && result.Output.Trim() == "0";
    }
}
