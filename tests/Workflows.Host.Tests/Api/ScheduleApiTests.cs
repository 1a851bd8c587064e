using System.Net;
using System.Net.Http.Json;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Host.Tests.Api;

/// <summary>
/// The schedules API on a served host: formicary's artifacts-expiration example (a cron job) uploaded as written, listed
/// with its next instants, triggered now and run; pause and resume with the define scope; formicary's trigger of a
/// pending request; a malformed cron refused at upload.
/// </summary>
public sealed class ScheduleApiTests : IAsyncLifetime
{
    private ServedHost _host = null!;

    public async Task InitializeAsync() => _host = await ServedHost.StartAsync("schedapi");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static async Task<T> Expect<T>(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await ServedHost.ReadAsync<T>(response);
    }

    [Fact]
    public async Task Formicarys_cron_example_is_listed_with_its_next_instants_and_runs_when_triggered()
    {
        using var admin = _host.Client(_host.AdminToken);
        var yaml = await File.ReadAllTextAsync(Path.Combine(TestInfrastructure.RepoRoot, "tests", "Workflows.Yaml.Tests", "Formicary", "docs", "examples", "artifacts-expiration.yaml"));
        using (var upload = await admin.PostAsync("api/jobs/definitions", ServedHost.Yaml(yaml)))
        {
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
            Assert.DoesNotContain("WF4005", await upload.Content.ReadAsStringAsync(), StringComparison.Ordinal); // cron_trigger runs now
        }

        var list = await Expect<ScheduleListDto>(await admin.GetAsync("api/schedules"), HttpStatusCode.OK);
        var schedule = Assert.Single(list.Schedules);
        Assert.Equal(("artifacts-expiration", "0 * * * *", null, 1, false), (schedule.JobType, schedule.Cron, schedule.TimeZone, schedule.Version, schedule.Paused));
        Assert.Equal(3, schedule.NextInstants.Count);
        Assert.All(schedule.NextInstants, i => Assert.Equal((0, 0), (i.Minute, i.Second)));
        Assert.Equal(TimeSpan.FromHours(1), schedule.NextInstants[1] - schedule.NextInstants[0]);

        var job = await Expect<JobDto>(await admin.PostAsync("api/schedules/artifacts-expiration/trigger", null), HttpStatusCode.Created);
        Assert.Equal("admin", job.SubmittedBy);
        Assert.Matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$", job.Params["ScheduledAt"]);
        Assert.Equal(JobStatus.Completed, (await ServedHost.WaitEndedAsync(admin, job.Id)).Status);

        var json = await ServedHost.ReadJsonAsync(await admin.GetAsync("api/schedules/artifacts-expiration"));
        Assert.Equal("0 * * * *", json.GetProperty("cron").GetString());
        Assert.Equal(3, json.GetProperty("next_instants").GetArrayLength());
        Assert.False(json.GetProperty("paused").GetBoolean());
    }

    [Fact]
    public async Task Formicarys_scheduled_hello_world_runs_as_written_every_half_hour_and_its_skip_if_filters_it()
    {
        using var admin = _host.Client(_host.AdminToken);
        var yaml = await File.ReadAllTextAsync(Path.Combine(TestInfrastructure.RepoRoot, "tests", "Workflows.Yaml.Tests", "Formicary", "docs", "examples", "hello_world_scheduled.yaml"));
        using (var upload = await admin.PostAsync("api/jobs/definitions", ServedHost.Yaml(yaml)))
        {
            var text = await upload.Content.ReadAsStringAsync();
            Assert.True(upload.StatusCode == HttpStatusCode.Created, text);
            Assert.DoesNotContain("'cron_trigger'", text, StringComparison.Ordinal); // runs now: only KUBERNETES is still WF4005
            Assert.DoesNotContain("'skip_if'", text, StringComparison.Ordinal);
        }

        // `0 0/30 * * * * *`: seven fields, a second first and a year last: every half hour.
        var schedule = await Expect<ScheduleDto>(await admin.GetAsync("api/schedules/hello_world_scheduled"), HttpStatusCode.OK);
        Assert.All(schedule.NextInstants, i => Assert.Equal(0, i.Minute % 30 + i.Second));
        Assert.Equal(TimeSpan.FromMinutes(30), schedule.NextInstants[1] - schedule.NextInstants[0]);

        // Its job variable Target is 'charlie', so its skip_if says true at every instant: each job is recorded filtered.
        var job = await Expect<JobDto>(await admin.PostAsync("api/schedules/hello_world_scheduled/trigger", null), HttpStatusCode.Created);
        var ended = await ServedHost.WaitEndedAsync(admin, job.Id);
        Assert.Equal((JobStatus.Failed, "ERR_FILTERED_JOB"), (ended.Status, ended.ErrorCode));
        var events = await ServedHost.ReadAsync<List<EventDto>>(await admin.GetAsync($"api/jobs/requests/{job.Id}/events"));
        Assert.Equal(["job_requested", "job_skipped", "job_failed"], events.Select(e => e.Type));
    }

