namespace Workflows.Executors.Artifacts;

/// <summary>Moves artifacts between the store and a task's working directory on the host (SHELL tasks).</summary>
public static class ArtifactFiles
{
    /// <summary>Writes each input artifact into <paramref name="directory"/> at its relative name.</summary>
    /// <param name="inputs">The artifacts of the task's dependencies.</param>
    /// <param name="store">Where they are kept.</param>
    /// <param name="directory">The task's working directory.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    public static async Task PlaceAsync(IReadOnlyList<ArtifactInfo> inputs, IArtifactStore store, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(store);
        foreach (var input in inputs)
        {
            var target = Inside(directory, input.Name)
                ?? throw new InvalidOperationException($"Artifact '{input.Name}' of task '{input.TaskType}' would be written outside the working directory.");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await using var source = store.OpenRead(input);
            await using var file = File.Create(target);
            await source.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Saves the files named by <paramref name="paths"/> (files, or folders whose files are all saved) from
    /// <paramref name="directory"/>; a path that does not exist is reported through <paramref name="missing"/>.
    /// </summary>
    /// <param name="execution">The attempt (job, task, attempt, expiry, store).</param>
    /// <param name="directory">The task's working directory.</param>
    /// <param name="paths">The artifacts' paths, relative to the working directory.</param>
    /// <param name="missing">Called with each path that matched nothing.</param>
    /// <param name="cancellationToken">Cancels the copy.</param>
    public static async Task<IReadOnlyList<ArtifactInfo>> CollectAsync(
        TaskExecution execution, string directory, IEnumerable<string> paths, Action<string> missing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(missing);
        var saved = new List<ArtifactInfo>();
        var root = Path.GetFullPath(directory);
        foreach (var path in paths)
        {
            var full = Inside(root, path);
            var files = full is null ? []
                : File.Exists(full) ? [full]
                : Directory.Exists(full) ? Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray()
                : Array.Empty<string>();
            if (files.Length == 0)
            {
                missing(path);
                continue;
            }

            foreach (var file in files)
            {
                var name = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
                if (ThroughLink(root, file))
                {
                    // The host reads artifacts with its own rights: a link could hand a task (run as nobody) any file of the host's.
                    execution.Log.Write(Logs.LogSource.System, $"artifact '{name}' skipped: it is, or is inside, a symbolic link (artifacts are collected from regular files and folders only)");
                    continue;
                }

                await using var content = File.OpenRead(file);
                saved.Add(await execution.Artifacts.SaveAsync(
                    execution.JobId, execution.Task.TaskType, execution.Attempt, name, content, execution.Task.Artifacts?.ExpiresAfter, cancellationToken).ConfigureAwait(false));
            }
        }

        return saved;
    }

    /// <summary>True when artifacts are collected for an attempt that exited with <paramref name="exitCode"/> (artifacts.when).</summary>
    /// <param name="spec">The task's artifacts.</param>
    /// <param name="exitCode">The attempt's exit code.</param>
    public static bool ShouldCollect(Workflows.Definitions.ArtifactsSpec? spec, int exitCode) => spec is { Paths.Count: > 0 } && spec.When switch
    {
        Workflows.Definitions.ArtifactsWhen.OnSuccess => exitCode == 0,
        Workflows.Definitions.ArtifactsWhen.OnFailure => exitCode != 0,
        _ => true,
    };

    /// <summary>True when <paramref name="file"/>, or a folder between <paramref name="root"/> and it, is a symbolic link.</summary>
    internal static bool ThroughLink(string root, string file)
    {
        for (var path = Path.GetFullPath(file); path.Length > root.Length && path.StartsWith(root, StringComparison.Ordinal); path = Path.GetDirectoryName(path)!)
        {
            if (new FileInfo(path).LinkTarget is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The full path of <paramref name="relative"/> under <paramref name="root"/>, or null when it escapes it.</summary>
    internal static string? Inside(string root, string relative)
    {
        var fullRoot = Path.GetFullPath(root);
        var full = Path.GetFullPath(Path.Combine(fullRoot, relative.TrimStart('/')));
        return full == fullRoot || full.StartsWith(fullRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }
}
