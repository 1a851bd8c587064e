using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Workflows.Definitions;
using Workflows.Hosting.Scheduling;
using Workflows.Hosting.Tests.Support;
using Workflows.Marten;
using Workflows.Marten.Configs;
using Workflows.Marten.Definitions;
using Workflows.Marten.Schedules;
using Workflows.Runtime.Scheduling;

namespace Workflows.Hosting.Tests;

/// <summary>
/// The scheduler on the real database, with a fake clock: schedulers racing for an instant make one job, a gap runs once
/// and records the rest, pause and resume, and a new definition version's cron. (The background service is off here:
/// the test drives <see cref="Schedules.TickAsync"/>.)
/// </summary>
public sealed class ScheduleTests
{
    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static Schedules Scheduler(RunningHost host, TimeProvider clock) => new(
        host.Jobs,
        host.Services.GetRequiredService<ScheduleStore>(),
        host.Services.GetRequiredService<DefinitionStore>(),
        host.Services.GetRequiredService<JobConfigs>(),
        host.Services.GetServices<Workflow>(),
        clock,
        NullLogger<Schedules>.Instance);

    private static Task<RunningHost> StartAsync(string name, Workflow? workflow = null) => RunningHost.StartAsync(
        name,
        options => options.RunSchedules = false,
        services =>
        {
            if (workflow is not null)
            {
                services.AddSingleton(workflow);
            }
        });

