using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Workflows.Dashboard.Tests.Support;
using Workflows.Host.Tests.Support;
using Workflows.Marten.Tokens;
using Workflows.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Dashboard.Tests;

/// <summary>The dashboard in an app of one's own under a path base, and the host option that makes it read-only.</summary>
[Collection(DashboardGroup.Name)]
public sealed class DashboardHostingTests(DashboardFixture fixture)
{
    static DashboardHostingTests() => SetDefaultExpectTimeout(30_000);

    [Fact]
    public async Task MapWorkflowsDashboard_works_under_a_path_base_with_its_embedded_assets()
    {
        var schema = $"wf_dashpb_{Guid.NewGuid().ToString("N")[..12]}";
        var data = Path.Combine(Path.GetTempPath(), schema);
        var builder = WebApplication.CreateBuilder(ServedHost.ConfigurationArgs(schema, data));
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddWorkflows(builder.Configuration);
        builder.Services.AddWorkflowsApi();
        builder.Services.AddWorkflowsDashboard();
        await using var app = builder.Build();
        app.UsePathBase("/ops");
        app.UseRouting();
        app.MapWorkflowsDashboard("/workflows");
        await app.StartAsync();
        try
        {
            var token = (await app.Services.GetRequiredService<TokenStore>().CreateAsync("pb", admin: true)).Text;
            var address = Workflows.Host.Serving.WorkflowsWebApp.Addresses(app).Single();
            var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = address });
            var page = await context.NewPageAsync();
            await page.GotoAsync("/ops/workflows/jobs");
            await Expect(page).ToHaveURLAsync(new Regex("/ops/workflows/signin\\?return=%2Fops%2Fworkflows%2Fjobs$"));
            await page.FillAsync("#token", token);
            await page.ClickAsync("form button[type=submit]");
            await Expect(page).ToHaveURLAsync(new Regex("/ops/workflows/jobs$"));
            await Expect(page.Locator("header nav a.active")).ToHaveAttributeAsync("href", "/ops/workflows/jobs");

            // The stylesheet came from the assembly, under the path base: the header has its colour.
            await Expect(page.Locator("header")).ToHaveCSSAsync("background-color", "rgb(31, 36, 48)");
            var cookie = (await context.CookiesAsync()).Single(c => c.Name == "workflows_dashboard");
            Assert.Equal("/ops/workflows", cookie.Path);
            await context.DisposeAsync();
        }
        finally
        {
            await app.StopAsync();
            await TestInfrastructure.DropSchemaAsync(schema);
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    [Fact]
    public async Task A_read_only_dashboard_disables_every_button_shows_no_schedule_actions_and_refuses_an_admins_posts()
    {
        await using var host = await ServedHost.StartAsync("dashro", "--Workflows:Dashboard:Mode=ReadOnly");
        using (var client = host.Client(host.UserToken))
        {
            using var upload = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(DashboardFixture.Failing));
            upload.EnsureSuccessStatusCode();
            using var cron = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(DashboardScheduleTests.Nightly("dash-ro-cron")));
            cron.EnsureSuccessStatusCode();
        }

        using var api = host.Client(host.AdminToken);
        using var submitted = await api.PostAsync("api/jobs/requests", ServedHost.Json("""{"job_type": "dash-failing", "params": {"Version": "ro"}}"""));
        var id = (await ServedHost.ReadAsync<Workflows.Api.Contracts.JobDto>(submitted)).Id;
        await ServedHost.WaitEndedAsync(api, id);

        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = host.Address.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.FillAsync("#token", host.AdminToken);
        await page.ClickAsync("form button[type=submit]");
        await Expect(page.Locator("header .badge.ro")).ToHaveTextAsync("read-only dashboard");
        await page.GotoAsync($"/jobs/{id}");
        var retry = page.Locator("form.retry button[type=submit]");
        await Expect(retry).ToBeDisabledAsync();
        await retry.EvaluateAsync("b => b.disabled = false");
        await retry.ClickAsync();
        await Expect(page.Locator(".flash.error")).ToContainTextAsync("read-only");
        using var lineage = await api.GetAsync($"api/jobs/requests/{id}/lineage");
        Assert.Equal(0, (await ServedHost.ReadJsonAsync(lineage)).GetProperty("retry_count").GetInt32());

        // The schedules page shows the schedule and no action even to an admin; a post made anyway is refused.
        await page.GotoAsync("/schedules");
        await Expect(page.Locator("tr[data-schedule='dash-ro-cron']")).ToHaveAttributeAsync("data-paused", "false");
        await Expect(page.Locator("table.schedules button")).ToHaveCountAsync(0);
        await Expect(page.Locator("p.note")).ToContainTextAsync("read-only on this host");
        Assert.Equal(403, await DashboardScheduleTests.Forge(page, "/schedules/dash-ro-cron/pause", withAntiforgery: true));
        await Expect(page.Locator(".flash.error")).ToContainTextAsync("read-only (Workflows:Dashboard:Mode = ReadOnly): it may not pause schedules");
        Assert.False((await DashboardScheduleTests.ScheduleAsync(api, "dash-ro-cron")).Paused);
        await context.DisposeAsync();
    }
}
