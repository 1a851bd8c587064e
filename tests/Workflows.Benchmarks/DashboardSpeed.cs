extern alias host;

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Workflows.Benchmarks.Throughput;
using Workflows.Marten;
using Workflows.Marten.Tokens;
using Workflows.Runtime;
using WorkflowsWebApp = host::Workflows.Host.Serving.WorkflowsWebApp;

namespace Workflows.Benchmarks;

/// <summary>
/// <c>dashboard [--jobs N] [--requests N]</c>: the dashboard's jobs page and job page, timed over loopback HTTP against
/// a served host whose schema holds N finished jobs (default 100,000; each a one-task no-op job with a five-event
/// history), and the live log's delay: how long after a SHELL task prints a line (its own timestamp) the job page's
/// log stream delivers it. The jobs are seeded once into schema <c>wf_bench_dash_N</c> and kept, so later runs only
/// measure. Prints p50/p95/max per page; the issue's targets are p95 ≤ 100 ms and a log delay ≤ 500 ms.
/// </summary>
internal static partial class DashboardSpeed
{
    private const string NoopType = "bench-dash-noop";

    public static async Task<int> RunAsync(string[] args)
    {
        var jobs = Option(args, "--jobs", 100_000);
        var requests = Option(args, "--requests", 200);
        var schema = $"wf_bench_dash_{jobs}";
        var connectionString = await MeasuredRun.ConnectionStringAsync();
        var app = WorkflowsWebApp.Build(
            [
                "--ConnectionStrings:Workflows=" + connectionString, "--Workflows:Schema=" + schema, "--Workflows:DataDirectory=" + Path.Combine(Path.GetTempPath(), schema),
                "--Workflows:WorkerCount=4", "--Workflows:Execution:AllowShell=true", "--Logging:LogLevel:Default=Warning",
            ],
            "http://127.0.0.1:0",
            builder => builder.Services.AddSingleton(Workflow.Create(NoopType, job => job.Task("noop").Run((_, _) => ValueTask.FromResult(0)))));
        await app.StartAsync();
        try
        {
            var address = new Uri(WorkflowsWebApp.Addresses(app).Single());
            await SeedAsync(app, jobs);
            var token = (await app.Services.GetRequiredService<TokenStore>().CreateAsync("bench-" + Guid.NewGuid().ToString("N")[..6], admin: true)).Text;
            using var client = await SignInAsync(address, token);

            var list = await TimeAsync(client, requests, _ => "jobs");
            var filtered = await TimeAsync(client, requests, _ => "jobs?status=completed&type=" + NoopType);
            var deep = await DeepPagesAsync(client, Math.Min(requests, 100));
            var ids = await SampleIdsAsync(app, requests);
            var job = await TimeAsync(client, requests, i => "jobs/" + ids[i % ids.Count]);
            var delays = await LogDelaysAsync(app, client, 5);

            Console.WriteLine($"dashboard, {jobs:N0} jobs in the store, {requests} requests per page (loopback HTTP, server-rendered HTML):");
            Console.WriteLine($"  {"page",-34} {"p50 ms",8} {"p95 ms",8} {"max ms",8}");
            foreach (var (name, times) in new[] { ("jobs (first page)", list), ("jobs (state + type filter)", filtered), ("jobs (older pages, keyset)", deep), ("job page", job) })
            {
                Console.WriteLine($"  {name,-34} {P(times, 50),8:F1} {P(times, 95),8:F1} {times.Max(),8:F1}");
            }

            Console.WriteLine($"  live log line delay (ms): {string.Join(", ", delays.Select(d => d.ToString("F0", CultureInfo.InvariantCulture)))}; max {delays.Max():F0}");
            return 0;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task SeedAsync(WebApplication app, int jobs)
    {
        var store = app.Services.GetRequiredKeyedService<IDocumentStore>(WorkflowsServiceCollectionExtensions.StoreKey);
        async Task<long> DoneAsync()
        {
            await using var session = store.QuerySession();
            return await session.Query<JobView>().LongCountAsync(v => v.Status == JobStatus.Completed && v.JobType == NoopType);
        }

        var have = await DoneAsync();
        if (have >= jobs)
        {
            Console.Error.WriteLine($"dashboard: {have:N0} jobs already in the schema; measuring only");
            return;
        }

        var client = app.Services.GetRequiredService<WorkflowClient>();
        var watch = Stopwatch.StartNew();
        var next = have - 1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < jobs)
            {
                await client.SubmitAsync(NoopType, new Dictionary<string, string> { ["n"] = next.ToString(CultureInfo.InvariantCulture) });
            }
        })));
        while (await DoneAsync() < jobs)
        {
            await Task.Delay(1000);
        }

        Console.Error.WriteLine($"dashboard: seeded {jobs - have:N0} jobs in {watch.Elapsed.TotalSeconds:F0} s");
    }

    private static async Task<HttpClient> SignInAsync(Uri address, string token)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true }) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
        var form = await client.GetStringAsync("signin");
        var csrf = CsrfField().Match(form);
        using var posted = await client.PostAsync("signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [csrf.Groups[1].Value] = WebUtility.HtmlDecode(csrf.Groups[2].Value), ["token"] = token, ["return"] = string.Empty,
        }));
        posted.EnsureSuccessStatusCode();
        return client;
    }

    private static async Task<List<double>> TimeAsync(HttpClient client, int count, Func<int, string> path)
    {
        await client.GetStringAsync(path(0)); // warm-up
        var times = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await client.GetAsync(path(i));
            await response.Content.ReadAsByteArrayAsync();
            response.EnsureSuccessStatusCode();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        return times;
    }

    /// <summary>Follows "Older jobs" from the first page, timing each page.</summary>
    private static async Task<List<double>> DeepPagesAsync(HttpClient client, int pages)
    {
        var times = new List<double>();
        var path = "jobs";
        for (var i = 0; i < pages; i++)
        {
            var watch = Stopwatch.StartNew();
            var html = await client.GetStringAsync(path);
            times.Add(watch.Elapsed.TotalMilliseconds);
            var next = OlderLink().Match(html);
            if (!next.Success)
            {
                break;
            }

            path = WebUtility.HtmlDecode(next.Groups[1].Value).TrimStart('/');
        }

        return times;
    }

    private static async Task<List<string>> SampleIdsAsync(WebApplication app, int count)
    {
        var (page, _) = await app.Services.GetRequiredService<JobStore>().ListAsync(new JobQuery { JobType = NoopType, Limit = Math.Min(500, count) });
        return page.Select(v => v.Id).ToList();
    }

    /// <summary>Jobs whose SHELL task prints its own clock every 200 ms; each line's delay is when the log stream delivered it, less that clock.</summary>
    private static async Task<List<double>> LogDelaysAsync(WebApplication app, HttpClient client, int lines)
    {
        using var api = new HttpClient { BaseAddress = client.BaseAddress };
        var definitions = app.Services.GetRequiredService<Workflows.Marten.Definitions.DefinitionStore>();
        var yaml = $"""
            job_type: bench-dash-log
            tasks:
            - task_type: tick
              method: SHELL
              script:
                - for i in $(seq 1 {lines}); do echo "tick $(date +%s%N)"; sleep 0.2; done
            """;
        var loaded = Workflows.Yaml.YamlJobLoader.Load(yaml, "bench.yaml");
        await definitions.SaveAsync(loaded.Definition!, yaml, "bench");
        var id = await app.Services.GetRequiredService<WorkflowClient>().SubmitAsync(new JobSubmission("bench-dash-log"));
        var delays = new List<double>();
        using var stream = await client.GetStreamAsync($"jobs/{id}/logs/live");
        using var reader = new StreamReader(stream);
        while (delays.Count < lines && await reader.ReadLineAsync() is { } line)
        {
            foreach (Match tick in Tick().Matches(line))
            {
                var printed = long.Parse(tick.Groups[1].Value, CultureInfo.InvariantCulture) / 1_000_000.0;
                delays.Add((DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds - printed);
            }
        }

        return delays;
    }

    private static double P(List<double> times, int percentile)
    {
        var sorted = times.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    [GeneratedRegex("name=\"([^\"]+)\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();

    [GeneratedRegex("<a class=\"btn\" rel=\"next\" href=\"([^\"]+)\"")]
    private static partial Regex OlderLink();

    [GeneratedRegex("tick (\\d{16,})")]
    private static partial Regex Tick();
}
