using System.Diagnostics;
using System.Globalization;
using System.Net;
using Marten;
using Workflows.Marten;
using Workflows.Marten.Definitions;
using Workflows.Marten.Doctor;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Benchmarks.Chaos;

/// <summary>
/// <c>chaos --jobs N --minutes M --seed S [--docker-restarts]</c>: a PostgreSQL cluster of its own, three
/// <c>workflows serve</c> hosts (each through a TCP relay), N jobs of mixed kinds submitted over the run while faults
/// are injected on a seeded schedule (SIGKILL of a host, PostgreSQL stopped fast or immediate, the network between a
/// host and the database dropped; dockerd restarted only with <c>--docker-restarts</c>, as it is shared), then the
/// jobs drain, the invariant checker runs, and a report per fault kind is printed: jobs lost, recorded twice, recovery.
/// Exit 0 when nothing was lost or recorded twice and every invariant holds.
/// </summary>
internal static class ChaosRun
{
    private sealed record Fault(string Kind, string Target, DateTimeOffset Start, DateTimeOffset End, IReadOnlyCollection<string> InFlight)
    {
        public TimeSpan? Healthy { get; set; }

        public TimeSpan? Probe { get; set; }
    }

    /// <summary>Runs the chaos; its report goes to <paramref name="output"/> (the console by default).</summary>
    /// <param name="args">The command's arguments.</param>
    /// <param name="output">Where the report is written.</param>
    /// <param name="executable">The built <c>Workflows.Host.dll</c> the hosts run (by default the Release build's).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, string? executable = null)
    {
        output ??= Console.Out;
        int Int(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var count = Int("--jobs", 200);
        var minutes = Int("--minutes", 3);
        var seed = Int("--seed", 1);
        var dockerRestarts = args.Contains("--docker-restarts");
        var rng = new Random(seed);
        var started = Stopwatch.StartNew();
        var root = Directory.CreateTempSubdirectory("workflows-chaos-").FullName;
        // SHELL tasks run as 'nobody', who must pass through to the hosts' work folders.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("755", 8));
        }
        output.WriteLine($"chaos: {count} jobs, {minutes} min, seed {seed}, folder {root}");

        await using var cluster = await ChaosCluster.CreateAsync(Path.Combine(root, "pg")).ConfigureAwait(false);
        using var documents = DocumentStore.For(o => WorkflowsMarten.Configure(o, ChaosCluster.ConnectionString(cluster.Port), "workflows"));
        var jobs = new JobStore(documents, TimeProvider.System);
        await jobs.EnsureSchemaAsync().ConfigureAwait(false);
        await new DefinitionStore(documents, TimeProvider.System).SaveAsync(ChaosJobs.Child, "chaos child", "chaos").ConfigureAwait(false);

        var hits = 0;
        var httpPort = ChaosCluster.FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{httpPort}/");
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                try
                {
                    var context = await listener.GetContextAsync().ConfigureAwait(false);
                    Interlocked.Increment(ref hits);
                    context.Response.StatusCode = 200;
                    context.Response.Close();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
            }
        });

        var proxies = Enumerable.Range(0, 3).Select(_ => new TcpProxy("127.0.0.1", cluster.Port)).ToArray();
        executable ??= Path.Combine(TestInfrastructure.RepoRoot, "src", "Workflows.Host", "bin", "Release", "net10.0", "Workflows.Host.dll");
        var hosts = Enumerable.Range(0, 3).Select(i => new ChaosHost(i, executable, root, ChaosCluster.ConnectionString(proxies[i].Port))).ToArray();
        try
        {
            foreach (var host in hosts)
            {
                host.Start();
            }

            if (await UntilAsync(() => AllHealthyAsync(hosts), TimeSpan.FromMinutes(2)).ConfigureAwait(false) is null)
            {
                output.WriteLine("chaos: the hosts did not become healthy within 2 minutes; see host*.log in " + root);
                return 1;
            }

            var duration = TimeSpan.FromMinutes(minutes);
            var kinds = Enumerable.Range(0, count).Select(_ => ChaosJobs.Kinds[rng.Next(ChaosJobs.Kinds.Length)]).ToArray();
            var submitted = new List<(string Id, string Kind)>();
            var clock = Stopwatch.StartNew();
            var submitting = Task.Run(async () =>
            {
                for (var i = 0; i < count; i++)
                {
                    var due = duration * 0.7 * i / count;
                    if (due > clock.Elapsed)
                    {
                        await Task.Delay(due - clock.Elapsed).ConfigureAwait(false);
                    }

                    var id = $"chaos-{seed}-{i:0000}";
                    await SubmitAsync(jobs, id, ChaosJobs.Of(kinds[i], httpPort, TestInfrastructure.TestImage)).ConfigureAwait(false);
                    lock (submitted)
                    {
                        submitted.Add((id, kinds[i]));
                    }
                }
            });

            var faults = new List<Fault>();
            var faultKinds = new List<string> { "host-kill", "pg-fast", "pg-immediate", "net-drop" };
            if (dockerRestarts)
            {
                faultKinds.Add("docker-restart");
            }

            var cycle = new Queue<string>();
            var probes = 0;
            var next = TimeSpan.FromSeconds(rng.Next(8, 15));
            while (next < duration - TimeSpan.FromSeconds(10))
            {
                if (next > clock.Elapsed)
                {
                    await Task.Delay(next - clock.Elapsed).ConfigureAwait(false);
                }

                if (cycle.Count == 0)
                {
                    foreach (var k in faultKinds.OrderBy(_ => rng.Next()))
                    {
                        cycle.Enqueue(k);
                    }
                }

                var kind = cycle.Dequeue();
                var inFlight = await InFlightAsync(documents).ConfigureAwait(false);
                var target = rng.Next(3);
                var outage = TimeSpan.FromMilliseconds(rng.Next(1000, 5000));
                var start = DateTimeOffset.UtcNow;
                string what;
                switch (kind)
                {
                    case "host-kill":
                        what = $"host {target}";
                        hosts[target].Kill();
                        await Task.Delay(outage).ConfigureAwait(false);
                        hosts[target].Start();
                        break;
                    case "pg-fast" or "pg-immediate":
                        what = "postgres";
                        await cluster.StopAsync(kind == "pg-fast" ? "fast" : "immediate").ConfigureAwait(false);
                        await Task.Delay(outage).ConfigureAwait(false);
                        await cluster.StartAsync().ConfigureAwait(false);
                        break;
                    case "net-drop":
                        what = $"host {target} <-> postgres";
                        proxies[target].Cut();
                        await Task.Delay(outage).ConfigureAwait(false);
                        proxies[target].Restore();
                        break;
                    default:
                        what = "dockerd";
                        await DockerRestartAsync().ConfigureAwait(false);
                        break;
                }

                var fault = new Fault(kind, what, start, DateTimeOffset.UtcNow, inFlight);
                faults.Add(fault);
                var ended = Stopwatch.StartNew();
                fault.Healthy = await UntilAsync(() => AllHealthyAsync(hosts), TimeSpan.FromMinutes(2)).ConfigureAwait(false);
                var probe = $"chaos-{seed}-probe-{probes++}";
                await SubmitAsync(jobs, probe, ChaosJobs.Of("shell", httpPort, TestInfrastructure.TestImage)).ConfigureAwait(false);
                fault.Probe = await UntilAsync(async () => await StatusAsync(jobs, probe).ConfigureAwait(false) == JobStatus.Completed, TimeSpan.FromMinutes(3)).ConfigureAwait(false) is { } _
                    ? ended.Elapsed : null;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{clock.Elapsed:mm\\:ss} {kind,-14} {what,-22} outage {(fault.End - fault.Start).TotalSeconds,4:0.0}s, in flight {inFlight.Count,3}, hosts healthy after {Seconds(fault.Healthy)}, probe job done after {Seconds(fault.Probe)}"));
                next = clock.Elapsed + TimeSpan.FromSeconds(rng.Next(10, 20));
            }

            await submitting.ConfigureAwait(false);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed:mm\\:ss} faults over; draining"));
            await UntilAsync(async () => (await InFlightAsync(documents).ConfigureAwait(false)).Count == 0, TimeSpan.FromMinutes(5)).ConfigureAwait(false);

            var report = await new InvariantChecker(documents, TimeProvider.System).CheckAsync().ConfigureAwait(false);
            var views = new Dictionary<string, JobView>(StringComparer.Ordinal);
            await using (var session = documents.QuerySession())
            {
                foreach (var view in await session.Query<JobView>().ToListAsync().ConfigureAwait(false))
                {
                    views[view.Id] = view;
                }
            }

            Print(output, count, minutes, seed, submitted, views, faults, report, hits, started.Elapsed, dockerRestarts);
            var lost = views.Values.Count(v => !IsFinished(v.Status)) + submitted.Count(s => !views.ContainsKey(s.Id));
            return lost == 0 && report.Healthy && views.Values.All(v => v.Status == JobStatus.Completed) ? 0 : 1;
        }
        finally
        {
            foreach (var host in hosts)
            {
                host.Dispose();
            }

            foreach (var proxy in proxies)
            {
                await proxy.DisposeAsync().ConfigureAwait(false);
            }

            listener.Stop();
            output.WriteLine($"chaos: logs kept in {root}");
        }
    }

    private static bool IsFinished(JobStatus status) => status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled;

    private static string Seconds(TimeSpan? t) => t is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v.TotalSeconds:0.0}s") : "NEVER";

    private static void Print(
        TextWriter output, int count, int minutes, int seed, List<(string Id, string Kind)> submitted, Dictionary<string, JobView> views, List<Fault> faults, DoctorReport report, int hits,
        TimeSpan elapsed, bool dockerRestarts)
    {
        var duplicated = report.Violations.Where(v => v.Invariant is "attempt-once" or "ended-once").Select(v => v.JobId).ToHashSet(StringComparer.Ordinal);
        bool Lost(string id) => !views.TryGetValue(id, out var v) || !IsFinished(v.Status);
        bool Failed(string id) => views.TryGetValue(id, out var v) && v.Status is JobStatus.Failed or JobStatus.Cancelled;
        output.WriteLine();
        output.WriteLine($"## Chaos run: {count} jobs, {minutes} min, seed {seed} ({DateTimeOffset.UtcNow:u}, {elapsed.TotalMinutes:0.0} min in all)");
        output.WriteLine();
        output.WriteLine("| fault | injected | jobs in flight | lost | recorded twice | failed | hosts healthy again (median / max) | probe job done (median / max) |");
        output.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var kind in faults.Select(f => f.Kind).Distinct())
        {
            var these = faults.Where(f => f.Kind == kind).ToList();
            var touched = these.SelectMany(f => f.InFlight).ToHashSet(StringComparer.Ordinal);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {kind} | {these.Count} | {touched.Count} | {touched.Count(Lost)} | {touched.Count(duplicated.Contains)} | {touched.Count(Failed)} | {Stat(these.Select(f => f.Healthy))} | {Stat(these.Select(f => f.Probe))} |"));
        }

        var all = views.Keys.ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| **all** | {faults.Count} | {all.Count} jobs (children and probes included) | {all.Count(Lost) + submitted.Count(s => !views.ContainsKey(s.Id))} | {duplicated.Count} | {all.Count(Failed)} | | |"));
        if (!dockerRestarts)
        {
            output.WriteLine();
            output.WriteLine("dockerd restarts: not injected (shared dockerd; --docker-restarts enables them).");
        }

        output.WriteLine();
        output.WriteLine("jobs by kind: " + string.Join(", ", submitted.GroupBy(s => s.Kind).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} {g.Count()} ({g.Count(s => views.TryGetValue(s.Id, out var v) && v.Status == JobStatus.Completed)} completed)")));
        output.WriteLine($"HTTP task calls received: {hits} for {submitted.Count(s => s.Kind == "http")} http jobs (a call made again after a host was killed mid-attempt is at-least-once delivery, not a second recorded result)");
        foreach (var failed in views.Values.Where(v => v.Status != JobStatus.Completed).OrderBy(v => v.Id, StringComparer.Ordinal).Take(20))
        {
            output.WriteLine($"  not completed: {failed.Id} ({failed.JobType}) {failed.Status} {failed.ErrorCode} {failed.FailedTask}");
        }

        output.WriteLine();
        output.WriteLine(report.Healthy
            ? $"invariant checker: healthy ({report.Jobs} jobs, {report.Events} events; {string.Join(", ", Invariant.All.Select(i => i.Id))})"
            : $"invariant checker: {report.Violations.Count} violation(s)");
        foreach (var v in report.Violations.Take(50))
        {
            output.WriteLine($"  {v.Invariant} job {v.JobId}: {v.Found}");
        }
    }

    private static string Stat(IEnumerable<TimeSpan?> times)
    {
        var list = times.ToList();
        var known = list.Where(t => t is not null).Select(t => t!.Value.TotalSeconds).Order().ToList();
        if (known.Count == 0)
        {
            return "never";
        }

        var never = list.Count - known.Count;
        return string.Create(CultureInfo.InvariantCulture, $"{known[(known.Count - 1) / 2]:0.0} s / {known[^1]:0.0} s{(never > 0 ? $" ({never} never)" : "")}");
    }

    private static async Task SubmitAsync(JobStore jobs, string id, Workflows.Definitions.JobDefinition definition)
    {
        // The database may be down at this moment: submit again until it is recorded (a second submit of an id is a no-op).
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await jobs.ExecuteAsync(id, new RequestJob(id, definition, new JobRequest { SubmittedBy = "chaos" })).ConfigureAwait(false);
                return;
            }
            catch (Exception) when (attempt < 600)
            {
                await Task.Delay(500).ConfigureAwait(false);
            }
        }
    }

    private static async Task<JobStatus?> StatusAsync(JobStore jobs, string id)
    {
        try
        {
            return (await jobs.GetAsync(id).ConfigureAwait(false))?.Status;
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static async Task<IReadOnlyCollection<string>> InFlightAsync(DocumentStore documents)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var session = documents.QuerySession();
                return await session.Query<JobView>().Where(v => v.Status != JobStatus.Completed && v.Status != JobStatus.Failed && v.Status != JobStatus.Cancelled)
                    .Select(v => v.Id).ToListAsync().ConfigureAwait(false);
            }
            catch (Exception) when (attempt < 120)
            {
                await Task.Delay(500).ConfigureAwait(false);
            }
        }
    }

    private static async Task<bool> AllHealthyAsync(ChaosHost[] hosts)
    {
        foreach (var host in hosts)
        {
            if (!await host.HealthyAsync().ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Polls until <paramref name="condition"/> holds; how long it took, or null when it never did within <paramref name="limit"/>.</summary>
    private static async Task<TimeSpan?> UntilAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < limit)
        {
            if (await condition().ConfigureAwait(false))
            {
                return watch.Elapsed;
            }

            await Task.Delay(250).ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>Restarts the shared dockerd (scripts/infra.sh starts it again): only with --docker-restarts, never by default.</summary>
    private static async Task DockerRestartAsync()
    {
        var pidFile = "/var/tmp/workflows-infra/dockerd.pid";
        if (File.Exists(pidFile) && int.TryParse(await File.ReadAllTextAsync(pidFile).ConfigureAwait(false), out var pid))
        {
            using var dockerd = Process.GetProcessById(pid);
            dockerd.Kill();
            await dockerd.WaitForExitAsync().ConfigureAwait(false);
        }

        using var start = Process.Start(new ProcessStartInfo("bash", [Path.Combine(TestInfrastructure.RepoRoot, "scripts", "infra.sh"), "docker"]))!;
        await start.WaitForExitAsync().ConfigureAwait(false);
    }
}
