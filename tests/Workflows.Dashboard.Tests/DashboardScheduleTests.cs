using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Workflows.Api.Contracts;
using Workflows.Dashboard.Tests.Support;
using Workflows.Hosting.Tests.Support;
using Workflows.Host.Tests.Support;
using Workflows.Marten.Notifications;
using Workflows.Runtime.Scheduling;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Dashboard.Tests;

/// <summary>
/// The schedules page and the job page's schedule, skip and notifications in headless Chromium against the real served
/// host: what the page shows is what the API answers, and its buttons act through the API's operations.
/// </summary>
[Collection(DashboardGroup.Name)]
public sealed class DashboardScheduleTests(DashboardFixture fixture)
{
    static DashboardScheduleTests() => SetDefaultExpectTimeout(30_000);

    [Fact]
    public async Task A_cron_definition_is_listed_with_its_next_instants_and_Pause_Resume_and_Trigger_now_act_through_the_API()
    {
        var type = Unique("dash-nightly");
        await fixture.UploadAsync(Nightly(type));
        using var api = fixture.Host.Client(fixture.Host.AdminToken);
        var schedule = await ScheduleAsync(api, type);
        Assert.Equal(3, schedule.NextInstants.Count);

        var page = await fixture.SignedInAsync(fixture.Host.UserToken);
        await page.GotoAsync("/schedules");
        var row = page.Locator($"tr[data-schedule='{type}']");
        await Expect(row).ToHaveAttributeAsync("data-paused", "false");
        await Expect(row.Locator("td.cron")).ToContainTextAsync("0 2 * * *");
        await Expect(row.Locator("td.cron")).ToContainTextAsync("Europe/Paris");
        await Expect(row.Locator("td.version")).ToHaveTextAsync("version 1");

        // The instants are the API's (one schedule maths), in UTC, with the Paris wall clock beside: 02:00 local.
        var next = row.Locator("td.next li");
        await Expect(next).ToHaveCountAsync(3);
        for (var i = 0; i < 3; i++)
        {
            await Expect(next.Nth(i).Locator("time")).ToHaveTextAsync(schedule.NextInstants[i].UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
            await Expect(next.Nth(i)).ToContainTextAsync("(02:00 local)");
        }

        await Expect(row.Locator("td.last")).ToContainTextAsync("no job fired yet");
        await Expect(row.Locator("td.missed")).ToHaveAttributeAsync("data-total", "0");

        await row.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/schedules\\?ok=paused#schedule-{type}$"));
        await Expect(row).ToHaveAttributeAsync("data-paused", "true");
        await Expect(row.Locator("td.state")).ToContainTextAsync("paused by alice");
        await Expect(row.Locator("td.next")).ToHaveTextAsync("none while paused");
        schedule = await ScheduleAsync(api, type);
        Assert.True(schedule.Paused);
        Assert.Equal("alice", schedule.PausedBy);
        Assert.Empty(schedule.NextInstants);

        await row.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/schedules\\?ok=resumed#schedule-{type}$"));
        await Expect(row).ToHaveAttributeAsync("data-paused", "false");
        Assert.False((await ScheduleAsync(api, type)).Paused);

        // Trigger now: a job of the type, started at once and owned by the presser, whose page links back to the schedule.
        await row.GetByRole(AriaRole.Button, new() { Name = "Trigger now" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/jobs/[0-9a-f]{32}\\?ok=triggered$"));
        var id = Regex.Match(page.Url, "/jobs/([0-9a-f]{32})").Groups[1].Value;
        var job = await ServedHost.WaitEndedAsync(api, id);
        Assert.Equal((type, Runtime.JobStatus.Completed, "alice"), (job.JobType, job.Status, job.SubmittedBy));
        await Expect(page.Locator("section.summary .scheduled")).ToContainTextAsync("started outside (Trigger now) of the schedule of " + type);
        await page.Locator("section.summary .scheduled a").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/schedules#schedule-{type}$"));
        await Expect(page.Locator($"tr[data-schedule='{type}']")).ToBeVisibleAsync();
        Assert.False((await ScheduleAsync(api, type)).Paused);
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_fired_instant_links_its_job_which_links_back_and_instants_not_run_are_counted_with_their_reason()
    {
        // Every second: one schedule that runs, one whose required param no config gives (each instant is recorded as not run).
        var firing = Unique("dash-secondly");
        var starved = Unique("dash-starved");
        await fixture.UploadAsync($"job_type: {firing}\ncron_trigger: \"* * * * * * *\"\ntasks:\n- task_type: tick\n  method: SHELL\n  script:\n    - echo tick {{{{.ScheduledAt}}}}\n");
        await fixture.UploadAsync($"job_type: {starved}\ncron_trigger: \"* * * * * * *\"\nrequired_params: [Target]\ntasks:\n- task_type: deploy\n  method: SHELL\n  script:\n    - echo {{{{.Target}}}}\n");
        using var api = fixture.Host.Client(fixture.Host.AdminToken);
        ScheduleDto fired;
        ScheduleDto missed;
        try
        {
            await WaitAsync(api, firing, async s => s.LastInstant is { } at && await JobExistsAsync(api, CronSchedule.JobId(firing, at)));
            await WaitAsync(api, starved, s => Task.FromResult(s.MissedTotal >= 2));
        }
        finally
        {
            await PauseAsync(api, firing);
            await PauseAsync(api, starved);
        }

        // A tick under way when the pause landed may still fire one more instant: read the schedule once its job exists.
        fired = await WaitAsync(api, firing, async s => s.LastInstant is { } at && await JobExistsAsync(api, CronSchedule.JobId(firing, at)));
        var jobId = CronSchedule.JobId(firing, fired.LastInstant!.Value);
        var before = (await ScheduleAsync(api, starved)).MissedTotal;

        var page = await fixture.SignedInAsync(fixture.Host.UserToken);
        await page.GotoAsync("/schedules");
        var row = page.Locator($"tr[data-schedule='{firing}']");
        await Expect(row).ToHaveAttributeAsync("data-paused", "true");
        await Expect(row.Locator("td.last time")).ToHaveTextAsync(fired.LastInstant.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));

        var starvedRow = page.Locator($"tr[data-schedule='{starved}']");
        await Expect(starvedRow.Locator("td.last")).ToContainTextAsync("not run (see Missed)");
        var shown = long.Parse(await starvedRow.Locator("td.missed").GetAttributeAsync("data-total") ?? "-1", CultureInfo.InvariantCulture);
        missed = await ScheduleAsync(api, starved);
        Assert.InRange(shown, before, missed.MissedTotal);
        Assert.True(shown >= 2);
        await starvedRow.Locator("td.missed summary").ClickAsync();
        await Expect(starvedRow.Locator("td.missed summary")).ToHaveTextAsync($"{shown} instants not run");
        await Expect(starvedRow.Locator("ul.misses li").First).ToContainTextAsync("required params missing: Target");

        await row.Locator($"td.last a[href='/jobs/{Uri.EscapeDataString(jobId)}']").ClickAsync();
        await Expect(page.Locator("main h1")).ToContainTextAsync(jobId);
        await Expect(page.Locator("section.summary .scheduled")).ToContainTextAsync("fired at this instant by the schedule of " + firing);
        await Expect(page.Locator("section.summary .scheduled time")).ToHaveTextAsync(fired.LastInstant.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        await page.Locator("section.summary .scheduled a").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/schedules#schedule-{firing}$"));
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_read_only_token_sees_no_schedule_buttons_and_its_forged_post_is_refused()
    {
        var type = Unique("dash-ro-nightly");
        await fixture.UploadAsync(Nightly(type));
        var page = await fixture.SignedInAsync(fixture.ReadOnlyToken);
        await page.GotoAsync("/schedules");
        await Expect(page.Locator($"tr[data-schedule='{type}']")).ToHaveAttributeAsync("data-paused", "false");
        await Expect(page.Locator("table.schedules button")).ToHaveCountAsync(0);
        await Expect(page.Locator("table.schedules form")).ToHaveCountAsync(0);
        await Expect(page.Locator("p.note")).ToContainTextAsync("no 'define' scope");

        // A post made anyway, with this browser's genuine anti-forgery token (from the sign-out form): the server refuses it.
        Assert.Equal(403, await Forge(page, $"/schedules/{type}/pause", withAntiforgery: true));
        await Expect(page.Locator(".flash.error")).ToContainTextAsync("Token 'viewer' may not pause schedules: that needs the 'define' scope");
        Assert.Equal(403, await Forge(page, $"/schedules/{type}/trigger", withAntiforgery: true));
        await Expect(page.Locator(".flash.error")).ToContainTextAsync("Token 'viewer' may not trigger schedules: that needs the 'submit' scope");
        using var api = fixture.Host.Client(fixture.Host.AdminToken);
        Assert.False((await ScheduleAsync(api, type)).Paused);
        Assert.Equal(0, await CountJobsAsync(api, type));
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_schedule_post_without_the_anti_forgery_token_is_refused()
    {
        var type = Unique("dash-forged-nightly");
        await fixture.UploadAsync(Nightly(type));
        var page = await fixture.SignedInAsync(fixture.Host.UserToken);
        await page.GotoAsync("/schedules");
        var pause = page.Locator($"tr[data-schedule='{type}'] form[action$='/pause']");
        await pause.Locator("input[type=hidden][name=__RequestVerificationToken]").EvaluateAsync("i => i.remove()");
        await pause.Locator("button").ClickAsync();
        await Expect(page.Locator(".flash.error")).ToContainTextAsync("anti-forgery");

        // And one from elsewhere (a form this dashboard did not send) is refused alike.
        Assert.Equal(400, await Forge(page, $"/schedules/{type}/trigger", withAntiforgery: false));
        await Expect(page.Locator(".flash.error")).ToContainTextAsync("anti-forgery");
        using var api = fixture.Host.Client(fixture.Host.AdminToken);
        Assert.False((await ScheduleAsync(api, type)).Paused);
        Assert.Equal(0, await CountJobsAsync(api, type));
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_job_its_skip_if_skipped_shows_why_and_ERR_FILTERED_JOB_and_a_task_its_except_skipped_says_so()
    {
        var type = Unique("dash-filtered");
        await fixture.UploadAsync($"job_type: {type}\nskip_if: \"{{{{.Skip}}}}\"\ntasks:\n- task_type: work\n  method: SHELL\n  script:\n    - echo worked\n");
        var id = await fixture.SubmitAsync(type, """{"Skip": "true"}""");
        using var api = fixture.Host.Client(fixture.Host.AdminToken);
        var job = await ServedHost.WaitEndedAsync(api, id);
        Assert.Equal((Runtime.JobStatus.Failed, "ERR_FILTERED_JOB"), (job.Status, job.ErrorCode));

        var page = await fixture.SignedInAsync(fixture.Host.UserToken);
        await page.GotoAsync($"/jobs/{id}");
        await Expect(page.Locator("section.summary")).ToHaveAttributeAsync("data-state", "failed");
        var skipped = page.Locator("section.summary .skipped");
        await Expect(skipped).ToContainTextAsync("its skip_if rendered true when it was about to start");
        await Expect(skipped).ToContainTextAsync("ended failed with ERR_FILTERED_JOB");
        await Expect(page.Locator("svg.dag g.node[data-task='work']")).ToHaveAttributeAsync("data-state", "not_reached");

        // A job it does not skip says nothing of the kind.
        var ran = await fixture.SubmitAsync(type, """{"Skip": "no"}""");
        await ServedHost.WaitEndedAsync(api, ran);
        await page.GotoAsync($"/jobs/{ran}");
        await Expect(page.Locator("section.summary")).ToHaveAttributeAsync("data-state", "completed");
        await Expect(page.Locator("section.summary .skipped")).ToHaveCountAsync(0);
        await Expect(page.Locator("p.task-skipped")).ToHaveCountAsync(0);

        // A task its except skips: the job runs on, and the page says which task was not run and why.
        var excepting = Unique("dash-except");
        await fixture.UploadAsync($"job_type: {excepting}\ntasks:\n- task_type: optional\n  method: SHELL\n  except: \"{{{{.Skip}}}}\"\n  script:\n    - echo optional ran\n  on_completed: last\n- task_type: last\n  method: SHELL\n  script:\n    - echo last ran\n");
        var partly = await fixture.SubmitAsync(excepting, """{"Skip": "true"}""");
        Assert.Equal(Runtime.JobStatus.Completed, (await ServedHost.WaitEndedAsync(api, partly)).Status);
        await page.GotoAsync($"/jobs/{partly}");
        await Expect(page.Locator("p.task-skipped[data-task='optional']")).ToContainTextAsync("its except rendered true, which says true, so it completed with exit code SKIPPED");
        await Expect(page.Locator("section.summary .skipped")).ToHaveCountAsync(0);
        await Expect(page.Locator("details.log[data-task='last'] pre")).ToContainTextAsync("last ran");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task The_job_page_lists_its_webhook_sends_as_the_API_records_them_with_a_refused_first_send()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.RefusingOnly = "job.COMPLETED";
        receiver.Refusing = 1;
        var type = Unique("dash-hooked");
        await fixture.UploadAsync($"job_type: {type}\nwebhook:\n  url: {receiver.Url}/hook\ntasks:\n- task_type: work\n  method: SHELL\n  script:\n    - echo done\n");
        var id = await fixture.SubmitAsync(type, "{}");
        using var api = fixture.Host.Client(fixture.Host.AdminToken);
        await ServedHost.WaitEndedAsync(api, id);
        var records = await AllSentAsync(api, id);
        Assert.Equal(["PENDING", "STARTED", "COMPLETED"], records.Select(r => r.State));
        Assert.Single(receiver.Accepted, p => p.Headers["X-Workflows-Event"] == "job.COMPLETED");

        var page = await fixture.SignedInAsync(fixture.Host.UserToken);
        await page.GotoAsync($"/jobs/{id}");
        var rows = page.Locator("section.notifications tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        foreach (var record in records)
        {
            var row = page.Locator($"section.notifications tr[data-state='{record.State}']");
            await Expect(row).ToHaveAttributeAsync("data-channel", "webhook");
            await Expect(row).ToHaveAttributeAsync("data-status", "sent");
            await Expect(row.Locator("td.recipient")).ToHaveTextAsync(record.Recipient!);
            await Expect(row.Locator("td.attempts")).ToHaveTextAsync(record.Attempts.ToString(CultureInfo.InvariantCulture));
            await Expect(row.Locator("td.error")).ToHaveTextAsync(record.LastError ?? string.Empty);
        }

        // The refused send is there: two attempts, and the receiver's answer as the last error.
        var completed = page.Locator("section.notifications tr[data-state='COMPLETED']");
        await Expect(completed.Locator("td.attempts")).ToHaveTextAsync("2");
        await Expect(completed.Locator("td.error")).ToContainTextAsync("503");
        await Expect(completed.Locator("td.recipient")).ToHaveTextAsync(receiver.Url + "/hook");
        await page.Context.DisposeAsync();
    }

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    internal static string Nightly(string type) =>
        $"job_type: {type}\ncron_trigger: 0 2 * * *\ncron_time_zone: Europe/Paris\ntasks:\n- task_type: report\n  method: SHELL\n  script:\n    - echo report for {{{{.ScheduledAt}}}}\n";

    internal static async Task<ScheduleDto> ScheduleAsync(HttpClient api, string type)
    {
        using var response = await api.GetAsync($"api/schedules/{type}");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await ServedHost.ReadAsync<ScheduleDto>(response);
    }

    internal static async Task PauseAsync(HttpClient api, string type)
    {
        using var response = await api.PostAsync($"api/schedules/{type}/pause", null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    internal static async Task<bool> JobExistsAsync(HttpClient api, string id)
    {
        using var response = await api.GetAsync($"api/jobs/requests/{Uri.EscapeDataString(id)}");
        return response.IsSuccessStatusCode;
    }

    private static async Task<int> CountJobsAsync(HttpClient api, string type)
    {
        using var response = await api.GetAsync($"api/jobs/requests?job_type={type}");
        response.EnsureSuccessStatusCode();
        return (int)(await ServedHost.ReadAsync<JobListDto>(response)).Total;
    }

    /// <summary>Reads the schedule over the API until the condition holds (bounded: fails after a minute).</summary>
    internal static async Task<ScheduleDto> WaitAsync(HttpClient api, string type, Func<ScheduleDto, Task<bool>> condition)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        ScheduleDto? last = null;
        while (DateTime.UtcNow < until)
        {
            last = await ScheduleAsync(api, type);
            if (await condition(last))
            {
                return last;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Schedule {type} did not reach the condition within a minute; last seen: {last}.");
    }

    /// <summary>Reads the job's notifications over the API until every one was sent (bounded: fails after a minute).</summary>
    private static async Task<List<NotificationRecord>> AllSentAsync(HttpClient api, string id)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        List<NotificationRecord> records = [];
        while (DateTime.UtcNow < until)
        {
            using var response = await api.GetAsync($"api/jobs/requests/{id}/notifications");
            response.EnsureSuccessStatusCode();
            records = await ServedHost.ReadAsync<List<NotificationRecord>>(response);
            if (records.Count == 3 && records.All(r => r.Status == "sent"))
            {
                return records;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Job {id}'s notifications were not all sent within a minute: {string.Join("; ", records.Select(r => $"{r.State} {r.Status} {r.LastError}"))}.");
    }

    /// <summary>Posts a form the dashboard never rendered, from the page's own origin (with this browser's anti-forgery token, or without one).</summary>
    internal static async Task<int> Forge(IPage page, string action, bool withAntiforgery)
    {
        var response = await page.RunAndWaitForResponseAsync(
            () => page.EvaluateAsync(Submit, new object[] { action, withAntiforgery }),
            r => r.Request.Method == "POST" && r.Url.EndsWith(action, StringComparison.Ordinal));
        return response.Status;
    }

    private const string Submit =
        """
        ([action, withToken]) => {
          const form = document.createElement('form');
          form.method = 'post';
          form.action = action;
          if (withToken) {
            form.appendChild(document.querySelector('form.who input[name=__RequestVerificationToken]').cloneNode());
          }
          document.body.appendChild(form);
          form.submit();
        }
        """;
}
