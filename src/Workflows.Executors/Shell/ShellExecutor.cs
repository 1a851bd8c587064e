using CliWrap;
using Workflows.Definitions;
using Workflows.Executors.Artifacts;
using Workflows.Executors.Logs;
using Workflows.Executors.Scripts;

namespace Workflows.Executors.Shell;

/// <summary>
/// SHELL: runs the task's script lines on the host with CliWrap, in one <c>sh</c> (see <see cref="ShellScript"/>), in a
/// fresh working directory per attempt that holds the dependencies' artifacts; streams stdout and stderr into the
/// log line by line; on timeout or cancellation kills the whole process tree.
/// </summary>
/// <param name="options">Shell and work folder.</param>
public sealed class ShellExecutor(ShellExecutorOptions options) : ITaskExecutor
{
    /// <inheritdoc />
    public IReadOnlyCollection<TaskMethod> Methods { get; } = [TaskMethod.Shell];

    /// <inheritdoc />
    public async Task<TaskOutcome> RunAsync(TaskExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        var attemptFolder = Path.Combine(options.WorkRoot, Safe(execution.JobId), $"{Safe(execution.Task.TaskType)}-{execution.Attempt}");
        var workingDirectory = execution.Task.WorkingDirectory is { } dir && Path.IsPathRooted(dir) ? dir
            : execution.Task.WorkingDirectory is { } relative ? Path.Combine(attemptFolder, relative) : attemptFolder;
        Directory.CreateDirectory(workingDirectory);
        try
        {
            await ArtifactFiles.PlaceAsync(execution.Inputs, execution.Artifacts, workingDirectory, cancellationToken).ConfigureAwait(false);
            var command = Cli.Wrap(options.Shell)
                .WithArguments(["-c", ShellScript.Compose(execution.Rendered)])
                .WithWorkingDirectory(workingDirectory)
                .WithEnvironmentVariables(execution.ProcessEnvironment().ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal))
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
                return TaskOutcome.Error(ExecutorErrors.ProcessFailed,
                    $"Task '{execution.Task.TaskType}' could not start '{options.Shell}': {e.Message}. Install a POSIX shell there or set the SHELL executor's Shell option.");
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
        }
    }

    private static string Safe(string name) => string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

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
