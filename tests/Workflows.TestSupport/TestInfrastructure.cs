using System.Diagnostics;

namespace Workflows.TestSupport;

/// <summary>
/// Connection details of the real services tests use: a private PostgreSQL 15 cluster, a Docker engine and a local
/// busybox test image, all provisioned by <c>scripts/infra.sh</c>. Read from the environment when the test command
/// exported them (<c>scripts/test.sh</c>); otherwise obtained by running <c>scripts/infra.sh env</c> once, which
/// installs and starts what is missing. Never a hard-coded port.
/// </summary>
public static class TestInfrastructure
{
    private static readonly string[] Keys = ["WORKFLOWS_TEST_PG", "WORKFLOWS_TEST_DOCKER", "WORKFLOWS_TEST_IMAGE"];
    private static readonly Lazy<Dictionary<string, string>> Values = new(Load);

    /// <summary>Npgsql connection string of the test cluster's <c>workflows</c> database.</summary>
    public static string PostgresConnectionString => Values.Value["WORKFLOWS_TEST_PG"];

    /// <summary>The Docker engine endpoint, e.g. <c>unix:///var/run/docker.sock</c>.</summary>
    public static Uri DockerEndpoint => new(Values.Value["WORKFLOWS_TEST_DOCKER"]);

    /// <summary>A local image with busybox's <c>sh</c>, <c>echo</c>, <c>date</c>, … (no registry is reachable).</summary>
    public static string TestImage => Values.Value["WORKFLOWS_TEST_IMAGE"];

    /// <summary>The repository root (the folder holding <c>Workflows.sln</c>).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    private static Dictionary<string, string> Load()
    {
        var fromEnvironment = Keys.ToDictionary(k => k, k => Environment.GetEnvironmentVariable(k) ?? string.Empty);
        if (fromEnvironment.Values.All(v => v.Length > 0))
        {
            return fromEnvironment;
        }

        var script = Path.Combine(RepoRoot, "scripts", "infra.sh");
        var start = new ProcessStartInfo("bash", [script, "env"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash " + script);
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"Test infrastructure is not available: '{script} env' exited with {process.ExitCode}. " +
                "Run 'bash scripts/infra.sh up' (as root on Debian it installs docker.io and starts PostgreSQL and dockerd) and read its output:" +
                Environment.NewLine + stderr.Result);
        }

        var values = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
        var missing = Keys.Where(k => !values.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"'{script} env' did not print {string.Join(", ", missing)}; it printed:{Environment.NewLine}{stdout}");
        }

        return values;
    }

    /// <summary>Drops a test's own schema (every test class works in a schema of its own) with everything in it.</summary>
    /// <param name="schema">The schema.</param>
    public static async Task DropSchemaAsync(string schema)
    {
        await using var connection = new Npgsql.NpgsqlConnection(PostgresConnectionString);
        await connection.OpenAsync();
        await using var drop = new Npgsql.NpgsqlCommand($"drop schema if exists {schema} cascade", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Workflows.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Workflows.sln not found above " + AppContext.BaseDirectory);
    }
}
