using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Workflows.Dashboard.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Workflows.Dashboard.Tests;

/// <summary>The approvals page: a waiting gate is listed, and a vote from the dashboard sends the job on its way.</summary>
[Collection(DashboardGroup.Name)]
public sealed class DashboardApprovalTests(DashboardFixture fixture)
{
    static DashboardApprovalTests() => SetDefaultExpectTimeout(30_000);

    [Fact]
    public async Task Approving_a_waiting_gate_from_the_approvals_page_runs_the_approved_path_and_records_the_voter()
    {
        var id = await fixture.SubmitAsync("dash-approval", "{}");
        var page = await fixture.SignedInAsync(fixture.Host.AdminToken);
        await page.GotoAsync("/approvals");
        var row = page.Locator($"tr[data-job='{id}']");
        await Expect(row).ToContainTextAsync("Approve the rollout");
        await row.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/approvals$"));
        await Expect(page.Locator($"tr[data-job='{id}']")).ToHaveCountAsync(0);

        await page.GotoAsync($"/jobs/{id}");
        await Expect(page.Locator("section.summary")).ToHaveAttributeAsync("data-state", "completed");
        await Expect(page.Locator("svg.dag g.node[data-task='ship']")).ToHaveAttributeAsync("data-state", "completed");
        await Expect(page.Locator("svg.dag g.node[data-task='stop']")).ToHaveAttributeAsync("data-state", "not_reached");
        await page.ClickAsync("details.events summary");
        await Expect(page.Locator("details.events")).ToContainTextAsync("\"voter\":\"admin\"");
        await page.Context.DisposeAsync();
    }
}
