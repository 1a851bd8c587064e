using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Workflows.Dashboard.Tests.Support;
using Workflows.Host.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Dashboard.Tests;

/// <summary>
/// Every page of the dashboard with the seed jobs (samples/legacy-yaml, as the user wrote them) run on the served host:
/// each page renders, and its screenshot is written to <c>WORKFLOWS_SCREENSHOTS</c> (docs/images when the docs are
/// refreshed: <c>WORKFLOWS_SCREENSHOTS=$PWD/docs/images dotnet test tests/Workflows.Dashboard.Tests --filter Screenshots</c>),
/// else to a temporary folder.
/// </summary>
[Collection(DashboardGroup.Name)]
public sealed class DashboardScreenshotTests(DashboardFixture fixture)
{
    static DashboardScreenshotTests() => SetDefaultExpectTimeout(60_000);

    [Fact]
    public async Task Screenshots_of_every_page_with_the_seed_jobs()
    {
        var folder = Environment.GetEnvironmentVariable("WORKFLOWS_SCREENSHOTS") is { Length: > 0 } dir ? dir : Directory.CreateTempSubdirectory("wf-dash-shots").FullName;
        Directory.CreateDirectory(folder);
        var seeds = Path.Combine(RepoRoot(), "samples", "legacy-yaml");
        using var client = fixture.Host.Client(fixture.Host.UserToken);
        var ids = new List<string>();
        foreach (var file in new[] { "retry-job.yaml", "sensor-job.yaml" })
        {
            var yaml = await File.ReadAllTextAsync(Path.Combine(seeds, file));
            using (var upload = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(yaml)))
            {
                upload.EnsureSuccessStatusCode();
            }

            var type = Regex.Match(yaml, "^job_type: *(\\S+)", RegexOptions.Multiline).Groups[1].Value;
            ids.Add(await fixture.SubmitAsync(type, "{}"));
        }

        foreach (var id in ids)
        {
            await ServedHost.WaitEndedAsync(client, id);
        }

