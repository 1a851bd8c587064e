using System.Diagnostics;
using System.Globalization;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.TestSupport;
using Xunit.Abstractions;

namespace Workflows.Host.Tests.Cli;

/// <summary>
/// Schedules with real <c>workflows</c> processes on one PostgreSQL schema: two hosts fire a one-second schedule once
/// per instant, and when one is killed the other keeps firing; and the <c>workflows schedules</c> commands.
/// </summary>
public sealed class ScheduleHostsTests : IAsyncLifetime
{
    private const string Tick = """
        job_type: tick
        cron_trigger: "* * * * * * *"
        tasks:
        - task_type: beat
          method: SHELL
          script: ["true"]
        """;

    private readonly string _schema = $"wf_sched_{Guid.NewGuid().ToString("N")[..12]}";
    private readonly string _dir = Directory.CreateTempSubdirectory("workflows-host-sched-").FullName;
    private readonly WorkflowsProcess _workflows;
    private readonly ITestOutputHelper _log;

    public ScheduleHostsTests(ITestOutputHelper log)
    {
        _log = log;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        var environment = WorkflowsProcess.Environment(_schema, Path.Combine(_dir, "data"));
        environment["Workflows__ScheduleCheck"] = "00:00:00.500";
        _workflows = new WorkflowsProcess(log, environment);
        File.WriteAllText(Path.Combine(_dir, "tick.yaml"), Tick);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await TestInfrastructure.DropSchemaAsync(_schema);
        Directory.Delete(_dir, recursive: true);
    }

    private Task<(int ExitCode, string Out, string Err)> Run(params string[] args) => _workflows.RunAsync(_dir, args);

    private static async Task<List<DateTimeOffset>> InstantsAsync(HttpClient client)
    {
        var page = await ServedHost.ReadAsync<JobListDto>(await client.GetAsync("api/jobs/requests?job_type=tick&limit=500"));
        return page.Jobs.Where(j => j.Params.ContainsKey("ScheduledAt"))
            .Select(j => DateTimeOffset.Parse(j.Params["ScheduledAt"], CultureInfo.InvariantCulture)).ToList();
    }

    private static async Task UntilAsync(DateTimeOffset time)
    {
        var wait = time - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }

    [Fact]
    public async Task Two_hosts_fire_a_one_second_schedule_once_per_instant_and_one_keeps_firing_when_the_other_is_killed()
    {
        var (exit, stdout, _) = await Run("tokens", "create", "ops", "--admin");
        Assert.Equal(0, exit);
        var token = stdout.TrimEnd('\n').Split('\n')[^1];

        using var doomed = Process.Start(_workflows.StartInfo(_dir, "serve", "--urls", "http://127.0.0.1:0"))!;
        using var survivor = Process.Start(_workflows.StartInfo(_dir, "serve", "--urls", "http://127.0.0.1:0"))!;
        try
        {
            var doomedUrl = await CommandLineTests.ReadAddressAsync(doomed);
            var survivorUrl = await CommandLineTests.ReadAddressAsync(survivor);
            using var client = new HttpClient { BaseAddress = new Uri(survivorUrl) };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var upload = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(Tick));
            Assert.Equal(System.Net.HttpStatusCode.Created, upload.StatusCode);

            // The window starts a few seconds after the first fire, once both hosts have surely seen the schedule.
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            List<DateTimeOffset> first;
            while ((first = await InstantsAsync(client)).Count == 0 && DateTime.UtcNow < until)
            {
                await Task.Delay(200);
            }

            Assert.NotEmpty(first);
            var start = first.Min() + TimeSpan.FromSeconds(3);
            var end = start + TimeSpan.FromSeconds(30);
            _log.WriteLine($"hosts {doomedUrl} and {survivorUrl}; window [{start:O}, {end:O})");

            await UntilAsync(start + TimeSpan.FromSeconds(15));
            doomed.Kill(); // SIGKILL mid-way: no shutdown
            await doomed.WaitForExitAsync();
            await UntilAsync(end + TimeSpan.FromSeconds(3));

            var instants = await InstantsAsync(client);
            var window = instants.Where(i => i >= start && i < end).ToList();
            var schedule = await ServedHost.ReadAsync<ScheduleDto>(await client.GetAsync("api/schedules/tick"));
            _log.WriteLine($"{instants.Count} scheduled jobs, {window.Count} in the window, {schedule.MissedTotal} instants missed: {string.Join(", ", schedule.Missed.Select(m => m.Instant.ToString("HH:mm:ss", CultureInfo.InvariantCulture)))}");

            Assert.Equal(instants.Count, instants.Distinct().Count()); // no instant twice
            Assert.InRange(window.Count, 29, 31);
            Assert.InRange(window.Count(i => i >= start + TimeSpan.FromSeconds(16)), 13, 14); // the survivor alone kept firing
            Assert.All(window, i => Assert.Equal(0, i.Millisecond));
        }
        finally
        {
            foreach (var host in new[] { doomed, survivor }.Where(p => !p.HasExited))
            {
                host.Kill(entireProcessTree: true);
                await host.WaitForExitAsync();
            }
        }
    }

    [Fact]
    public async Task The_schedules_commands_list_pause_resume_and_trigger_on_the_local_database()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "nightly.yaml"), "job_type: nightly\ncron_trigger: 0 2 * * *\ncron_time_zone: Europe/Paris\ntasks:\n- task_type: run\n  method: SHELL\n  script: [\"true\"]\n");
        Assert.Equal(0, (await Run("run", "nightly.yaml")).ExitCode); // stores the definition (and runs it once)

        var (exit, stdout, _) = await Run("schedules", "list");
        Assert.Equal(0, exit);
        Assert.Matches("TYPE +CRON +TIME ZONE +VERSION +STATE +NEXT +MISSED\n", stdout);
        Assert.Matches("nightly +0 2 \\* \\* \\* +Europe/Paris +1 +active +\\d{4}-\\d\\d-\\d\\d 0[01]:00:00Z +0\n", stdout);

        (exit, stdout, _) = await Run("schedules", "pause", "nightly");
        Assert.Equal((0, "schedule of nightly paused\n"), (exit, stdout));
        (_, stdout, _) = await Run("schedules", "list");
        Assert.Matches("nightly +0 2 \\* \\* \\* +Europe/Paris +1 +paused by cli:\\S+ +- +0\n", stdout);

        (exit, stdout, _) = await Run("schedules", "resume", "nightly");
        Assert.Equal(0, exit);
        Assert.Matches("^schedule of nightly active, next \\d{4}-\\d\\d-\\d\\d 0[01]:00:00Z\n$", stdout);

        (exit, stdout, _) = await Run("schedules", "trigger", "nightly");
        Assert.Equal(0, exit);
        Assert.Matches("^job [0-9a-f]{32} queued \\(nightly, triggered now\\)\n$", stdout);

        string stderr;
        (exit, _, stderr) = await Run("schedules", "pause", "no-such-type");
        Assert.Equal(1, exit);
        Assert.Contains("Job type 'no-such-type' has no schedule", stderr, StringComparison.Ordinal);
    }
}
