using Microsoft.Extensions.DependencyInjection;
using Workflows.Hosting.Tests.Support;
using Workflows.Runtime;

namespace Workflows.Hosting.Tests;

/// <summary>max_concurrency per job type and named queues, enforced by the claim query on the real database.</summary>
public sealed class ConcurrencyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task No_more_jobs_of_a_type_run_at_once_than_its_max_concurrency(int limit)
    {
        await using var host = await RunningHost.StartAsync("concurrency", options => options.WorkerCount = 6);
        var definition = Workflow.Create("limited-" + limit, job => job.MaxConcurrency(limit).Task("work").Shell().Script("sleep 0.5")).Definition;
        var other = Workflow.Create("unlimited", job => job.Task("work").Shell().Script("sleep 0.5")).Definition;

        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await host.Client.SubmitAsync(definition));
        }

        var free = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            free.Add(await host.Client.SubmitAsync(other));
        }

        var views = new List<Marten.JobView>();
        foreach (var id in ids)
        {
            views.Add(await host.WaitUntilAsync(id, v => v.Status == JobStatus.Completed, TimeSpan.FromMinutes(2)));
        }

        // At every job's start, count the jobs of the type running then (started before, not ended yet).
        var most = views.Max(v => views.Count(o => o.StartedAt <= v.StartedAt && o.EndedAt > v.StartedAt));
        Assert.True(most <= limit, $"{most} jobs of a type limited to {limit} ran at once");
        var unlimited = new List<Marten.JobView>();
        foreach (var id in free)
        {
            unlimited.Add(await host.WaitUntilAsync(id, v => v.Status == JobStatus.Completed, TimeSpan.FromMinutes(2)));
        }

        // Another type is not held back by the limited one: it ran alongside it.
        Assert.Contains(unlimited, u => views.Any(v => v.StartedAt < u.EndedAt && u.StartedAt < v.EndedAt));
    }

    [Fact]
    public async Task A_host_runs_at_most_WorkerCount_attempts_at_once_and_each_tasks_start_is_recorded_in_its_slot()
    {
        // Two worker loops per slot: a loop writing a result must not let a third attempt run beside the other two.
        var running = 0;
        var most = 0;
        var workflow = Workflow.Create("slots", job => job.Task("work").Run(async (_, cancellationToken) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await Task.Delay(150, cancellationToken);
            Interlocked.Decrement(ref running);
            return 0;
        }).OnCompleted("more").Task("more").Run((_, _) => ValueTask.FromResult(0)));
        await using var host = await RunningHost.StartAsync("slots", options => options.WorkerCount = 2, services => services.AddSingleton(workflow));

        var ids = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            ids.Add(await host.Client.SubmitAsync(workflow.Definition));
        }

        var views = new List<Marten.JobView>();
        foreach (var id in ids)
        {
            views.Add(await host.WaitUntilAsync(id, v => v.Status == JobStatus.Completed, TimeSpan.FromMinutes(1)));
        }

        Assert.Equal(2, most);
        // A task's recorded start is when it got its slot, not when a loop began to wait for one: the 150 ms tasks'
        // recorded runs (start to end) never overlap more than the slots allow.
        var work = views.Select(v => v.Tasks.Single(t => t.TaskType == "work")).ToList();
        var overlapping = work.Max(t => work.Count(o => o.StartedAt <= t.StartedAt && o.EndedAt > t.StartedAt));
        Assert.True(overlapping <= 2, $"{overlapping} attempts were recorded as running at once on 2 slots");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    [Fact]
    public async Task A_host_takes_work_only_from_its_named_queues()
    {
        await using var host = await RunningHost.StartAsync("queues", options => options.Queues.Add("gpu"));
        var definition = Workflow.Create("queued-work", job => job.Task("work").Shell().Script("true")).Definition;

        var cpu = await host.Client.SubmitAsync(definition);
        var jobs = host.Jobs;
        var gpuId = Guid.CreateVersion7().ToString("N");
        await jobs.ExecuteAsync(gpuId, new RequestJob(gpuId, definition, new JobRequest { Queue = "gpu" }));
        var cpuId = Guid.CreateVersion7().ToString("N");
        await jobs.ExecuteAsync(cpuId, new RequestJob(cpuId, definition, new JobRequest { Queue = "cpu" }));

        Assert.Equal(JobStatus.Completed, (await host.WaitForEndAsync(gpuId)).Status);
        Assert.Equal(JobStatus.Queued, (await host.Jobs.GetAsync(cpuId))!.Status);
        Assert.Equal(JobStatus.Queued, (await host.Jobs.GetAsync(cpu))!.Status); // the default queue is not "gpu" either
    }

    [Fact]
    public async Task Jobs_sharing_a_queueing_lock_key_run_one_at_a_time_and_other_keys_run_alongside()
    {
        await using var host = await RunningHost.StartAsync("lockkey", options => options.WorkerCount = 6);
        var definition = Workflow.Create("deploy", job => job.Task("work").Shell().Script("sleep 0.5")).Definition;
        async Task<string> SubmitAsync(string key)
        {
            var id = Guid.CreateVersion7().ToString("N");
            await host.Jobs.ExecuteAsync(id, new RequestJob(id, definition, new JobRequest { LockKey = key }));
            return id;
        }

        var prod = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            prod.Add(await SubmitAsync("deploy-prod"));
        }

        var dev = await SubmitAsync("deploy-dev");
        var views = new List<Marten.JobView>();
        foreach (var id in prod)
        {
            views.Add(await host.WaitUntilAsync(id, v => v.Status == JobStatus.Completed, TimeSpan.FromMinutes(2)));
        }

        var most = views.Max(v => views.Count(o => o.StartedAt <= v.StartedAt && o.EndedAt > v.StartedAt));
        Assert.Equal(1, most);
        Assert.Equal(prod, views.OrderBy(v => v.StartedAt).Select(v => v.Id)); // in the order they were queued
        var other = await host.WaitUntilAsync(dev, v => v.Status == JobStatus.Completed, TimeSpan.FromMinutes(2));
        Assert.Contains(views, v => v.StartedAt < other.EndedAt && other.StartedAt < v.EndedAt);
    }
}
