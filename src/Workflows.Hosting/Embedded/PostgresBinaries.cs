namespace Workflows.Hosting.Embedded;

/// <summary>Finds the folder with the PostgreSQL server programs (initdb, pg_ctl, postgres).</summary>
internal static class PostgresBinaries
{
    public const string BinEnvironmentVariable = "WORKFLOWS_PG_BIN";

    private const string DebianRoot = "/usr/lib/postgresql";

    private static readonly string[] Programs = ["initdb", "pg_ctl", "postgres"];

    /// <summary>
    /// The bin folder: <paramref name="explicitFolder"/> if given, else <c>WORKFLOWS_PG_BIN</c>, else the Debian folder
    /// of the existing cluster's major version, else <c>pg_config --bindir</c>, else the highest
    /// <c>/usr/lib/postgresql/*/bin</c>, else PATH. An explicit folder or <c>WORKFLOWS_PG_BIN</c> must be right: there is no
    /// fallback from them.
    /// </summary>
    public static async Task<string> LocateAsync(string? explicitFolder, string? clusterVersion, CancellationToken cancellationToken)
    {
        if (explicitFolder is not null)
        {
            return Require(explicitFolder, "the given PostgreSQL bin folder");
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(BinEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Require(fromEnvironment, BinEnvironmentVariable);
        }

        var searched = new List<string> { $"{BinEnvironmentVariable} (not set)" };
        if (clusterVersion is not null && IsBinFolder(Path.Combine(DebianRoot, clusterVersion, "bin")))
        {
            return Path.Combine(DebianRoot, clusterVersion, "bin");
        }

        var pgConfig = Commands.Find(Exe("pg_config"));
        if (pgConfig is null)
        {
            searched.Add("pg_config --bindir (pg_config not on PATH)");
        }
        else
        {
            var folder = await PgConfigBinDirAsync(pgConfig, cancellationToken).ConfigureAwait(false);
            if (folder is not null && IsBinFolder(folder))
            {
                return folder;
            }

            searched.Add($"{pgConfig} --bindir ({(folder is null ? "failed" : folder + ": no server programs there")})");
        }

        var debian = DebianFolders().FirstOrDefault(IsBinFolder);
        if (debian is not null)
        {
            return debian;
        }

        searched.Add($"{DebianRoot}/*/bin (none with the server programs)");
        var onPath = Commands.OnPath(Exe("pg_ctl")).Select(Path.GetDirectoryName).OfType<string>().FirstOrDefault(IsBinFolder);
        if (onPath is not null)
        {
            return onPath;
        }

        searched.Add("the folders on PATH");
        throw new EmbeddedPostgresException(
            $"No ConnectionStrings:Workflows is configured and the PostgreSQL server programs ({string.Join(", ", Programs)}) for the embedded default " +
            $"database were not found. Searched: {string.Join("; ", searched)}. Install PostgreSQL server binaries (apt-get install postgresql), " +
            $"point {BinEnvironmentVariable} at their bin folder, or set ConnectionStrings:Workflows to use an existing PostgreSQL server.");
    }

    public static string Exe(string name) => OperatingSystem.IsWindows() ? name + ".exe" : name;

    private static string Require(string folder, string source)
    {
        var full = Path.GetFullPath(folder);
        if (IsBinFolder(full))
        {
            return full;
        }

        var missing = Programs.Where(p => !File.Exists(Path.Combine(full, Exe(p))));
        throw new EmbeddedPostgresException(
            $"The PostgreSQL bin folder '{full}' (from {source}) does not contain {string.Join(", ", missing)}. " +
            $"Point {BinEnvironmentVariable} at the folder with the PostgreSQL server programs (e.g. /usr/lib/postgresql/15/bin), " +
            "install PostgreSQL server binaries (apt-get install postgresql), or set ConnectionStrings:Workflows to use an existing PostgreSQL server.");
    }

    private static async Task<string?> PgConfigBinDirAsync(string pgConfig, CancellationToken cancellationToken)
    {
        try
        {
            var result = await Commands.RunAsync(pgConfig, ["--bindir"], TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            return result.Succeeded ? result.Output.Trim() : null;
        }
        catch (EmbeddedPostgresException)
        {
            return null; // not runnable: keep searching
        }
    }

    private static bool IsBinFolder(string folder) =>
        folder.Length > 0 && Programs.All(p => File.Exists(Path.Combine(folder, Exe(p))));

    /// <summary><c>/usr/lib/postgresql/*/bin</c>, highest version first.</summary>
    private static IEnumerable<string> DebianFolders()
    {
        if (!Directory.Exists(DebianRoot))
        {
            return [];
        }

        return Directory.EnumerateDirectories(DebianRoot)
            .Select(d => (Folder: Path.Combine(d, "bin"), Version: ParseVersion(Path.GetFileName(d))))
            .Where(d => d.Version is not null)
            .OrderByDescending(d => d.Version)
            .Select(d => d.Folder);
    }

    private static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version) ? version : null;
}