    private static async Task<IReadOnlyList<string>> JobIdsAsync(RunningHost host, string jobType) =>
        (await host.Jobs.ListAsync(new JobQuery { JobType = jobType, Limit = 500 })).Jobs.Select(j => j.Id).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task Schedulers_racing_for_an_instant_create_one_job_and_after_a_gap_the_latest_instant_runs_once()
    {
        var workflow = Workflow.Create("cron-race", job => job.Cron("* * * * *").Task("noop").Run((_, _) => ValueTask.FromResult(0)));
        await using var host = await StartAsync("cronrace", workflow);
        var clock = new FakeTimeProvider(Utc("2026-01-01T00:00:30Z"));
        var first = Scheduler(host, clock);
        var second = Scheduler(host, clock);

        Assert.Equal(Utc("2026-01-01T00:01:00Z"), await first.TickAsync()); // starts counting now: nothing due yet
        Assert.Empty(await JobIdsAsync(host, "cron-race"));

        clock.SetUtcNow(Utc("2026-01-01T00:01:00.200Z"));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => (i % 2 == 0 ? first : second).TickAsync()));
        Assert.Equal(["cron-race@20260101T000100Z"], await JobIdsAsync(host, "cron-race"));
        var job = await host.Client.GetAsync("cron-race@20260101T000100Z");
        Assert.Equal("2026-01-01T00:01:00Z", job!.Params[CronSchedule.InstantParam]);
        Assert.Equal(Utc("2026-01-01T00:01:00Z"), job.ScheduledAt);

        // Down for four minutes: 00:05 runs, 00:02, 00:03 and 00:04 are recorded as missed.
        clock.SetUtcNow(Utc("2026-01-01T00:05:10Z"));
        await Task.WhenAll(first.TickAsync(), second.TickAsync());
        Assert.Equal(["cron-race@20260101T000100Z", "cron-race@20260101T000500Z"], await JobIdsAsync(host, "cron-race"));
        var info = Assert.Single(await first.ListAsync());
        Assert.Equal(3, info.MissedTotal);
        Assert.Equal([Utc("2026-01-01T00:04:00Z"), Utc("2026-01-01T00:03:00Z"), Utc("2026-01-01T00:02:00Z")], info.Missed.Select(m => m.Instant));
        Assert.All(info.Missed, m => Assert.Equal(Schedules.MissedReason, m.Reason));
        Assert.Equal(Utc("2026-01-01T00:05:00Z"), info.LastInstant);
        Assert.Equal([Utc("2026-01-01T00:06:00Z"), Utc("2026-01-01T00:07:00Z"), Utc("2026-01-01T00:08:00Z")], info.NextInstants);
    }

    [Fact]
    public async Task A_paused_schedule_fires_nothing_and_resumes_from_now_without_missed_instants()
    {
        var workflow = Workflow.Create("cron-pause", job => job.Cron("* * * * *").Task("noop").Run((_, _) => ValueTask.FromResult(0)));
        await using var host = await StartAsync("cronpause", workflow);
        var clock = new FakeTimeProvider(Utc("2026-01-01T00:00:30Z"));
        var scheduler = Scheduler(host, clock);
        await scheduler.TickAsync();

        var paused = await scheduler.PauseAsync("cron-pause", "ops");
        Assert.True(paused!.Paused);
        Assert.Equal("ops", paused.PausedBy);
        Assert.Empty(paused.NextInstants);

        clock.SetUtcNow(Utc("2026-01-01T00:03:30Z"));
        await scheduler.TickAsync();
        Assert.Empty(await JobIdsAsync(host, "cron-pause"));

        var resumed = await scheduler.ResumeAsync("cron-pause");
        Assert.False(resumed!.Paused);
        Assert.Equal(Utc("2026-01-01T00:04:00Z"), resumed.NextInstants[0]);
        clock.SetUtcNow(Utc("2026-01-01T00:04:01Z"));
        await scheduler.TickAsync();
        Assert.Equal(["cron-pause@20260101T000400Z"], await JobIdsAsync(host, "cron-pause"));
        Assert.Equal(0, (await scheduler.GetAsync("cron-pause"))!.MissedTotal);

        // Triggered now, outside the schedule: a job of its own with now as its instant.
        var triggered = await scheduler.TriggerAsync("cron-pause");
        Assert.Equal("2026-01-01T00:04:01Z", (await host.Client.GetAsync(triggered!))!.Params[CronSchedule.InstantParam]);
        Assert.Null(await scheduler.PauseAsync("no-such-type", "ops"));
    }

    [Fact]
    public async Task A_new_definition_version_follows_its_own_cron_and_a_version_without_one_has_no_schedule()
    {
        await using var host = await StartAsync("cronversion");
        var definitions = host.Services.GetRequiredService<DefinitionStore>();
        var clock = new FakeTimeProvider(Utc("2026-01-01T00:00:00Z"));
        var scheduler = Scheduler(host, clock);
        var hourly = new JobDefinition
        {
            JobType = "etl",
            CronTrigger = "0 * * * *",
            Tasks = EquatableArray.Create(new TaskDefinition { TaskType = "run", Method = TaskMethod.Shell, Script = EquatableArray.Create("true") }),
        };
        await definitions.SaveAsync(hourly, "v1", null);
        await scheduler.TickAsync();

        await definitions.SaveAsync(hourly with { CronTimeZone = "Asia/Kolkata" }, "v2", null);
        clock.SetUtcNow(Utc("2026-01-01T00:10:00Z"));
        Assert.Equal(Utc("2026-01-01T00:30:00Z"), await scheduler.TickAsync()); // 06:00 in Kolkata (UTC+5:30) is 00:30Z
        var info = Assert.Single(await scheduler.ListAsync());
        Assert.Equal((2, "0 * * * *", "Asia/Kolkata"), (info.Version!.Value, info.Cron, info.TimeZone));

        clock.SetUtcNow(Utc("2026-01-01T01:00:05Z")); // 01:00 was version 1's instant; version 2's was 00:30
        await scheduler.TickAsync();
        var job = Assert.Single((await host.Jobs.ListAsync(new JobQuery { JobType = "etl" })).Jobs);
        Assert.Equal("etl@20260101T003000Z", job.Id);
        Assert.Equal(2, job.DefinitionVersion);

        await definitions.SaveAsync(hourly with { CronTrigger = null }, "v3", null);
        Assert.Null(await scheduler.TickAsync());
        Assert.Empty(await scheduler.ListAsync());
    }
}
