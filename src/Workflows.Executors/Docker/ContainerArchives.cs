using System.Formats.Tar;

namespace Workflows.Executors.Docker;

/// <summary>Paths and tar archives of the files copied into and out of a task's container.</summary>
internal static class ContainerArchives
{
    /// <summary>The directory a task's script runs in: its <c>working_dir</c> (relative ones under the default) or the default.</summary>
    /// <param name="workingDirectory">The task's <c>working_dir</c>, or null.</param>
    /// <param name="defaultDirectory">The absolute default.</param>
    public static string WorkingDirectory(string? workingDirectory, string defaultDirectory)
    {
        var directory = string.IsNullOrWhiteSpace(workingDirectory) ? defaultDirectory : workingDirectory.Trim();
        if (!directory.StartsWith('/'))
        {
            directory = defaultDirectory.TrimEnd('/') + "/" + directory;
        }

        var trimmed = directory.TrimEnd('/');
        return trimmed.Length == 0 ? "/" : trimmed;
    }

    /// <summary>
    /// A relative path with '/' separators and no <c>.</c>, <c>..</c> or empty segments, or null when the path would
    /// leave the directory it is relative to (absolute, <c>..</c>) or names nothing.
    /// </summary>
    /// <param name="path">The path as written (e.g. <c>./out/report.json</c>).</param>
    public static string? NormalizeRelative(string path)
    {
        var text = path.Trim().Replace('\\', '/');
        if (text.StartsWith('/'))
        {
            return null;
        }

        var segments = text.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
        return segments.Count == 0 || segments.Contains("..") ? null : string.Join('/', segments);
    }

    /// <summary>
    /// Where an artifact path is read in the container and the artifact name of what it holds: a relative path is under
    /// the working directory and keeps its relative name; an absolute one under the working directory is named relative
    /// to it; any other absolute path is named by its full path without the leading '/'.
    /// </summary>
    /// <param name="workingDirectory">The container's absolute working directory.</param>
    /// <param name="path">The artifact path as written.</param>
    /// <returns>The container path and the name prefix (empty for the working directory itself), or null for an empty path or one with <c>..</c>.</returns>
    public static (string ContainerPath, string Name)? ArtifactSource(string workingDirectory, string path)
    {
        var text = path.Trim().Replace('\\', '/');
        var root = workingDirectory == "/" ? string.Empty : workingDirectory;
        if (text.Length == 0)
        {
            return null;
        }

        if (text.StartsWith('/'))
        {
            var absolute = "/" + NormalizeRelative(text.TrimStart('/'));
            if (absolute == "/" || text.Split('/').Contains(".."))
            {
                return null;
            }

            return absolute == root ? (absolute, string.Empty)
                : absolute.StartsWith(root + "/", StringComparison.Ordinal) ? (absolute, absolute[(root.Length + 1)..])
                : (absolute, absolute[1..]);
        }

        if (text.Split('/').Contains(".."))
        {
            return null;
        }

        var relative = NormalizeRelative(text);
        return relative is null ? (workingDirectory, string.Empty) : (root + "/" + relative, relative);
    }

    /// <summary>
    /// The artifact name of an entry of the tar Docker returns for <paramref name="name"/>'s path: Docker roots the
    /// archive at the path's last segment, which <paramref name="name"/> already ends with.
    /// </summary>
    /// <param name="name">The artifact name of the requested path (empty for the working directory).</param>
    /// <param name="entryName">The tar entry's name, e.g. <c>out/a.txt</c> for the path <c>build/out</c>.</param>
    public static string EntryArtifactName(string name, string entryName)
    {
        var segments = entryName.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").Skip(1);
        return string.Join('/', name.Length == 0 ? segments : segments.Prepend(name));
    }

    /// <summary>True for tar entries that are files with content (not directories, links or devices).</summary>
    /// <param name="entry">The entry.</param>
    public static bool IsFile(TarEntry entry) =>
        entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile;
}

/// <summary>
/// Writes files into a tar archive for Docker's archive API, adding each file's parent directories first (Docker
/// extracts into an existing directory and does not create missing parents of an entry).
/// </summary>
internal sealed class InputArchive : IAsyncDisposable
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly TarWriter _writer;
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);

    /// <summary>Starts an archive written to <paramref name="destination"/> (left open).</summary>
    /// <param name="destination">A seekable stream.</param>
    public InputArchive(Stream destination) => _writer = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);

    /// <summary>The files added, in order.</summary>
    public List<string> Files { get; } = [];

    /// <summary>Adds one file (mode 0644) and its missing parent directories (mode 0755).</summary>
    /// <param name="name">A path from <see cref="ContainerArchives.NormalizeRelative"/>.</param>
    /// <param name="content">The bytes.</param>
    /// <param name="modified">The file's modification time.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public async Task AddFileAsync(string name, Stream content, DateTimeOffset modified, CancellationToken cancellationToken)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        while (slash > 0)
        {
            var directory = name[..(slash + 1)];
            if (_directories.Add(directory))
            {
                var entry = new PaxTarEntry(TarEntryType.Directory, directory) { Mode = DirectoryMode, ModificationTime = modified };
                await _writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
            }

            slash = name.IndexOf('/', slash + 1);
        }

        var file = new PaxTarEntry(TarEntryType.RegularFile, name) { Mode = FileMode, ModificationTime = modified, DataStream = content };
        await _writer.WriteEntryAsync(file, cancellationToken).ConfigureAwait(false);
        Files.Add(name);
    }

    /// <summary>Ends the archive (writes its end blocks).</summary>
    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
