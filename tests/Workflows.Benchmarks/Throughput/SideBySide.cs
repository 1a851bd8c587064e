using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Workflows.Benchmarks.Throughput;

/// <summary>
/// Scenarios <c>vs-hangfire</c> and <c>vs-wolverine</c>: this engine and a peer side by side on one PostgreSQL cluster (the test
/// infrastructure's), each measured run in its own process after a warm-up, median of <c>--runs</c> (default 3).
/// Prints one table, pgbench's single-insert commit rate on the same cluster (the ceiling), and ends with <c>ratio: N</c> = ours ÷ the peer's end-to-end completion rate.
/// Options: <c>--jobs N</c> (default 20000), <c>--runs N</c> (default 3), <c>--trickle N</c> (latency jobs, default 400),
/// <c>--dag-jobs N</c> (jobs of a 5-task chain, default a quarter of <c>--jobs</c>).
/// </summary>
internal static class SideBySide
{
    public static async Task<int> RunAsync(string peer, string[] args)
    {
        var jobs = Option(args, "--jobs", 20_000);
        var runs = Option(args, "--runs", 3);
        var trickle = Option(args, "--trickle", 400);
        var dagJobs = Option(args, "--dag-jobs", jobs / 4);
        var rows = new List<RunResult>();
        foreach (var (mode, count) in new[] { ("e2e", jobs), ("fail-once", jobs), ("dag", dagJobs), ("latency", trickle) })
        {
            foreach (var engine in new[] { peer, "workflows" })
            {
                var results = new List<RunResult>();
                for (var i = 0; i < runs; i++)
                {
                    var result = await RunChildAsync(engine, mode, count);
                    Console.Error.WriteLine($"  {engine} {mode} run {i + 1}: {result.EndToEndPerSecond:0} jobs/s end to end, {result.TransactionsPerJob:0.00} tx/job, p50 {result.LatencyP50Ms:0.0} ms");
                    results.Add(result);
                }

                rows.Add(Median(results));
            }
        }

        Console.WriteLine($"N = {jobs:N0} one-task no-op jobs ({dagJobs:N0} jobs of a {EngineUnderTest.DagLength}-task chain for dag, {trickle} for latency), {MeasuredRun.Workers} workers, {MeasuredRun.Clients} submitting clients, median of {runs} runs (each its own process, after a {MeasuredRun.WarmupJobs:N0}-job warm-up); {Environment.ProcessorCount} cores; the same runtime settings for both: {string.Join(", ", RuntimeSettings.Select(s => $"{s.Name}={s.Value}"))}");
        Console.WriteLine();
        Console.WriteLine("| engine | work | submit jobs/s | end-to-end jobs/s | tx/job | CPU s/1000 jobs (engine process) | PostgreSQL CPU s/1000 jobs | peak WS MB | machine busy % | start p50 ms | p95 ms | p99 ms | stuck jobs |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            var latency = r.Mode == "latency" ? $"{r.LatencyP50Ms:0.0} | {r.LatencyP95Ms:0.0} | {r.LatencyP99Ms:0.0}" : "– | – | –";
            var submit = r.Mode == "latency" ? $"{MeasuredRun.TricklePerSecond} (trickle, other process)" : $"{r.SubmitPerSecond:0}";
            var endToEnd = r.Mode == "latency" ? "–" : $"{r.EndToEndPerSecond:0}";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Engine} | {r.Mode} | {submit} | {endToEnd} | {r.TransactionsPerJob:0.00} | {r.CpuSecondsPer1000:0.00} | {r.PostgresCpuSecondsPer1000:0.00} | {r.PeakWorkingSetMb:0} | {r.MachineBusyPercent:0} | {latency} | {r.Stuck} |"));
        }

        var ceiling = await PgbenchCeiling.MeasureAsync(await MeasuredRun.ConnectionStringAsync());
        if (ceiling is { } tps)
        {
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ceiling: pgbench on the same cluster, 8 clients, one ~300-byte jsonb INSERT per commit: {tps:0} commits/s"));
        }

        var ours = rows.Single(r => r.Engine == "workflows" && r.Mode == "e2e").EndToEndPerSecond;
        var theirs = rows.Single(r => r.Engine == peer && r.Mode == "e2e").EndToEndPerSecond;
        Console.WriteLine();
        foreach (var mode in new[] { "fail-once", "dag" })
        {
            var ourMode = rows.Single(r => r.Engine == "workflows" && r.Mode == mode).EndToEndPerSecond;
            var theirMode = rows.Single(r => r.Engine == peer && r.Mode == mode).EndToEndPerSecond;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{mode} ratio: {ourMode / theirMode:0.00}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio: {ours / theirs:0.00}"));
        return 0;
    }

    private static RunResult Median(List<RunResult> results)
    {
        double M(Func<RunResult, double> f) => results.Select(f).Order().ElementAt(results.Count / 2);
        var first = results[0];
        return first with
        {
            SubmitPerSecond = M(r => r.SubmitPerSecond),
            EndToEndPerSecond = M(r => r.EndToEndPerSecond),
            TransactionsPerJob = M(r => r.TransactionsPerJob),
            CpuSecondsPer1000 = M(r => r.CpuSecondsPer1000),
            PostgresCpuSecondsPer1000 = M(r => r.PostgresCpuSecondsPer1000),
            PeakWorkingSetMb = M(r => r.PeakWorkingSetMb),
            MachineBusyPercent = M(r => r.MachineBusyPercent),
            LatencyP50Ms = M(r => r.LatencyP50Ms),
            LatencyP95Ms = M(r => r.LatencyP95Ms),
            LatencyP99Ms = M(r => r.LatencyP99Ms),
            Stuck = results.Max(r => r.Stuck),
        };
    }

    /// <summary>
    /// The same runtime settings for every engine's process (PERFORMANCE.md): idle thread-pool threads do not spin
    /// waiting for work, which on 2 cores takes CPU from PostgreSQL and from the engine's own busy threads.
    /// </summary>
    public static readonly IReadOnlyList<(string Name, string Value)> RuntimeSettings = [("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit", "0")];

    /// <summary>Starts this benchmark again as a child process (its stdout redirected) with <see cref="RuntimeSettings"/>.</summary>
    /// <param name="arguments">The child's scenario and arguments.</param>
    public static Process StartChild(params string[] arguments)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(SideBySide).Assembly.Location);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in RuntimeSettings)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }

    private static async Task<RunResult> RunChildAsync(string engine, string mode, int jobs)
    {
        using var child = StartChild("run", engine, mode, jobs.ToString(CultureInfo.InvariantCulture));
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        if (child.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"run {engine} {mode} exited {child.ExitCode}:\n{output}");
        }

        return JsonSerializer.Deserialize<RunResult>(line["RESULT ".Length..])!;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
