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
