extern alias host;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Benchmarks.Throughput;
using Workflows.Marten.Tokens;
using Workflows.TestSupport;
using WorkflowsWebApp = host::Workflows.Host.Serving.WorkflowsWebApp;

namespace Workflows.Benchmarks;

/// <summary>
/// <c>load [--clients 64] [--seconds 60]</c>: the API of a served host on 127.0.0.1 (the shared PostgreSQL, a fresh
/// schema dropped after) under N concurrent clients, each with its own token, for S seconds: submitting jobs (a no-op
/// and one that fails), reading them (one job, a page of the list) and retrying the failed ones. Reports per operation
/// the requests, errors (a 5xx, a transport failure, a 4xx other than a retry's 409) and p50/p99, and the process's
/// working set and GC heap sampled every second (the host and the clients share the process), with whether they stayed
/// flat (the last quarter's mean within 25% of the second quarter's). Exit 1 on any error.
/// </summary>
internal static class LoadCommand
{
    private const string Noop = "load-noop";
    private const string Fails = "load-fails";

    public static async Task<int> RunAsync(string[] args)
    {
        var clients = int.Parse(Option(args, "--clients") ?? "64", CultureInfo.InvariantCulture);
        var seconds = int.Parse(Option(args, "--seconds") ?? "60", CultureInfo.InvariantCulture);
        var schema = $"wf_load_{Guid.NewGuid():N}"[..20];
        var app = WorkflowsWebApp.Build(
            [
                "--ConnectionStrings:Workflows=" + await MeasuredRun.ConnectionStringAsync(), "--Workflows:Schema=" + schema,
                "--Workflows:DataDirectory=" + Path.Combine(Path.GetTempPath(), schema), "--Logging:LogLevel:Default=Warning",
            ],
            "http://127.0.0.1:0",
            builder =>
            {
                builder.Services.AddSingleton(Workflow.Create(Noop, job => job.Task("noop").Run((_, _) => ValueTask.FromResult(0))));
                builder.Services.AddSingleton(Workflow.Create(Fails, job => job.Task("fail").Run((_, _) => ValueTask.FromResult(1))));
            });
        await app.StartAsync();
        try
        {
            var address = new Uri(WorkflowsWebApp.Addresses(app).Single());
            var tokens = app.Services.GetRequiredService<TokenStore>();
            var texts = new List<string>();
            for (var i = 0; i < clients; i++)
            {
                texts.Add((await tokens.CreateAsync($"load-{i}", [.. TokenScopes.Defaults])).Text);
            }

            Console.WriteLine($"load: {clients} clients for {seconds} s against {address} ({Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version})");
            var stats = new ConcurrentDictionary<string, Operation>();
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            var memory = SampleMemoryAsync(stop.Token);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(texts.Select((token, i) => ClientAsync(handler, address, token, i, stats, stop.Token)));
            var elapsed = clock.Elapsed;
            var samples = await memory;

            var errors = stats.Values.Sum(o => o.Errors);
            Console.WriteLine($"  {"operation",-10} {"requests",9} {"per s",8} {"errors",7} {"p50 ms",8} {"p99 ms",8}  statuses");
            foreach (var (name, op) in stats.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                var times = op.Millis.ToArray();
                Array.Sort(times);
                Console.WriteLine($"  {name,-10} {times.Length,9:N0} {times.Length / elapsed.TotalSeconds,8:F0} {op.Errors,7} {P(times, 50),8:F1} {P(times, 99),8:F1}  {string.Join(", ", op.Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}");
            }

            foreach (var sample in MemoryLines(samples))
            {
                Console.WriteLine(sample);
            }

            foreach (var message in stats.Values.SelectMany(o => o.FirstErrors).Take(10))
            {
                Console.WriteLine("  error: " + message);
            }

            Console.WriteLine($"errors: {errors}");
            return errors == 0 ? 0 : 1;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            await TestInfrastructure.DropSchemaAsync(schema);
        }
    }