        var page = await fixture.SignedInAsync(fixture.Host.AdminToken);
        async Task Shot(string path, string heading, string name)
        {
            await page.GotoAsync(path);
            await Expect(page.Locator("main h1").First).ToContainTextAsync(heading);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name), FullPage = true });
        }

        await Shot("/", "Overview", "dashboard-overview.png");
        await Shot("/jobs", "Jobs", "dashboard-jobs.png");
        await Shot($"/jobs/{ids[0]}", "retry-job", "dashboard-job.png");
        await Expect(page.Locator("svg.dag g.node")).ToHaveCountAsync(3);
        await Shot($"/jobs/{ids[1]}", "sensor-job", "dashboard-job-sensor.png");
        await Shot("/definitions", "Definitions", "dashboard-definitions.png");
        await Shot("/definitions/retry-job", "retry-job", "dashboard-definition.png");
        await Shot("/approvals", "Approvals", "dashboard-approvals.png");

        // Schedules: one waiting for its next night, one that fired (then paused), one whose required param no config gives (its instants are recorded as not run, then paused).
        await fixture.UploadAsync(DashboardScheduleTests.Nightly("nightly-report"));
        await using var receiver = await Workflows.Hosting.Tests.Support.WebhookReceiver.StartAsync();
        await fixture.UploadAsync($"job_type: heartbeat\ncron_trigger: \"* * * * * * *\"\nwebhook:\n  url: {receiver.Url}/hooks/heartbeat\ntasks:\n- task_type: ping\n  method: SHELL\n  script:\n    - echo ping {{{{.ScheduledAt}}}}\n");
        await fixture.UploadAsync("job_type: deploy-check\ncron_trigger: \"* * * * * * *\"\nrequired_params: [Target]\ntasks:\n- task_type: check\n  method: SHELL\n  script:\n    - echo {{.Target}}\n");
        using var admin = fixture.Host.Client(fixture.Host.AdminToken);
        try
        {
            await DashboardScheduleTests.WaitAsync(admin, "heartbeat", async s => s.LastInstant is { } at && await DashboardScheduleTests.JobExistsAsync(admin, Runtime.Scheduling.CronSchedule.JobId("heartbeat", at)));
            await DashboardScheduleTests.WaitAsync(admin, "deploy-check", s => Task.FromResult(s.MissedTotal >= 3));
        }
        finally
        {
            await DashboardScheduleTests.PauseAsync(admin, "heartbeat");
            await DashboardScheduleTests.PauseAsync(admin, "deploy-check");
        }

        await DashboardScheduleTests.WaitAsync(admin, "heartbeat", async s => s.LastInstant is { } at && await DashboardScheduleTests.JobExistsAsync(admin, Runtime.Scheduling.CronSchedule.JobId("heartbeat", at)));
        await page.GotoAsync("/schedules");
        await page.Locator("tr[data-schedule='deploy-check'] td.missed summary").ClickAsync();
        await Expect(page.Locator("tr[data-schedule='heartbeat'] td.last a")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "dashboard-schedules.png"), FullPage = true });

        // The heartbeat's fired job: its instant and schedule, and its webhook's sends.
        var fired = Runtime.Scheduling.CronSchedule.JobId("heartbeat", (await DashboardScheduleTests.ScheduleAsync(admin, "heartbeat")).LastInstant!.Value);
        await ServedHost.WaitEndedAsync(admin, fired);
        await receiver.WaitUntilAsync(p => p.Any(r => r.Headers["X-Workflows-Event"] == "job.COMPLETED"));
        await WaitSentAsync(admin, fired);
        await page.GotoAsync($"/jobs/{Uri.EscapeDataString(fired)}");
        await Expect(page.Locator("section.notifications tbody tr[data-status='sent']")).ToHaveCountAsync(3);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "dashboard-job-scheduled.png"), FullPage = true });

        // The bulk retry's dry run of the failed seed jobs (the seeds are random: at least one of them may have completed).
        await page.GotoAsync("/jobs/retry?status=failed");
        await Expect(page.Locator("main h1")).ToContainTextAsync("dry run");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "dashboard-bulk-retry.png"), FullPage = true });

        // An upload with mistakes shows each diagnostic at its line.
        await page.GotoAsync("/definitions");
        await page.FillAsync("textarea[name=yaml]", "job_type: broken\ntasks:\n- task_type: first\n  method: SHELL\n  script:\n    - echo hi\n  on_completed: secnd\n");
        await page.ClickAsync("section.upload button[type=submit]");
        var flagged = page.Locator("ol.source li.has-diag");
        await Expect(flagged).ToHaveCountAsync(1);
        await Expect(flagged.Locator("code")).ToHaveTextAsync("  on_completed: secnd");
        await Expect(flagged.Locator(".diag")).ToContainTextAsync("WF0101 error (line 7, column 17)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "dashboard-upload-diagnostics.png"), FullPage = true });
        Assert.True(File.Exists(Path.Combine(folder, "dashboard-job.png")));
        await page.Context.DisposeAsync();
    }

    /// <summary>Waits (bounded: a minute) until the job's three webhook posts (PENDING, STARTED, COMPLETED) are sent.</summary>
    private static async Task WaitSentAsync(HttpClient api, string id)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (DateTime.UtcNow < until)
        {
            using var response = await api.GetAsync($"api/jobs/requests/{Uri.EscapeDataString(id)}/notifications");
            var records = await ServedHost.ReadAsync<List<Workflows.Marten.Notifications.NotificationRecord>>(response);
            if (records.Count == 3 && records.All(r => r.Status == "sent"))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Job {id}'s webhooks were not all sent within a minute.");
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Workflows.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("The repository root (Workflows.sln) is not above " + AppContext.BaseDirectory);
    }
}
