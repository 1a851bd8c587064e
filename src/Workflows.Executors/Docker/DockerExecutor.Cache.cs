using System.Formats.Tar;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Docker.DotNet;
using Docker.DotNet.Models;
using Workflows.Executors.Caches;
using Workflows.Executors.Logs;

namespace Workflows.Executors.Docker;

/// <summary>
/// A task's <c>cache</c>, as formicary's ant runs it for DOCKER and KUBERNETES tasks: after <c>before_script</c> the key
/// is found (the rendered <c>key</c>, else the SHA-256 of the <c>key_paths</c> files' content) and the newest unexpired
/// archive of (job type, key) is extracted into the working directory; after a successful script the <c>paths</c> are
/// saved as one archive under that key. The script waits at that point in its one shell (so a <c>cd</c> or
/// <c>export</c> of <c>before_script</c> still carries on): it prints a marker line and waits for a file the executor
/// creates once the cache is in place.
/// </summary>
public sealed partial class DockerExecutor
{
    /// <summary>Every archived entry gets this modification time, so the same files always make the same archive (and blob).</summary>
    private static readonly DateTimeOffset CacheEntryTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The cache of an attempt whose task has one that runs; null (with the reason logged) otherwise.</summary>
    private static CachePlan? PlanCache(TaskExecution execution)
    {
        var cache = execution.Task.Cache;
        if (cache is null || cache.Paths.IsEmpty)
        {
            return null;
        }

        if (execution.Caches is null)
        {
            execution.Log.Write(LogSource.System, "cache not used: this host keeps no caches (no cache store)");
            return null;
        }

        if (execution.Rendered.CacheKey is null && cache.KeyPaths.IsEmpty)
        {
            // formicary's rule (CacheConfig.Valid): paths without key or key_paths are neither restored nor saved.
            execution.Log.Write(LogSource.System, "cache not used: it has paths but neither key nor key_paths; add 'key: <name>' or 'key_paths: [<lock file>]'");
            return null;
        }

        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        return new CachePlan("::workflows-cache-point " + nonce + "::", "/.workflows-cache-" + nonce);
    }

