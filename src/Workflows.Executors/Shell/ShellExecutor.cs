using CliWrap;
using Workflows.Definitions;
using Workflows.Executors.Artifacts;
using Workflows.Executors.Logs;
using Workflows.Executors.Scripts;

namespace Workflows.Executors.Shell;

/// <summary>
/// SHELL: runs the task's script lines on the host with CliWrap, in one <c>sh</c> (see <see cref="ShellScript"/>), in a
/// fresh working directory per attempt that holds the dependencies' artifacts; streams stdout and stderr into the
/// log line by line; on timeout or cancellation kills the whole process tree. Only when the host's
/// <see cref="ExecutionPolicy"/> allows SHELL; a root host runs the script as <see cref="ExecutionPolicy.RunAs"/>
/// (with <c>setpriv</c>); the script reaches the shell as a file readable by its user only, never as an argument.
/// </summary>
/// <param name="options">Shell, work folder and policy.</param>
public sealed class ShellExecutor(ShellExecutorOptions options) : ITaskExecutor
{
    /// <inheritdoc />
    public IReadOnlyCollection<TaskMethod> Methods { get; } = [TaskMethod.Shell];

    /// <inheritdoc />
    public async Task<TaskOutcome> RunAsync(TaskExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        var taskType = execution.Task.TaskType;
        if (!options.Policy.AllowShell)
        {
            return TaskOutcome.Error(ExecutorErrors.MethodNotAllowed,
                $"Task '{taskType}' uses SHELL, which this host does not allow: a SHELL task runs its script on the host itself. " +
                "Set Workflows:Execution:AllowShell=true (options.Execution.AllowShell) on a host whose definition authors you trust with its machine, or run the script in a container (DOCKER).");
        }

        (int Uid, int Gid)? user = null;
        if (ProcessUser.IsRoot && !options.Policy.AllowRoot)
        {
            user = ProcessUser.Resolve(options.Policy.RunAs);
            if (user is null)
            {
                return TaskOutcome.Error(ExecutorErrors.MethodNotAllowed,
                    $"Task '{taskType}' would run as '{options.Policy.RunAs}' (Workflows:Execution:RunAs, as the host runs as root), which is not a user of this machine: create it, or set RunAs to an existing unprivileged user.");
            }

            if (UnreachableAncestor(options.WorkRoot) is { } closed)
            {
                return TaskOutcome.Error(ExecutorErrors.ProcessFailed,
                    $"Task '{taskType}' runs as '{options.Policy.RunAs}' (the host runs as root), who cannot reach the work folder '{options.WorkRoot}': '{closed}' is not searchable by other users. " +
                    "Put the host's DataDirectory outside a private folder such as /root (the default for root, /var/lib/workflows, works), or run 'chmod o+x' on that folder.");
            }
        }

        var attemptFolder = Path.Combine(options.WorkRoot, Safe(execution.JobId), $"{Safe(taskType)}-{execution.Attempt}");
        // Beside the working directory, not in it: artifacts of '.' must not collect it.
        var scriptFile = attemptFolder + ".sh";
        var workingDirectory = execution.Task.WorkingDirectory is { } dir && Path.IsPathRooted(dir) ? dir
            : execution.Task.WorkingDirectory is { } relative ? Path.Combine(attemptFolder, relative) : attemptFolder;
        Directory.CreateDirectory(attemptFolder);
        Directory.CreateDirectory(workingDirectory);
        try
        {
            await ArtifactFiles.PlaceAsync(execution.Inputs, execution.Artifacts, workingDirectory, cancellationToken).ConfigureAwait(false);

            // The script (secrets included) goes in a file only its user reads, never on the command line (/proc/PID/cmdline, ps).
            var file = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            var stream = new FileStream(scriptFile, file);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(ShellScript.Compose(execution.Rendered)), cancellationToken).ConfigureAwait(false);
            }

