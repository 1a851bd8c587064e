using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.Marten;
using Workflows.Marten.Hosts;
using Workflows.Runtime;

namespace Workflows.Host.Tests.Api;

/// <summary>
/// Task <c>tags</c> with served hosts on one database: a task runs on a host that has all its tags (its <c>TaskStarted</c>
/// records the host); a task whose tags no live host has stays scheduled, is reported as waiting for them, and runs
/// once a host with them starts.
/// </summary>
public sealed class TagRoutingHostTests
{
    private const string Routed = """
        job_type: routed
        tasks:
        - task_type: fetch
          method: SHELL
          script: ["echo fetched"]
          on_completed: train
        - task_type: train
          method: SHELL
          tags: [GPU, linux]
          script: ["echo trained"]
          on_completed: report
        - task_type: report
          method: SHELL
          script: ["echo reported"]
        """;

    private const string Arm = """
        job_type: on-arm
        tasks:
        - task_type: build
          method: SHELL
          tags: [arm]
          script: ["echo built"]
        """;

    [Fact]
    public async Task Each_task_runs_on_a_host_with_all_its_tags_and_a_task_no_host_can_run_waits_until_one_starts()
    {
        await using var plain = await ServedHost.StartAsync("tags");
        await using var gpu = await ServedHost.JoinAsync(plain, "--Workflows:Tags:0=gpu", "--Workflows:Tags:1=Linux", "--Workflows:Tags:2=docker");
        using var client = plain.Client(plain.UserToken);
        var hosts = await HostsAsync(plain, 2);
        var plainOwner = hosts.Single(h => h.Tags.Count == 0).Owner;
        var gpuOwner = hosts.Single(h => h.Tags.SequenceEqual(["docker", "gpu", "linux"])).Owner;

        // Submitted to the untagged host: its tagged task still runs on the host with the tags.
        foreach (var yaml in new[] { Routed, Arm })
        {
            using var upload = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(yaml));
            Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
        }

        var routed = await SubmitAsync(client, "routed");
        Assert.Equal(JobStatus.Completed, (await ServedHost.WaitEndedAsync(client, routed)).Status);
        var started = (await plain.Services.GetRequiredService<JobStore>().EventsAsync(routed)).OfType<TaskStarted>().ToDictionary(e => e.TaskType, e => e.Host);
        Assert.Equal(gpuOwner, started["train"]);
        Assert.Contains(started["fetch"], new[] { plainOwner, gpuOwner });
        Assert.Contains(started["report"], new[] { plainOwner, gpuOwner });

        // No live host has "arm": the attempt stays scheduled (not failed, not lost) and the job says what it waits for.
        var onArm = await SubmitAsync(client, "on-arm");
        var waiting = await ServedHost.WaitAsync(client, onArm, j => j.Tasks?.Any(t => t.WaitingForTags is not null) == true);
        var build = Assert.Single(waiting.Tasks!);
        Assert.Equal((JobStatus.Running, TaskRunStatus.Scheduled, 1), (waiting.Status, build.Status, build.Attempt));
        Assert.Equal(["arm"], build.WaitingForTags);
        Assert.Empty(build.Attempts);

        // The dashboard says it too, and lists each host's tags.
        using (var dashboard = new DashboardForm(plain))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await dashboard.SignInAsync(plain.AdminToken)).StatusCode);
            Assert.Contains("waits for a host with tags <code>arm</code>: no live host has them all", await dashboard.Client.GetStringAsync($"jobs/{onArm}"), StringComparison.Ordinal);
            Assert.Contains("<code>docker, gpu, linux</code>", await dashboard.Client.GetStringAsync(""), StringComparison.Ordinal);
        }

        await using var arm = await ServedHost.JoinAsync(plain, "--Workflows:Tags:0=ARM");
        Assert.Equal(JobStatus.Completed, (await ServedHost.WaitEndedAsync(client, onArm)).Status);
        var armOwner = (await HostsAsync(plain, 3)).Single(h => h.Tags.SequenceEqual(["arm"])).Owner;
        Assert.Equal(armOwner, (await plain.Services.GetRequiredService<JobStore>().EventsAsync(onArm)).OfType<TaskStarted>().Single().Host);
        Assert.Null(Assert.Single((await ServedHost.ReadAsync<JobDto>(await client.GetAsync($"api/jobs/requests/{onArm}"))).Tasks!).WaitingForTags);
    }

    private static async Task<string> SubmitAsync(HttpClient client, string jobType)
    {
        using var submit = await client.PostAsync("api/jobs/requests", ServedHost.Json($$"""{"job_type": "{{jobType}}"}"""));
        Assert.Equal(HttpStatusCode.Created, submit.StatusCode);
        return (await ServedHost.ReadAsync<JobDto>(submit)).Id;
    }

    /// <summary>The hosts' heartbeats once <paramref name="count"/> hosts beat (bounded: fails after 30 s).</summary>
    private static async Task<IReadOnlyList<HostBeat>> HostsAsync(ServedHost host, int count)
    {
        var heartbeats = host.Services.GetRequiredService<HostHeartbeats>();
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var alive = await heartbeats.AliveAsync(DateTimeOffset.UtcNow - JobStore.HostAliveWithin);
            if (alive.Count == count)
            {
                return alive;
            }

            Assert.True(DateTime.UtcNow < until, $"{count} hosts did not beat within 30 s: {string.Join("; ", alive)}");
            await Task.Delay(100);
        }
    }
}
