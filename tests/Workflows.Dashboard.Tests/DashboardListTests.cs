using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Workflows.Dashboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Dashboard.Tests;

/// <summary>The jobs list's keyset paging and text filter, and the bulk retry's dry run then retry, in the browser.</summary>
[Collection(DashboardGroup.Name)]
public sealed class DashboardListTests(DashboardFixture fixture)
{
    static DashboardListTests() => SetDefaultExpectTimeout(30_000);

    [Fact]
    public async Task Paging_with_the_older_link_shows_every_filtered_job_once_newest_first()
    {
        var marker = "page-" + Guid.NewGuid().ToString("N")[..8];
        var submitted = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            submitted.Add(await fixture.SubmitAsync("dash-failing", $$"""{"Version": "{{marker}}-{{i}}"}"""));
        }

        var page = await fixture.SignedInAsync(fixture.Host.UserToken);
        await page.GotoAsync($"/jobs?q={marker}&limit=3");
        var seen = new List<string>();
        for (var n = 0; n < 3; n++)
        {
            var rows = page.Locator("table.jobs tbody tr");
            await Expect(rows.First).ToBeVisibleAsync();
            foreach (var row in await rows.AllAsync())
            {
                seen.Add((await row.GetAttributeAsync("data-job"))!);
            }

            var older = page.Locator("a[rel=next]");
            if (n < 2)
            {
                await older.ClickAsync();
                await Expect(page).ToHaveURLAsync(new Regex("after_id="));
            }
            else
            {
                await Expect(older).ToHaveCountAsync(0);
            }
        }

        // Ids are time-ordered (UUIDv7), so newest first is the submission order reversed.
        Assert.Equal(Enumerable.Reverse(submitted), seen);
        await page.Context.DisposeAsync();
    }

    [Fact]
    public async Task Bulk_retry_lists_what_would_happen_first_then_retries_the_filtered_failed_jobs()
    {
        var marker = "bulk-" + Guid.NewGuid().ToString("N")[..8];
        var ids = new[] { await fixture.SubmitAsync("dash-failing", $$"""{"Version": "{{marker}}-a"}"""), await fixture.SubmitAsync("dash-failing", $$"""{"Version": "{{marker}}-b"}""") };
        var page = await fixture.SignedInAsync(fixture.Host.UserToken);
        await page.GotoAsync($"/jobs?status=failed&q={marker}");
        await Expect(page.Locator("table.jobs tbody tr")).ToHaveCountAsync(2);
        await page.ClickAsync("text=Retry these failed jobs…");

        // The dry run: nothing retried yet, each job says what would happen.
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Retry 2 jobs: dry run");
        foreach (var id in ids)
        {
            await Expect(page.Locator($"table.dryrun tr[data-job='{id}']")).ToContainTextAsync("would be retried");
        }

        using var client = fixture.Host.Client(fixture.Host.AdminToken);
        foreach (var id in ids)
        {
            Assert.Equal(0, (await Lineage(client, id)).GetProperty("retry_count").GetInt32());
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Retry 2 jobs" }).ClickAsync();
        await Expect(page.Locator("main h1")).ToHaveTextAsync("Bulk retry");
        await Expect(page.Locator("main p").First).ToHaveTextAsync("2 retried, 0 refused.");
        foreach (var id in ids)
        {
            var lineage = await Lineage(client, id);
            Assert.Equal(1, lineage.GetProperty("retry_count").GetInt32());
            var retry = lineage.GetProperty("jobs")[1];
            Assert.Equal("alice", retry.GetProperty("submitted_by").GetString());
        }

        await page.Context.DisposeAsync();
    }

    private static async Task<System.Text.Json.JsonElement> Lineage(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"api/jobs/requests/{id}/lineage");
        response.EnsureSuccessStatusCode();
        return await Workflows.Host.Tests.Support.ServedHost.ReadJsonAsync(response);
    }
}
