using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Workflows.Benchmarks.Throughput;

/// <summary>
/// The ceiling both engines share: pgbench on the same cluster (and the same socket), 8 clients, each transaction
/// one INSERT of a ~300-byte jsonb row and its COMMIT (PERFORMANCE.md's "raw PostgreSQL" row).
/// </summary>
internal static partial class PgbenchCeiling
{
    private const int Seconds = 15;

    /// <summary>Single-insert commits per second, or null (with the reason on stderr) when pgbench is not installed.</summary>
    public static async Task<double?> MeasureAsync(string connectionString)
    {
        var pgbench = Find();
        if (pgbench is null)
        {
            Console.Error.WriteLine("pgbench not found (PATH, /usr/lib/postgresql/*/bin): the ceiling row is left out");
            return null;
        }

        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        var table = $"pgbench_ceiling_{Guid.NewGuid():N}"[..28];
        await ExecuteAsync(connectionString, $"create table {table} (id bigserial primary key, body jsonb not null)");
        var script = Path.GetTempFileName();
        try
        {
            var body = "{\"type\":\"noop\",\"payload\":\"" + new string('x', 240) + "\"}";
            await File.WriteAllTextAsync(script, $"insert into {table} (body) values ('{body}');\n");
            var start = new ProcessStartInfo(pgbench, ["-n", "-c", "8", "-j", "2", "-T", Seconds.ToString(CultureInfo.InvariantCulture), "-f", script,
                "-h", settings.Host!, "-p", settings.Port.ToString(CultureInfo.InvariantCulture), "-U", settings.Username!, settings.Database!])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            var tps = Tps().Match(output);
            if (process.ExitCode != 0 || !tps.Success)
            {
                throw new InvalidOperationException($"pgbench exited {process.ExitCode}:\n{output}\n{await error}");
            }

            return double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        finally
        {
            File.Delete(script);
            await ExecuteAsync(connectionString, $"drop table if exists {table}");
        }
    }

    private static string? Find()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "pgbench")).FirstOrDefault(File.Exists);
        return onPath ?? (Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Order().Select(d => Path.Combine(d, "bin", "pgbench")).LastOrDefault(File.Exists)
            : null);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();
}
