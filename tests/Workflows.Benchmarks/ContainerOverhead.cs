using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Definitions;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Benchmarks;

/// <summary>
/// Scenario <c>container</c>: wall time of a one-task job whose task is a container running <c>true</c>, from submit to
/// the job's end (claim, start, container create/start/wait/remove, result recorded), against
/// <c>docker run --rm IMAGE true</c> from the CLI, one after another in the same run on the same engine.
/// ratio = CLI median ÷ engine median (above 1: the engine is faster). Target: ≤ 1.0× overhead (ratio ≥ 1).
/// </summary>
internal static class ContainerOverhead
{
    private const int Warmup = 3;
    private const int Runs = 20;

    public static async Task<int> RunAsync()
    {
        var image = TestInfrastructure.TestImage;
        var cli = new List<double>();
        for (var i = 0; i < Warmup + Runs; i++)
        {
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(new ProcessStartInfo("docker", ["run", "--rm", image, "true"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"docker run failed: {await process.StandardError.ReadToEndAsync()}");
            }

            if (i >= Warmup)
            {
                cli.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        var schema = "wf_bench_" + Guid.NewGuid().ToString("N")[..8];
        var data = Path.Combine(Path.GetTempPath(), schema);
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddWorkflows(options =>
        {
            options.ConnectionString = TestInfrastructure.PostgresConnectionString;
            options.Schema = schema;
            options.DataDirectory = data;
            options.WorkerCount = 1;
            options.DockerEndpoint = TestInfrastructure.DockerEndpoint;
        });
        var engine = new List<double>();
        using (var host = builder.Build())
        {
            await host.StartAsync();
            var client = host.Services.GetRequiredService<WorkflowClient>();
            var job = new JobDefinition
            {
                JobType = "container-true",
                Tasks = new[] { new TaskDefinition { TaskType = "true", Container = new ContainerSpec(image), Script = new[] { "true" }.ToEquatableArray() } }.ToEquatableArray(),
            };
            for (var i = 0; i < Warmup + Runs; i++)
            {
                var watch = Stopwatch.StartNew();
                var id = await client.SubmitAsync(job);
                while ((await client.GetAsync(id))?.Status is not (JobStatus.Completed or JobStatus.Failed))
                {
                    await Task.Delay(2);
                }

                if (i >= Warmup)
                {
                    engine.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            await host.StopAsync();
        }

        await TestInfrastructure.DropSchemaAsync(schema);

        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }

        Console.WriteLine(FormattableString.Invariant($"container task 'true' ({image}), {Runs} runs each after {Warmup} warm-up, one at a time"));
        Console.WriteLine("| path | median ms | p95 ms | min ms |");
        Console.WriteLine("|---|---|---|---|");
        Row("docker run --rm IMAGE true (CLI)", cli);
        Row("Workflows job: submit → container → completed", engine);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio: {Median(cli) / Median(engine):F2}"));
        return 0;
    }

    private static void Row(string name, List<double> values) =>
        Console.WriteLine(FormattableString.Invariant($"| {name} | {Median(values):F0} | {Percentile(values, 0.95):F0} | {values.Min():F0} |"));

    private static double Median(List<double> values) => Percentile(values, 0.5);

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Round(p * (sorted.Count - 1)))];
    }
}
