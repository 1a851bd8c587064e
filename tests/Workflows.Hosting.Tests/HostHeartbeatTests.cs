using Microsoft.Extensions.DependencyInjection;
using Workflows.Hosting.Tests.Support;
using Workflows.Marten.Hosts;

namespace Workflows.Hosting.Tests;

/// <summary>Each serving host's heartbeat (<c>wf_hosts</c>): alive, its slots and how many are busy; what the dashboard lists.</summary>
public sealed class HostHeartbeatTests
{
    [Fact]
    public async Task A_serving_host_beats_with_its_slots_and_counts_a_running_attempt_as_busy()
    {
        await using var host = await RunningHost.StartAsync("heartbeat", options => options.WorkerCount = 3);
        var heartbeats = host.Services.GetRequiredService<HostHeartbeats>();
        var me = await WaitForAsync(heartbeats, h => h.Slots == 3);
        Assert.StartsWith(Environment.MachineName + ":" + Environment.ProcessId + ":", me.Owner, StringComparison.Ordinal);
        Assert.Equal(0, me.Busy);

        var gate = Path.Combine(Path.GetTempPath(), "beat-gate-" + Guid.NewGuid().ToString("N"));
        var id = await host.Client.SubmitAsync(Workflow.Create("beat", job => job.Task("wait").Shell().Script($"while [ ! -e {gate} ]; do sleep 0.05; done")).Definition);
        try
        {
            // The next beat (every 5 s) sees the attempt's slot taken.
            Assert.Equal(me.Owner, (await WaitForAsync(heartbeats, h => h.Busy == 1)).Owner);
        }
        finally
        {
            await File.WriteAllTextAsync(gate, "go");
        }

        await host.WaitForEndAsync(id);
        await WaitForAsync(heartbeats, h => h.Busy == 0);

        // A stopping host deletes its row (WorkerService.StopAsync); the store's part of it:
        await heartbeats.ForgetAsync(me.Owner);
        Assert.DoesNotContain(await heartbeats.AliveAsync(DateTimeOffset.MinValue), h => h.Owner == me.Owner);
        File.Delete(gate);
    }

    private static async Task<HostBeat> WaitForAsync(HostHeartbeats heartbeats, Func<HostBeat, bool> condition)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var alive = await heartbeats.AliveAsync(DateTimeOffset.UtcNow - TimeSpan.FromSeconds(30));
            if (alive.SingleOrDefault(condition) is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < until, $"no heartbeat matched within 20 s: {string.Join("; ", alive)}");
            await Task.Delay(100);
        }
    }
}
