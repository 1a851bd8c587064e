using System.Globalization;
using System.Runtime.InteropServices;

namespace Workflows.Executors;

/// <summary>The host process's user and the unprivileged user SHELL tasks of a root host run as (Linux).</summary>
internal static partial class ProcessUser
{
    /// <summary>True when this process runs as root (effective uid 0) on Linux.</summary>
    public static bool IsRoot { get; } = OperatingSystem.IsLinux() && geteuid() == 0;

    /// <summary>
    /// The uid and gid of <paramref name="runAs"/>: a numeric <c>uid</c> or <c>uid:gid</c> (a lone uid takes its
    /// <c>/etc/passwd</c> group, or the same number), or a user name from <c>/etc/passwd</c>; null when unknown.
    /// </summary>
    public static (int Uid, int Gid)? Resolve(string runAs)
    {
        var parts = runAs.Split(':');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var u) && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var g))
        {
            return (u, g);
        }

        var numeric = int.TryParse(runAs, NumberStyles.None, CultureInfo.InvariantCulture, out var uidOnly);
        foreach (var line in PasswdLines())
        {
            var fields = line.Split(':');
            if (fields.Length >= 4 && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
                && int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var gid)
                && (numeric ? uid == uidOnly : fields[0] == runAs))
            {
                return (uid, gid);
            }
        }

        return numeric ? (uidOnly, uidOnly) : null;
    }

    /// <summary>Gives <paramref name="path"/> and everything under it to the user (not following symbolic links).</summary>
    /// <exception cref="IOException">A chown failed.</exception>
    public static void GiveTo(string path, (int Uid, int Gid) user)
    {
        Own(path, user);
        if (Directory.Exists(path))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(path, "*", SearchOption.AllDirectories))
            {
                Own(entry, user);
            }
        }
    }

    private static void Own(string path, (int Uid, int Gid) user)
    {
        if (lchown(path, user.Uid, user.Gid) != 0)
        {
            throw new IOException($"Could not give '{path}' to uid {user.Uid}: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    private static IEnumerable<string> PasswdLines() => File.Exists("/etc/passwd") ? File.ReadLines("/etc/passwd") : [];

    [LibraryImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial uint geteuid();

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int lchown(string path, int owner, int group);
}
