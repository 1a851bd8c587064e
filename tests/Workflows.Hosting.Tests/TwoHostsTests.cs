using Microsoft.Extensions.DependencyInjection;
using Workflows.Hosting.Tests.Support;
using Workflows.Runtime;
using Xunit.Abstractions;

namespace Workflows.Hosting.Tests;

/// <summary>Two worker hosts on one database: every job runs, and every attempt is started and recorded exactly once.</summary>
public sealed class TwoHostsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_worker_hosts_on_one_database_run_2000_jobs_with_zero_duplicate_completions()
    {
        var workflow = Workflow.Create("two-hosts", job => job.Task("noop").Run((_, _) => ValueTask.FromResult(0)));
        void Register(IServiceCollection services) => services.AddSingleton(workflow);
        await using var first = await RunningHost.StartAsync("twohosts", services: Register);
        await using var second = await RunningHost.StartAsync("twohosts", services: Register, schema: first.Schema);

        var ids = new string[2000];
        await Parallel.ForAsync(0, ids.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            ids[i] = await (i % 2 == 0 ? first : second).Client.SubmitAsync("two-hosts", cancellationToken: ct));

        foreach (var id in ids)
        {
            await first.WaitUntilAsync(id, v => v.Status == JobStatus.Completed, TimeSpan.FromMinutes(3));
        }

        var duplicates = new List<string>();
        await Parallel.ForAsync(0, ids.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var events = await first.Jobs.EventsAsync(ids[i], ct);
            if (events.OfType<TaskStarted>().Count() != 1 || events.OfType<TaskExited>().Count() != 1 || events.OfType<JobCompleted>().Count() != 1 || events.OfType<JobStarted>().Count() != 1)
            {
                lock (duplicates)
                {
                    duplicates.Add($"{ids[i]}: {string.Join(", ", events.Select(e => e.GetType().Name))}");
                }
            }
        });

        Assert.True(duplicates.Count == 0, "jobs not run exactly once:\n" + string.Join("\n", duplicates.Take(20)));
        output.WriteLine($"{ids.Length} jobs completed once each on two hosts sharing schema {first.Schema}");
    }
}