            var environment = Environment(execution, user is null ? null : workingDirectory);
            Command command;
            if (user is { } who && !OperatingSystem.IsWindows())
            {
                // The run-as user passes through the work root and the job's folder (0711: no listing of other jobs) to its own attempt folder (0700).
                const UnixFileMode Traverse = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
                File.SetUnixFileMode(options.WorkRoot, Traverse);
                File.SetUnixFileMode(Path.GetDirectoryName(attemptFolder)!, Traverse);
                File.SetUnixFileMode(attemptFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                ProcessUser.GiveTo(attemptFolder, who);
                ProcessUser.GiveTo(scriptFile, who);
                command = Cli.Wrap("setpriv").WithArguments(
                [
                    "--reuid=" + who.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "--regid=" + who.Gid.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "--clear-groups", "--no-new-privs", "--", options.Shell, scriptFile,
                ]);
            }
            else
            {
                command = Cli.Wrap(options.Shell).WithArguments([scriptFile]);
            }

            command = command
                .WithWorkingDirectory(workingDirectory)
                .WithEnvironmentVariables(environment)
                .WithValidation(CommandResultValidation.None)
                .WithStandardOutputPipe(PipeTarget.ToDelegate(line => execution.Log.Write(LogSource.Stdout, line)))
                .WithStandardErrorPipe(PipeTarget.ToDelegate(line => execution.Log.Write(LogSource.Stderr, line)));
            CommandResult result;
            try
            {
                result = await command.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return TaskOutcome.Error(ExecutorErrors.ProcessFailed, user is null
                    ? $"Task '{taskType}' could not start '{options.Shell}': {e.Message}. Install a POSIX shell there or set the SHELL executor's Shell option."
                    : $"Task '{taskType}' could not start 'setpriv' (which runs it as '{options.Policy.RunAs}', as the host runs as root): {e.Message}. Install util-linux, or run the host as an unprivileged user.");
            }

            execution.Log.Write(LogSource.System, $"exit code {result.ExitCode}");
            if (ArtifactFiles.ShouldCollect(execution.Task.Artifacts, result.ExitCode))
            {
                var saved = await ArtifactFiles.CollectAsync(execution, workingDirectory, execution.Task.Artifacts!.Paths,
                    path => execution.Log.Write(LogSource.System, $"artifact '{path}' not found in the working directory"), cancellationToken).ConfigureAwait(false);
                foreach (var artifact in saved)
                {
                    execution.Log.Write(LogSource.System, $"artifact '{artifact.Name}' saved ({artifact.Size} bytes, sha256 {artifact.Sha256[..12]})");
                }
            }

            return TaskOutcome.Exited(result.ExitCode);
        }
        finally
        {
            TryDelete(attemptFolder);
            TryDeleteFile(scriptFile);
        }
    }

    /// <summary>
    /// The process's environment: the host's variables in <see cref="ShellExecutorOptions.InheritedEnvironment"/> only
    /// (the others are removed: null), then the attempt's; a task run as another user gets its working directory as HOME.
    /// </summary>
    private Dictionary<string, string?> Environment(TaskExecution execution, string? home)
    {
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in System.Environment.GetEnvironmentVariables().Keys.OfType<string>())
        {
            if (!options.InheritedEnvironment.Contains(name))
            {
                variables[name] = null;
            }
        }

        if (home is not null)
        {
            variables["HOME"] = home;
            variables["USER"] = variables["LOGNAME"] = options.Policy.RunAs;
        }

        foreach (var (name, value) in execution.ProcessEnvironment())
        {
            variables[name] = value;
        }

        return variables;
    }

    /// <summary>The first folder above the work root that other users cannot pass through (no o+x); null when all can.</summary>
    private static string? UnreachableAncestor(string workRoot)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        for (var folder = Path.GetDirectoryName(Path.GetFullPath(workRoot)); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (Directory.Exists(folder) && (File.GetUnixFileMode(folder) & UnixFileMode.OtherExecute) == 0)
            {
                return folder;
            }
        }

        return null;
    }

    private static string Safe(string name) => string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    private static void TryDeleteFile(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for later cleanup, never a task failure.
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a killed child: the next run of the work folder's cleanup removes it.
        }
        catch (UnauthorizedAccessException)
        {
            // Same: left for later cleanup, never a task failure.
        }
    }
}
