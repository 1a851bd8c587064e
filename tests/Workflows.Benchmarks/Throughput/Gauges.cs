using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Workflows.Benchmarks.Throughput;

/// <summary>
/// The counters every run reports, read the same way for every engine: database commits
/// (<c>pg_stat_database.xact_commit</c>), this process's CPU time and peak working set, and the machine's busy share.
/// </summary>
internal sealed class Gauges
{
    private readonly string _connectionString;
    private long _commits;
    private TimeSpan _cpu;
    private double _postgresCpu;
    private (long Busy, long Total) _machine;
    private long _started;

    private Gauges(string connectionString) => _connectionString = connectionString;

    public static async Task<Gauges> StartAsync(string connectionString)
    {
        var gauges = new Gauges(connectionString);
        gauges._commits = await CommitsAsync(connectionString);
        gauges._cpu = Process.GetCurrentProcess().TotalProcessorTime;
        gauges._postgresCpu = PostgresCpuSeconds();
        gauges._machine = MachineTicks();
        gauges._started = Stopwatch.GetTimestamp();
        return gauges;
    }

    private long _progress;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    /// <summary>Notes that work was done now: the run's duration ends at the last progress.</summary>
    public void MarkProgress() => _progress = Stopwatch.GetTimestamp();

    /// <summary>Reads every counter's change since start.</summary>
    public async Task<(double Seconds, long Commits, double CpuSeconds, double PostgresCpuSeconds, double PeakWorkingSetMb, double MachineBusyPercent)> StopAsync()
    {
        var seconds = (_progress > _started ? Stopwatch.GetElapsedTime(_started, _progress) : Elapsed).TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - _cpu).TotalSeconds;
        var postgres = PostgresCpuSeconds() - _postgresCpu;
        var machine = MachineTicks();
        // pg_stat_database is updated when a backend reports its statistics (at most every second or so): wait for it.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var commits = await CommitsAsync(_connectionString) - _commits;
        using var self = Process.GetCurrentProcess();
        var busy = machine.Total == _machine.Total ? 0 : 100.0 * (machine.Busy - _machine.Busy) / (machine.Total - _machine.Total);
        return (seconds, commits, cpu, postgres, self.PeakWorkingSet64 / 1024.0 / 1024.0, busy);
    }

    private static async Task<long> CommitsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select pg_stat_clear_snapshot(); select xact_commit from pg_stat_database where datname = current_database()", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.NextResultAsync();
        await reader.ReadAsync();
        return reader.GetInt64(0);
    }

    /// <summary>
    /// CPU seconds used so far by every PostgreSQL process of this machine, ended ones included: the postmaster reaps
    /// the backends of closed connections, and their CPU time moves to its children's counters (cutime, cstime).
    /// Without those, a run in which connections close (the latency client's) could report negative CPU.
    /// </summary>
    private static double PostgresCpuSeconds()
    {
        var ticks = 0L;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (!int.TryParse(Path.GetFileName(dir), out _) || File.ReadAllText(Path.Combine(dir, "comm")).Trim() != "postgres")
                {
                    continue;
                }

                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += fields[11..15].Sum(f => long.Parse(f, CultureInfo.InvariantCulture)); // utime, stime, cutime, cstime
            }
            catch (IOException)
            {
                // The process ended while being read.
            }
        }

        return ticks / 100.0; // USER_HZ
    }

    /// <summary>Busy and total jiffies of all cores, from the first line of /proc/stat.</summary>
    private static (long Busy, long Total) MachineTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum();
        var idle = fields[3] + fields[4]; // idle + iowait
        return (total - idle, total);
    }
}