    [Fact]
    public async Task Pausing_needs_the_define_scope_and_a_paused_schedule_has_no_next_instant_until_resumed()
    {
        using var admin = _host.Client(_host.AdminToken);
        using var upload = await admin.PostAsync("api/jobs/definitions", ServedHost.Yaml("job_type: nightly\ncron_trigger: 0 2 * * *\ncron_time_zone: Europe/Paris\ntasks:\n- task_type: run\n  method: SHELL\n  script: [\"true\"]\n"));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);

        using var reader = _host.Client(await _host.TokenAsync("reader"));
        var refused = await ServedHost.ReadJsonAsync(await reader.PostAsync("api/schedules/nightly/pause", null));
        Assert.Contains("define", refused.GetProperty("error").GetString(), StringComparison.Ordinal);

        using var alice = _host.Client(_host.UserToken);
        var paused = await Expect<ScheduleDto>(await alice.PostAsync("api/schedules/nightly/pause", null), HttpStatusCode.OK);
        Assert.Equal((true, "alice"), (paused.Paused, paused.PausedBy));
        Assert.Empty(paused.NextInstants);
        Assert.True((await Expect<ScheduleDto>(await alice.GetAsync("api/schedules/nightly"), HttpStatusCode.OK)).Paused);

        var resumed = await Expect<ScheduleDto>(await alice.PostAsync("api/schedules/nightly/resume", null), HttpStatusCode.OK);
        Assert.False(resumed.Paused);
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        Assert.All(resumed.NextInstants, i => Assert.Equal((2, 0), (TimeZoneInfo.ConvertTime(i, paris).Hour, TimeZoneInfo.ConvertTime(i, paris).Minute)));

        var missing = await ServedHost.ReadJsonAsync(await alice.PostAsync("api/schedules/no-such-type/pause", null));
        Assert.Equal("no_schedule", missing.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_queued_job_waiting_for_its_time_runs_when_triggered_and_a_finished_one_cannot_be()
    {
        using var alice = _host.Client(_host.UserToken);
        using var upload = await alice.PostAsync("api/jobs/definitions", ServedHost.Yaml("job_type: later\ntasks:\n- task_type: run\n  method: SHELL\n  script: [\"true\"]\n"));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var queued = await Expect<JobDto>(
            await alice.PostAsJsonAsync("api/jobs/requests", new { job_type = "later", scheduled_at = DateTimeOffset.UtcNow.AddHours(1) }), HttpStatusCode.Created);
        Assert.Equal(JobStatus.Queued, queued.Status);

        await Expect<JobDto>(await alice.PostAsync($"api/jobs/requests/{queued.Id}/trigger", null), HttpStatusCode.OK);
        Assert.Equal(JobStatus.Completed, (await ServedHost.WaitEndedAsync(alice, queued.Id)).Status);

        using var again = await alice.PostAsync($"api/jobs/requests/{queued.Id}/trigger", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task A_malformed_cron_is_refused_at_upload_with_WF7001_and_nothing_is_stored()
    {
        using var admin = _host.Client(_host.AdminToken);
        using var upload = await admin.PostAsync("api/jobs/definitions", ServedHost.Yaml("job_type: broken-cron\ncron_trigger: 0 25 * * *\ntasks:\n- task_type: run\n  method: SHELL\n  script: [\"true\"]\n"));
        Assert.Equal(HttpStatusCode.BadRequest, upload.StatusCode);
        Assert.Contains("WF7001", await upload.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("api/schedules/broken-cron")).StatusCode);
    }
}