    private static IEnumerable<string> MemoryLines(List<(double WorkingSetMb, double HeapMb)> samples)
    {
        if (samples.Count < 4)
        {
            yield return $"  memory: {samples.Count} samples, too few to judge";
            yield break;
        }

        var quarter = samples.Count / 4;
        foreach (var (name, pick) in new (string, Func<(double WorkingSetMb, double HeapMb), double>)[] { ("working set", s => s.WorkingSetMb), ("GC heap", s => s.HeapMb) })
        {
            var second = samples.Skip(quarter).Take(quarter).Average(pick);
            var last = samples.Skip(samples.Count - quarter).Average(pick);
            var flat = last <= second * 1.25;
            yield return $"  {name,-12} MB: first {pick(samples[0]):F0}, 2nd quarter mean {second:F0}, last quarter mean {last:F0}, max {samples.Max(pick):F0} " +
                $"({samples.Count} samples, 1/s): {(flat ? "flat" : "GROWING")}";
        }

        yield return "  per second (working set MB / GC heap MB): " + string.Join(' ', samples.Select(s => $"{s.WorkingSetMb:F0}/{s.HeapMb:F0}"));
    }

    private static async Task ClientAsync(HttpMessageHandler handler, Uri address, string token, int index, ConcurrentDictionary<string, Operation> stats, CancellationToken stop)
    {
        using var client = new HttpClient(handler, disposeHandler: false) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var random = new Random(index);
        var mine = new List<string>();
        var failing = new List<string>();
        while (!stop.IsCancellationRequested)
        {
            var roll = random.Next(100);
            if (roll < 40 || mine.Count == 0)
            {
                var type = random.Next(10) < 7 ? Noop : Fails;
                var id = await SendAsync(stats, "submit", client, HttpMethod.Post, "api/jobs/requests", $"{{\"job_type\": \"{type}\"}}", stop);
                if (id is not null)
                {
                    mine.Add(id);
                    if (type == Fails)
                    {
                        failing.Add(id);
                    }
                }
            }
            else if (roll < 70)
            {
                await SendAsync(stats, "read", client, HttpMethod.Get, "api/jobs/requests/" + mine[random.Next(mine.Count)], null, stop);
            }
            else if (roll < 85)
            {
                await SendAsync(stats, "list", client, HttpMethod.Get, "api/jobs/requests?limit=20", null, stop);
            }
            else if (failing.Count > 0)
            {
                await SendAsync(stats, "retry", client, HttpMethod.Post, $"api/jobs/requests/{failing[random.Next(failing.Count)]}/retry", "{}", stop);
            }
        }
    }

    private static async Task<string?> SendAsync(ConcurrentDictionary<string, Operation> stats, string name, HttpClient client, HttpMethod method, string path, string? body, CancellationToken stop)
    {
        var op = stats.GetOrAdd(name, _ => new Operation());
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request, stop);
            var text = await response.Content.ReadAsStringAsync(stop);
            op.Millis.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            var status = (int)response.StatusCode;
            op.Statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            var expected = response.IsSuccessStatusCode || (name == "retry" && response.StatusCode == HttpStatusCode.Conflict);
            if (!expected)
            {
                op.Error($"{method} {path}: {status} {text[..Math.Min(text.Length, 300)]}");
                return null;
            }

            return name == "submit" ? JsonDocument.Parse(text).RootElement.GetProperty("id").GetString() : null;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return null;
        }
#pragma warning disable CA1031 // Every failure of a request is counted and reported.
        catch (Exception e)
#pragma warning restore CA1031
        {
            op.Millis.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            op.Error($"{method} {path}: {e.GetType().Name}: {e.Message}");
            return null;
        }
    }

    private static async Task<List<(double WorkingSetMb, double HeapMb)>> SampleMemoryAsync(CancellationToken stop)
    {
        var samples = new List<(double, double)>();
        using var process = Process.GetCurrentProcess();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                process.Refresh();
                samples.Add((process.WorkingSet64 / 1048576.0, GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0));
            }
        }
        catch (OperationCanceledException)
        {
        }

        return samples;
    }

    private static double P(double[] sorted, int percentile) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1)];

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private sealed class Operation
    {
        private long _errors;

        public ConcurrentBag<double> Millis { get; } = [];

        public ConcurrentDictionary<int, int> Statuses { get; } = new();

        public ConcurrentQueue<string> FirstErrors { get; } = new();

        public long Errors => Interlocked.Read(ref _errors);

        public void Error(string message)
        {
            if (Interlocked.Increment(ref _errors) <= 5)
            {
                FirstErrors.Enqueue(message);
            }
        }
    }
}
