extern alias host;

using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Benchmarks.Throughput;
using Workflows.Fuzzing;
using Workflows.Marten.Tokens;
using Workflows.TestSupport;
using WorkflowsWebApp = host::Workflows.Host.Serving.WorkflowsWebApp;

namespace Workflows.Benchmarks;

/// <summary>
/// <c>fuzz --target yaml|templates|scriban|http [--cases N] [--seed S]</c>: the long fuzz run of one target
/// (tests/Workflows.Fuzzing; docs/fuzzing-and-load.md), on one thread, deterministic for a seed. The HTTP target runs
/// against its own served host on 127.0.0.1 without workers, on the shared PostgreSQL in a fresh schema (dropped after).
/// Prints the summary and each kept crash; exit 1 when a case failed.
/// </summary>
internal static class FuzzCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var target = Option(args, "--target") ?? "yaml";
        var cases = long.Parse(Option(args, "--cases") ?? "100000", CultureInfo.InvariantCulture);
        var seed = ulong.Parse(Option(args, "--seed") ?? DateTime.UtcNow.ToString("yyyyMMdd", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        Console.WriteLine($"fuzz {target}: {cases:N0} cases, seed {seed}, {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        var report = target switch
        {
            "yaml" => FuzzRun.Run(target, YamlFuzz.Inputs, YamlFuzz.Check, t => t, cases, seed),
            "templates" => FuzzRun.Run(target, TemplateFuzz.Inputs, TemplateFuzz.Check, t => t, cases, seed),
            "scriban" => FuzzRun.Run(target, ScribanFuzz.Inputs, ScribanFuzz.Check, t => t, cases, seed),
            "http" => await HttpAsync(cases, seed),
            _ => null,
        };
        if (report is null)
        {
            Console.Error.WriteLine($"Unknown target '{target}': use yaml, templates, scriban or http.");
            return 2;
        }

        Console.WriteLine(report);
        return report.CrashCount == 0 ? 0 : 1;
    }

    private static async Task<FuzzReport> HttpAsync(long cases, ulong seed)
    {
        var schema = $"wf_fuzz_{Guid.NewGuid():N}"[..20];
        var app = WorkflowsWebApp.Build(
            [
                "--ConnectionStrings:Workflows=" + await MeasuredRun.ConnectionStringAsync(), "--Workflows:Schema=" + schema,
                "--Workflows:DataDirectory=" + Path.Combine(Path.GetTempPath(), schema), "--Workflows:WorkerCount=0",
                "--Workflows:Api:MaxBodyBytes=262144", "--Logging:LogLevel:Default=Error", "--Logging:LogLevel:Workflows=Critical",
                "--Logging:LogLevel:Microsoft.AspNetCore=Critical",
            ],
            "http://127.0.0.1:0");
        await app.StartAsync();
        try
        {
            var tokens = app.Services.GetRequiredService<TokenStore>();
            var admin = (await tokens.CreateAsync("fuzz-admin", admin: true)).Text;
            var reader = (await tokens.CreateAsync("fuzz-reader", [TokenScopes.Read])).Text;
            using var client = new HttpClient { BaseAddress = new Uri(WorkflowsWebApp.Addresses(app).Single()), Timeout = TimeSpan.FromSeconds(60) };
            return await FuzzRun.RunAsync("http", HttpFuzz.Inputs, r => HttpFuzz.CheckAsync(client, (admin, reader), r), r => r.ToString(), cases, seed);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            await TestInfrastructure.DropSchemaAsync(schema);
        }
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
