using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Workflows.TestSupport;

namespace Workflows.Benchmarks.Throughput;

/// <summary>
/// One measured run in its own process (<c>run ENGINE MODE JOBS</c>): a server with 8 workers in this process, a
/// warm-up, then the measured work, and one line <c>RESULT {json}</c> for the scenario that started it.
/// Modes: <c>e2e</c>, <c>fail-once</c> and <c>dag</c> (8 concurrent clients submit JOBS jobs; every job must be done in the
/// database), <c>latency</c> (another process submits at 20 jobs/s; submit → task start per job).
/// </summary>
internal static class MeasuredRun
{
    public const int Workers = 8;
    public const int Clients = 8;
    /// <summary>
    /// Jobs run before measuring, by every engine. Enough for the JIT to finish its tiered recompilation: after 500,
    /// the JIT still took ~15% of our process's CPU during the measured run (steady state is what a server sees).
    /// </summary>
    public const int WarmupJobs = 3000;
    public const int TricklePerSecond = 20;

    public static async Task<int> RunAsync(string engineName, string mode, int jobs)
    {
        var connectionString = await ConnectionStringAsync();
        var schema = $"bench_{engineName[..2]}_{Guid.NewGuid():N}"[..20];
        try
        {
            RunResult result;
            await using (var engine = EngineUnderTest.Create(engineName, connectionString, schema))
            {
                await engine.StartServerAsync(Workers, Modes.WorkOf(mode));
                await SubmitAllAsync(engine, WarmupJobs, measured: false);
                // A warm-up job the engine never finishes is counted against it (stuck), and not waited for again.
                var warmupStuck = await WaitDoneAsync(engine, WarmupJobs);
                result = mode == "latency"
                    ? await LatencyAsync(engine, engineName, connectionString, schema, jobs)
                    : await ThroughputAsync(engine, engineName, mode, connectionString, jobs, WarmupJobs - warmupStuck);
                result = result with { Stuck = result.Stuck + warmupStuck };
            }

            Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
            return 0;
        }
        finally
        {
            await TestInfrastructure.DropSchemaAsync(schema);
        }
    }

    private static async Task<RunResult> ThroughputAsync(EngineUnderTest engine, string engineName, string mode, string connectionString, int jobs, long doneBefore)
    {
        var gauges = await Gauges.StartAsync(connectionString);
        var submitSeconds = await SubmitAllAsync(engine, jobs, measured: false);
        var stuck = await WaitDoneAsync(engine, doneBefore + jobs, gauges);
        var (seconds, commits, cpu, postgres, peak, busy) = await gauges.StopAsync();
        return new RunResult(engineName, mode, jobs, jobs / submitSeconds, (jobs - stuck) / seconds, (double)commits / jobs, cpu * 1000 / jobs, postgres * 1000 / jobs, peak, busy) { Stuck = stuck };
    }

    private static async Task<RunResult> LatencyAsync(EngineUnderTest engine, string engineName, string connectionString, string schema, int jobs)
    {
        using var client = SideBySide.StartChild("trickle", engineName, schema, jobs.ToString(CultureInfo.InvariantCulture));
        // The client's own warm-up (the cross-process path, which the in-process warm-up does not touch) is not measured.
        while (await client.StandardOutput.ReadLineAsync() is { } line && line != TrickleMeasuring)
        {
        }

        var gauges = await Gauges.StartAsync(connectionString);
        await client.StandardOutput.ReadToEndAsync();
        await client.WaitForExitAsync();
        if (client.ExitCode != 0)
        {
            throw new InvalidOperationException($"the trickle client exited {client.ExitCode}");
        }

        // Latency is about starts: wait until every trickled job has started (what each engine records as "done"
        // differs for work from another process).
        var waiting = Stopwatch.StartNew();
        while (Probe.Count < jobs && waiting.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(50);
        }

        var stuck = (long)Math.Max(0, jobs - Probe.Count);
        var (seconds, commits, cpu, postgres, peak, busy) = await gauges.StopAsync();
        var sorted = Probe.Sorted();
        return new RunResult(engineName, "latency", jobs, jobs / seconds, jobs / seconds, (double)commits / jobs, cpu * 1000 / jobs, postgres * 1000 / jobs, peak, busy,
            Probe.Percentile(sorted, 50), Probe.Percentile(sorted, 95), Probe.Percentile(sorted, 99)) { Stuck = stuck };
    }

    private const string TrickleMeasuring = "MEASURING";
    private const int TrickleWarmupJobs = 100;

    /// <summary>
    /// The other process of the latency mode: a submit-only client that submits JOBS jobs at 20 per second, after
    /// 100 unmeasured ones at the same rate that warm both processes' cross-process path (it prints MEASURING between).
    /// </summary>
    public static async Task<int> TrickleAsync(string engineName, string schema, int jobs)
    {
        await using var engine = EngineUnderTest.Create(engineName, await ConnectionStringAsync(), schema);
        await engine.StartClientAsync();
        await TrickleAsync(engine, TrickleWarmupJobs, measured: false);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Console.WriteLine(TrickleMeasuring);
        await TrickleAsync(engine, jobs, measured: true);
        return 0;
    }

    private static async Task TrickleAsync(EngineUnderTest engine, int jobs, bool measured)
    {
        var interval = TimeSpan.FromSeconds(1.0 / TricklePerSecond);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < jobs; i++)
        {
            var due = interval * i;
            var wait = due - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            await engine.SubmitAsync(measured ? DateTime.UtcNow.Ticks : 0);
        }
    }

    /// <summary>
    /// The test cluster, reached through its Unix socket when it has one (as PERFORMANCE.md's peers were measured):
    /// loopback TCP costs both sides system time on every round trip.
    /// </summary>
    public static async Task<string> ConnectionStringAsync()
    {
        var tcp = TestInfrastructure.PostgresConnectionString;
        await using var connection = new Npgsql.NpgsqlConnection(tcp);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("show unix_socket_directories", connection);
        var directory = ((string)(await command.ExecuteScalarAsync())!).Split(',')[0].Trim();
        return directory.Length > 0 && Directory.Exists(directory)
            ? new Npgsql.NpgsqlConnectionStringBuilder(tcp) { Host = directory }.ConnectionString
            : tcp;
    }

    /// <summary>Submits <paramref name="jobs"/> jobs from <see cref="Clients"/> concurrent clients; returns the seconds it took.</summary>
    private static async Task<double> SubmitAllAsync(EngineUnderTest engine, int jobs, bool measured)
    {
        var watch = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < jobs)
            {
                await engine.SubmitAsync(measured ? DateTime.UtcNow.Ticks : 0);
            }
        })));
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Waits until <paramref name="total"/> jobs are done. An engine that stops making progress with jobs left (a job
    /// lost or stuck until some recovery timeout) is waited for 30 s; the run then ends at the last progress and the
    /// jobs not done are reported as stuck.
    /// </summary>
    /// <returns>How many jobs were not done.</returns>
    private static async Task<long> WaitDoneAsync(EngineUnderTest engine, long total, Gauges? gauges = null)
    {
        var last = -1L;
        var stalled = Stopwatch.StartNew();
        while (true)
        {
            var done = await engine.CountDoneAsync();
            if (done >= total)
            {
                return 0;
            }

            if (done != last)
            {
                last = done;
                stalled.Restart();
                gauges?.MarkProgress();
            }
            else if (stalled.Elapsed > TimeSpan.FromSeconds(30))
            {
                Console.Error.WriteLine($"{engine.Name}: {total - done} of {total} jobs not done after 30 s without progress; counted as stuck");
                return total - done;
            }

            await Task.Delay(100);
        }
    }
}
