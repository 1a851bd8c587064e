using System.Collections.Concurrent;
using System.Formats.Tar;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Docker.DotNet;
using Docker.DotNet.Models;
using Workflows.Definitions;
using Workflows.Executors.Logs;

namespace Workflows.Executors.Docker;

/// <summary>Files in and out of the container through the archive API: dependencies' artifacts in, the task's artifacts out.</summary>
public sealed partial class DockerExecutor
{
    private async Task<TaskOutcome?> CopyInputsAsync(TaskExecution execution, string id, string workingDirectory, CancellationToken cancellationToken)
    {
        await using var tar = TemporaryFile("wf-inputs");
        var archive = new InputArchive(tar);
        await using (archive.ConfigureAwait(false))
        {
            foreach (var input in execution.Inputs)
            {
                var name = ContainerArchives.NormalizeRelative(input.Name);
                if (name is null)
                {
                    execution.Log.Write(LogSource.System, $"input artifact '{input.Name}' of task '{input.TaskType}' skipped: its name is not a relative path");
                    continue;
                }

                try
                {
                    var content = execution.Artifacts.OpenRead(input);
                    await using (content.ConfigureAwait(false))
                    {
                        await archive.AddFileAsync(name, content, input.CreatedAt, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    return TaskOutcome.Error(ExecutorErrors.ArtifactFailed,
                        $"Artifact '{input.Name}' of task '{input.TaskType}' (job {input.JobId}, attempt {input.Attempt}), a dependency of task " +
                        $"'{execution.Task.TaskType}', could not be read: {e.Message}. It may have expired: re-run the task that produces it, " +
                        "or raise its artifacts.expires_after.");
                }
            }
        }

        if (archive.Files.Count == 0)
        {
            return null;
        }

        tar.Position = 0;
        await _client.Containers.ExtractArchiveToContainerAsync(id, new CopyToContainerParameters { Path = workingDirectory }, tar, cancellationToken)
            .ConfigureAwait(false);
        execution.Log.Write(LogSource.System, $"placed {archive.Files.Count} input artifact(s) in {workingDirectory}: {string.Join(", ", archive.Files)}");
        return null;
    }

    private async Task<TaskOutcome?> CollectArtifactsAsync(TaskExecution execution, string id, string workingDirectory, int exitCode, CancellationToken cancellationToken)
    {
        var task = execution.Task;
        var spec = task.Artifacts;
        var log = execution.Log;
        if (spec is null || spec.Paths.IsEmpty)
        {
            return null;
        }

        if ((spec.When == ArtifactsWhen.OnSuccess && exitCode != 0) || (spec.When == ArtifactsWhen.OnFailure && exitCode == 0))
        {
            log.Write(LogSource.System, $"artifacts not collected: they are kept {(spec.When == ArtifactsWhen.OnSuccess ? "on success" : "on failure")} only");
            return null;
        }

        foreach (var path in spec.Paths)
        {
            if (ContainerArchives.ArtifactSource(workingDirectory, path) is not { } source)
            {
                log.Write(LogSource.System, $"artifact path '{path}' ignored: empty or with '..'");
                continue;
            }

            ContainerArchiveResponse archive;
            try
            {
                archive = await _client.Containers.GetArchiveFromContainerAsync(id, new ContainerPathStatParameters { Path = source.ContainerPath }, false, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                log.Write(LogSource.System, $"artifact '{path}' not found");
                continue;
            }

            var saved = 0;
            try
            {
                // Buffered whole first: the engine's chunked response stream throws EndOfStreamException on the
                // zero-length reads TarReader issues at the end of an entry's data.
                await using var buffer = TemporaryFile("wf-artifacts");
                using (var response = archive.Stream ?? Stream.Null)
                {
                    await response.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                }

                buffer.Position = 0;
                var reader = new TarReader(buffer);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                    {
                        if (!ContainerArchives.IsFile(entry))
                        {
                            continue;
                        }

                        var name = ContainerArchives.EntryArtifactName(source.Name, entry.Name);
                        var info = await execution.Artifacts.SaveAsync(execution.JobId, task.TaskType, execution.Attempt, name,
                            entry.DataStream ?? Stream.Null, spec.ExpiresAfter, cancellationToken).ConfigureAwait(false);
                        log.Write(LogSource.System, $"artifact '{name}' saved ({info.Size.ToString(CultureInfo.InvariantCulture)} bytes)");
                        saved++;
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return TaskOutcome.Error(ExecutorErrors.ArtifactFailed,
                    $"Artifact '{path}' of task '{task.TaskType}' could not be collected from its container: {Describe(e)}. " +
                    "Check the artifact store's space and permissions; the task's exit code was " + exitCode.ToString(CultureInfo.InvariantCulture) + ".",
                    exitCode);
            }

            if (saved == 0)
            {
                log.Write(LogSource.System, $"artifact '{path}' holds no files");
            }
        }

        return null;
    }

    /// <summary>A scratch file deleted when closed, for tar archives too large to hold in memory.</summary>
    private static FileStream TemporaryFile(string prefix) =>
        new(Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}.tar"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
}
