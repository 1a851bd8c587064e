using Microsoft.Playwright;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.Marten.Tokens;

namespace Workflows.Dashboard.Tests.Support;

/// <summary>
/// One real served host (workers, API, dashboard at /) and one headless Debian Chromium for the whole collection: the
/// browser starts once, each test opens its own context (its own cookies). Waits are Playwright's auto-waiting
/// expectations, bounded so a bug fails a test instead of hanging it.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    /// <summary>Jobs whose tasks wait for a file the test creates: the test decides when they end, so "running" is observed without timing.</summary>
    public const string Definitions = """
        job_type: dash-gated
        tasks:
        - task_type: wait
          method: SHELL
          script:
            - echo waiting for {{.Gate}}
            - while [ ! -f {{.Gate}} ]; do sleep 0.05; done
            - echo gate opened
          on_completed: after
        - task_type: after
          method: SHELL
          script:
            - echo after ran
        """;

    public const string Failing = """
        job_type: dash-failing
        tasks:
        - task_type: build
          method: SHELL
          script:
            - echo building {{.Version}}
            - exit 3
          on_completed: publish
        - task_type: publish
          method: SHELL
          script:
            - echo published
        """;

    public const string Gate = """
        job_type: dash-approval
        tasks:
        - task_type: sign-off
          method: MANUAL
          description: Approve the rollout
          approval_policy:
            min_approvals: 1
          on_exit_code:
            APPROVED: ship
            REJECTED: stop
        - task_type: ship
          method: SHELL
          script: [ "echo shipped" ]
        - task_type: stop
          method: SHELL
          script: [ "echo stopped" ]
        """;

    private IPlaywright? _playwright;

    internal ServedHost Host { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>A token that may only read.</summary>
    public string ReadOnlyToken { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        // The scheduler looks for new definitions often (the schedule tests upload theirs), and a refused webhook is retried soon.
        Host = await ServedHost.StartAsync(
            "dash", "--Workflows:ScheduleCheck=00:00:00.200", "--Workflows:Notifications:PollInterval=00:00:00.100",
            "--Workflows:Notifications:FirstRetryDelay=00:00:00.200", "--Workflows:Notifications:MaxRetryDelay=00:00:01");
        ReadOnlyToken = await Host.TokenAsync("viewer", TokenScopes.Read);
        using var client = Host.Client(Host.UserToken);
        foreach (var yaml in new[] { Definitions, Failing, Gate })
        {
            using var upload = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(yaml));
            upload.EnsureSuccessStatusCode();
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A fresh browser context signed in with <paramref name="token"/> through the sign-in form; its page is on the overview.</summary>
    public async Task<IPage> SignedInAsync(string token)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Host.Address.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.FillAsync("#token", token);
        await page.ClickAsync("form button[type=submit]");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview" })).ToBeVisibleAsync();
        return page;
    }

    /// <summary>Submits a job over the API (as the developer token) and returns its id.</summary>
    public async Task<string> SubmitAsync(string jobType, string paramsJson)
    {
        using var client = Host.Client(Host.UserToken);
        using var response = await client.PostAsync("api/jobs/requests", ServedHost.Json($$"""{"job_type": "{{jobType}}", "params": {{paramsJson}}}"""));
        response.EnsureSuccessStatusCode();
        return (await ServedHost.ReadAsync<JobDto>(response)).Id;
    }

    /// <summary>Uploads a definition over the API (as the developer token).</summary>
    public async Task UploadAsync(string yaml)
    {
        using var client = Host.Client(Host.UserToken);
        using var upload = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(yaml));
        Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Host.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardGroup : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