    /// <summary>
    /// Waits for the script to reach the cache point (or to exit first: before_script failed) and serves it. Should the
    /// output stream end without the marker while the container still runs, the script is let go on without a cache
    /// rather than left waiting for a marker that cannot be seen.
    /// </summary>
    private async Task AwaitCachePointAsync(TaskExecution execution, string id, string workingDirectory, CachePlan cache, Task exited, Task logs, CancellationToken cancellationToken)
    {
        var first = await Task.WhenAny(exited, cache.Reached.Task, logs).ConfigureAwait(false);
        if (first == cache.Reached.Task)
        {
            await AtCachePointAsync(execution, id, workingDirectory, cache, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (first == logs && !cache.Reached.Task.IsCompleted
            && await Task.WhenAny(exited, cache.Reached.Task, Task.Delay(LogDrainTimeout, cancellationToken)).ConfigureAwait(false) != exited
            && !cache.Reached.Task.IsCompleted)
        {
            execution.Log.Write(LogSource.System, "cache not restored: the container's output ended before the cache point could be seen; the script runs without it");
            await SignalCachePointAsync(id, cache, cancellationToken).ConfigureAwait(false);
        }
        else if (cache.Reached.Task.IsCompleted && !exited.IsCompleted)
        {
            await AtCachePointAsync(execution, id, workingDirectory, cache, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>At the cache point: finds the key, restores the cache (a failure is logged and ignored, as formicary does), then lets the script go on.</summary>
    private async Task AtCachePointAsync(TaskExecution execution, string id, string workingDirectory, CachePlan plan, CancellationToken cancellationToken)
    {
        var log = execution.Log;
        try
        {
            plan.Key = execution.Rendered.CacheKey ?? await KeyFromFilesAsync(execution, id, workingDirectory, cancellationToken).ConfigureAwait(false);
            if (plan.Key is not null)
            {
                await RestoreCacheAsync(execution, id, workingDirectory, plan.Key, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            log.Write(LogSource.System, $"cache not restored: {Describe(e)}; the script runs without it");
        }

        await SignalCachePointAsync(id, plan, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the file the script waits for at the cache point, so it goes on.</summary>
    private async Task SignalCachePointAsync(string id, CachePlan plan, CancellationToken cancellationToken)
    {
        using var tar = new MemoryStream();
        var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, plan.ReadyPath.TrimStart('/'))
            {
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            }, cancellationToken).ConfigureAwait(false);
        }

        tar.Position = 0;
        await _client.Containers.ExtractArchiveToContainerAsync(id, new CopyToContainerParameters { Path = "/" }, tar, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The SHA-256 of the key_paths files' contents, in order (formicary: <c>cat files | sha256sum</c>); null when one is missing.</summary>
    private async Task<string?> KeyFromFilesAsync(TaskExecution execution, string id, string workingDirectory, CancellationToken cancellationToken)
    {
        var keyPaths = execution.Task.Cache!.KeyPaths;
        using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in keyPaths)
        {
            if (ContainerArchives.ArtifactSource(workingDirectory, path) is not { } source)
            {
                execution.Log.Write(LogSource.System, $"cache not used: key_paths entry '{path}' is empty or has '..'");
                return null;
            }

            ContainerArchiveResponse archive;
            try
            {
                archive = await _client.Containers.GetArchiveFromContainerAsync(id, new ContainerPathStatParameters { Path = source.ContainerPath }, false, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                execution.Log.Write(LogSource.System, $"cache not used: key file '{path}' is not in the container after before_script ({source.ContainerPath}); the key is the content of the key_paths files");
                return null;
            }

            await using var buffer = TemporaryFile("wf-cache-key");
            using (var response = archive.Stream ?? Stream.Null)
            {
                await response.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            }

            buffer.Position = 0;
            var reader = new TarReader(buffer);
            await using (reader.ConfigureAwait(false))
            {
                var entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
                if (entry is null || !ContainerArchives.IsFile(entry))
                {
                    execution.Log.Write(LogSource.System, $"cache not used: key_paths entry '{path}' is not a file (the key is the content of files such as package-lock.json)");
                    return null;
                }

                if (entry.DataStream is { } data)
                {
                    var chunk = new byte[81920];
                    int read;
                    while ((read = await data.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        hasher.AppendData(chunk, 0, read);
                    }
                }
            }
        }

        var key = Convert.ToHexStringLower(hasher.GetHashAndReset());
        execution.Log.Write(LogSource.System, $"cache key {key} (the SHA-256 of {string.Join(", ", keyPaths)})");
        return key;
    }

    private async Task RestoreCacheAsync(TaskExecution execution, string id, string workingDirectory, string key, CancellationToken cancellationToken)
    {
        var caches = execution.Caches!;
        var entry = await caches.FindAsync(execution.JobType, key, cancellationToken).ConfigureAwait(false);
        Stream? archive = null;
        try
        {
            archive = entry is null ? null : caches.OpenRead(entry);
        }
        catch (FileNotFoundException)
        {
            // Its archive was collected: the same as no cache.
        }

        if (archive is null)
        {
            execution.Log.Write(LogSource.System, $"no cache for key {key}");
            return;
        }

        await using (archive.ConfigureAwait(false))
        {
            await _client.Containers.ExtractArchiveToContainerAsync(id, new CopyToContainerParameters { Path = workingDirectory }, archive, cancellationToken)
                .ConfigureAwait(false);
        }

        execution.Log.Write(LogSource.System, $"cache restored (key {key}, {entry!.Size.ToString(CultureInfo.InvariantCulture)} bytes)");
    }

    /// <summary>
    /// Saves the cache's paths, from the exited container, as one archive under the key found at the cache point: only
    /// after a successful script (exit code 0), so a failed install never becomes the next run's cache. A failure is
    /// logged and does not change the task's outcome.
    /// </summary>
    private async Task SaveCacheAsync(TaskExecution execution, string id, string workingDirectory, CachePlan plan, int exitCode, CancellationToken cancellationToken)
    {
        var log = execution.Log;
        if (plan.Key is not { } key)
        {
            return;
        }

        if (exitCode != 0)
        {
            log.Write(LogSource.System, $"cache not saved: the script failed (exit code {exitCode.ToString(CultureInfo.InvariantCulture)}); a cache is saved after a successful script only");
            return;
        }

        try
        {
            await using var tar = TemporaryFile("wf-cache");
            var entries = 0;
            var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true);
            await using (writer.ConfigureAwait(false))
            {
                foreach (var path in execution.Task.Cache!.Paths)
                {
                    entries += await ArchivePathAsync(execution, id, workingDirectory, path, writer, cancellationToken).ConfigureAwait(false);
                }
            }

            if (entries == 0)
            {
                log.Write(LogSource.System, $"cache not saved: its paths ({string.Join(", ", execution.Task.Cache!.Paths)}) hold nothing");
                return;
            }

            tar.Position = 0;
            var expiresAfter = execution.Task.Cache!.ExpiresAfter is { } after && after > TimeSpan.Zero ? after : CacheDefaults.ExpiresAfter;
            var saved = await execution.Caches!.SaveAsync(execution.JobType, key, execution.Task.TaskType, execution.JobId, tar, expiresAfter, cancellationToken).ConfigureAwait(false);
            log.Write(LogSource.System, $"cache saved (key {key}, {saved.Size.ToString(CultureInfo.InvariantCulture)} bytes, sha256 {saved.Sha256[..12]})");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            log.Write(LogSource.System, $"cache not saved: {Describe(e)}");
        }
    }

    /// <summary>Adds one cache path's files to the archive, named relative to the working directory; returns how many entries.</summary>
    private async Task<int> ArchivePathAsync(TaskExecution execution, string id, string workingDirectory, string path, TarWriter writer, CancellationToken cancellationToken)
    {
        var log = execution.Log;
        var source = ContainerArchives.ArtifactSource(workingDirectory, path);
        if (source is null || (path.Trim().StartsWith('/') && source.Value.ContainerPath != workingDirectory
            && !source.Value.ContainerPath.StartsWith(workingDirectory.TrimEnd('/') + "/", StringComparison.Ordinal)))
        {
            log.Write(LogSource.System, $"cache path '{path}' ignored: a cache holds paths under the working directory ({workingDirectory}), without '..'");
            return 0;
        }

        ContainerArchiveResponse archive;
        try
        {
            archive = await _client.Containers.GetArchiveFromContainerAsync(id, new ContainerPathStatParameters { Path = source.Value.ContainerPath }, false, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            log.Write(LogSource.System, $"cache path '{path}' not found");
            return 0;
        }

        // Buffered whole first: the engine's chunked stream fails TarReader's zero-length reads (as for artifacts).
        await using var buffer = TemporaryFile("wf-cache-path");
        using (var response = archive.Stream ?? Stream.Null)
        {
            await response.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        buffer.Position = 0;
        var count = 0;
        var reader = new TarReader(buffer);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                var name = ContainerArchives.EntryArtifactName(source.Value.Name, entry.Name);
                if (name.Length == 0 || entry.EntryType is not (TarEntryType.Directory or TarEntryType.RegularFile or TarEntryType.V7RegularFile
                    or TarEntryType.ContiguousFile or TarEntryType.SymbolicLink or TarEntryType.HardLink))
                {
                    continue;
                }

                var copy = new PaxTarEntry(entry.EntryType is TarEntryType.V7RegularFile or TarEntryType.ContiguousFile ? TarEntryType.RegularFile : entry.EntryType, name)
                {
                    Mode = entry.Mode,
                    Uid = entry.Uid,
                    Gid = entry.Gid,
                    ModificationTime = CacheEntryTime,
                };
                if (ContainerArchives.IsFile(entry))
                {
                    copy.DataStream = entry.DataStream;
                }

                if (entry.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink)
                {
                    // A hard link names another entry of the archive (renamed like it); a symbolic link keeps its target.
                    copy.LinkName = entry.EntryType == TarEntryType.HardLink ? ContainerArchives.EntryArtifactName(source.Value.Name, entry.LinkName) : entry.LinkName;
                }

                await writer.WriteEntryAsync(copy, cancellationToken).ConfigureAwait(false);
                count++;
            }
        }

        return count;
    }

    /// <summary>One attempt's cache: the marker line the script prints after before_script, the file it waits for, and the key found.</summary>
    private sealed class CachePlan(string marker, string readyPath)
    {
        public string Marker { get; } = marker;

        public string ReadyPath { get; } = readyPath;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string? Key { get; set; }

        /// <summary>The lines the script runs between before_script and script.</summary>
        public string Point =>
            $"printf '%s\\n' '{Marker}'\nwhile [ ! -e '{ReadyPath}' ]; do sleep 0.1 2>/dev/null || sleep 1; done\n";
    }
}
