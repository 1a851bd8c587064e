using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Workflows.Dashboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Dashboard.Tests;

/// <summary>The dashboard in headless Chromium against a real served host: sign-in, live jobs list, DAG, timeline, live log, retry and lineage, and a read-only token's refusal.</summary>
[Collection(DashboardGroup.Name)]
public sealed partial class DashboardBrowserTests(DashboardFixture fixture)
{
    static DashboardBrowserTests() => SetDefaultExpectTimeout(30_000);

    [Fact]
    public async Task Signing_in_with_a_bad_token_is_refused_and_pages_need_a_sign_in()
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.Host.Address.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/jobs?status=failed");
        await Expect(page).ToHaveURLAsync(new Regex("/signin\\?return=%2Fjobs%3Fstatus%3Dfailed$"));
        await page.FillAsync("#token", "wf_not_a_real_token");
        await page.ClickAsync("form button[type=submit]");
        await Expect(page.Locator(".flash.error")).ToContainTextAsync("unknown, malformed or revoked");

        // The good token lands where the visitor was going, and the cookie is HttpOnly.
        await page.FillAsync("#token", fixture.Host.UserToken);
        await page.ClickAsync("form button[type=submit]");
        await Expect(page).ToHaveURLAsync(new Regex("/jobs\\?status=failed$"));
        var cookie = (await context.CookiesAsync()).Single(c => c.Name == "workflows_dashboard");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(Microsoft.Playwright.SameSiteAttribute.Strict, cookie.SameSite);
        await context.DisposeAsync();
    }

    [Fact]
    public async Task The_overview_lists_the_host_alive_with_its_slots_and_leases()
    {
        var page = await fixture.SignedInAsync(fixture.Host.UserToken);
        await page.GotoAsync("/");
        var host = page.Locator("#hosts tbody tr");
        await Expect(host).ToHaveCountAsync(1);
        await Expect(host.Locator("td").Nth(0)).ToContainTextAsync(Environment.MachineName + ":" + Environment.ProcessId + ":");
        await Expect(host.Locator("td").Nth(3)).ToContainTextAsync(new Regex("^\\d+ of \\d+$"));
    }

    [Fact]
    public async Task A_job_appears_changes_state_live_shows_its_DAG_timeline_and_a_live_log_line()
    {
        var page = await fixture.SignedInAsync(fixture.Host.UserToken);
        var gate = Path.Combine(Path.GetTempPath(), "dash-gate-" + Guid.NewGuid().ToString("N"));
        await page.GotoAsync("/jobs?type=dash-gated");
        await Expect(page.Locator("#live")).ToBeVisibleAsync();

        // Submitted after the page loaded: the live feed brings it in without a reload.
        var id = await fixture.SubmitAsync("dash-gated", $$"""{"Gate": "{{gate}}"}""");
        var row = page.Locator($"tr[data-job='{id}']");
        await Expect(row).ToHaveAttributeAsync("data-state", "running");

        await row.Locator("a").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/jobs/{id}$"));
        await Expect(page.Locator("svg.dag g.node[data-task='wait']")).ToHaveAttributeAsync("data-state", "started");
        await Expect(page.Locator("svg.dag g.node[data-task='after']")).ToHaveAttributeAsync("data-state", "not_reached");

        // The task printed this line while it still runs (it waits for the gate file): it reaches the page over SSE.
        await Expect(page.Locator("details.log[data-task='wait'] pre")).ToContainTextAsync($"waiting for {gate}");
        await Expect(page.Locator("section.summary")).ToHaveAttributeAsync("data-state", "running");

        await File.WriteAllTextAsync(gate, "open");
        try
        {
            // Still the same page (no reload): the state, the DAG, the timeline and the log follow the job to its end.
            await Expect(page.Locator("section.summary")).ToHaveAttributeAsync("data-state", "completed");
            await Expect(page.Locator("svg.dag g.node[data-task='after']")).ToHaveAttributeAsync("data-state", "completed");
            await Expect(page.Locator("svg.dag g.edge.taken[data-from='wait'][data-to='after']")).ToHaveCountAsync(1);
            await Expect(page.Locator("table.timeline tr.attempt[data-task='wait'] td.exit")).ToHaveTextAsync("0");
            await Expect(page.Locator("details.log[data-task='after'] pre")).ToContainTextAsync("after ran");
            await Expect(page.Locator("details.log[data-task='wait'] pre")).ToContainTextAsync("gate opened");
        }
        finally
        {
            File.Delete(gate);
        }

        // Back on the list, the row says completed (the live feed or the reload, whichever: the state is the point).
        await page.GotoAsync("/jobs?type=dash-gated");
        await Expect(page.Locator($"tr[data-job='{id}']")).ToHaveAttributeAsync("data-state", "completed");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Retrying_a_failed_job_with_a_changed_param_makes_a_new_job_found_in_the_lineage()
    {
        var id = await fixture.SubmitAsync("dash-failing", """{"Version": "1.0"}""");
        var page = await fixture.SignedInAsync(fixture.Host.UserToken);
        await page.GotoAsync($"/jobs/{id}");
        await Expect(page.Locator("section.summary")).ToHaveAttributeAsync("data-state", "failed");
        await Expect(page.Locator("svg.dag g.node[data-task='build']")).ToHaveAttributeAsync("data-state", "failed");
        await Expect(page.Locator("table.timeline tr.attempt[data-task='build'] td.exit")).ToHaveTextAsync("3");

        await page.FillAsync("form.retry textarea[name=params]", "Version=1.1");
        await page.ClickAsync("form.retry button[type=submit]");

        // The new job's page: linked to the failed one in the lineage, with the changed param recorded.
        await Expect(page).Not.ToHaveURLAsync(new Regex($"/jobs/{id}(\\?|$)"));
        var retryId = Regex.Match(page.Url, "/jobs/([0-9a-f]+)\\?ok=retried$").Groups[1].Value;
        Assert.NotEmpty(retryId);
        var lineage = page.Locator("ol.lineage-graph");
        await Expect(lineage.Locator($"li[data-job='{id}']")).ToContainTextAsync("root");
        await Expect(lineage.Locator($"li[data-job='{retryId}']")).ToContainTextAsync("Version=1.1");
        await Expect(lineage.Locator($"li[data-job='{retryId}']")).ToContainTextAsync("by alice");
        await Expect(page.Locator("section.summary")).ToHaveAttributeAsync("data-state", "failed");

        // From the root's page, the lineage links to the retry.
        await page.GotoAsync($"/jobs/{id}");
        await page.Locator($"ol.lineage-graph li[data-job='{retryId}'] a").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/jobs/{retryId}$"));
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_read_only_token_sees_the_job_but_its_buttons_are_disabled_and_the_server_refuses_the_post()
    {
        var id = await fixture.SubmitAsync("dash-failing", """{"Version": "2.0"}""");
        var page = await fixture.SignedInAsync(fixture.ReadOnlyToken);
        await Expect(page.Locator("header .badge.ro")).ToHaveTextAsync("read-only token");
        await page.GotoAsync($"/jobs/{id}");
        await Expect(page.Locator("section.summary")).ToHaveAttributeAsync("data-state", "failed");
        var retry = page.Locator("form.retry button[type=submit]");
        await Expect(retry).ToBeDisabledAsync();
        await Expect(retry).ToHaveAttributeAsync("title", new Regex("no 'retry' scope"));

        // Pressing it anyway (a hand-made post with a valid anti-forgery token) is refused by the server, and no job is made.
        await retry.EvaluateAsync("b => b.disabled = false");
        await retry.ClickAsync();
        await Expect(page.Locator(".flash.error")).ToContainTextAsync("Token 'viewer' may not retry jobs: that needs the 'retry' scope");
        using var client = fixture.Host.Client(fixture.Host.AdminToken);
        var lineage = await ServedHostJson(client, $"api/jobs/requests/{id}/lineage");
        Assert.Equal(0, lineage.GetProperty("retry_count").GetInt32());
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Cancelling_a_running_job_from_its_page_stops_it()
    {
        var gate = Path.Combine(Path.GetTempPath(), "dash-never-" + Guid.NewGuid().ToString("N"));
        var id = await fixture.SubmitAsync("dash-gated", $$"""{"Gate": "{{gate}}"}""");
        var page = await fixture.SignedInAsync(fixture.Host.UserToken);
        await page.GotoAsync($"/jobs/{id}");
        await Expect(page.Locator("svg.dag g.node[data-task='wait']")).ToHaveAttributeAsync("data-state", "started");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel job" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/jobs/{id}\\?ok=cancelled$"));
        await Expect(page.Locator("section.summary")).ToHaveAttributeAsync("data-state", "cancelled");
        await Expect(page.Locator("svg.dag g.node[data-task='after']")).ToHaveAttributeAsync("data-state", "not_reached");
        await page.ClickAsync("details.events summary");
        await Expect(page.Locator("details.events")).ToContainTextAsync("job_cancellation_requested");
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task A_post_without_the_anti_forgery_token_is_refused()
    {
        var id = await fixture.SubmitAsync("dash-failing", """{"Version": "3.0"}""");
        var page = await fixture.SignedInAsync(fixture.Host.UserToken);
        await page.GotoAsync($"/jobs/{id}");
        await Expect(page.Locator("section.summary")).ToHaveAttributeAsync("data-state", "failed");
        await page.Locator("form.retry input[type=hidden][name=__RequestVerificationToken]").EvaluateAsync("i => i.remove()");
        await page.ClickAsync("form.retry button[type=submit]");
        await Expect(page.Locator(".flash.error")).ToContainTextAsync("anti-forgery");
        await page.Context.DisposeAsync();
    }

    private static async Task<System.Text.Json.JsonElement> ServedHostJson(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return await Workflows.Host.Tests.Support.ServedHost.ReadJsonAsync(response);
    }
}
