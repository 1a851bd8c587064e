using System.Diagnostics;
using Workflows.Executors.Notifications;
using Workflows.Host.Tests.Support;
using Workflows.Hosting.Tests.Support;
using Workflows.Marten.Notifications;
using Workflows.TestSupport;
using Xunit.Abstractions;

namespace Workflows.Host.Tests.Cli;

/// <summary>The notification outbox across a SIGKILL: what a dead host could not send, the next host sends, once.</summary>
public sealed class NotificationKillTests : IAsyncLifetime
{
    private const string SigningKey = "kill-test-key";

    private readonly string _schema = $"wf_notify_{Guid.NewGuid().ToString("N")[..12]}";
    private readonly string _dir = Directory.CreateTempSubdirectory("workflows-host-notify-").FullName;
    private readonly WorkflowsProcess _workflows;

    public NotificationKillTests(ITestOutputHelper log)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        var environment = WorkflowsProcess.Environment(_schema, Path.Combine(_dir, "data"));
        environment["Workflows__Notifications__WebhookSecret"] = SigningKey;
        environment["Workflows__Execution__HttpAllowLocalAddresses"] = "true"; // the receiver listens on 127.0.0.1
        environment["Workflows__Notifications__Lease"] = "00:00:02";
        environment["Workflows__Notifications__PollInterval"] = "00:00:00.050";
        environment["Workflows__Notifications__FirstRetryDelay"] = "00:00:00.100";
        environment["Workflows__Notifications__MaxRetryDelay"] = "00:00:00.300";
        environment["Workflows__Notifications__MaxAttempts"] = "100";
        _workflows = new WorkflowsProcess(log, environment);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await TestInfrastructure.DropSchemaAsync(_schema);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_webhook_a_host_could_not_send_before_it_was_SIGKILLed_is_sent_exactly_once_by_the_next_host()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Refusing = int.MaxValue;
        var (exit, stdout, _) = await _workflows.RunAsync(_dir, "tokens", "create", "notify", "--admin");
        Assert.Equal(0, exit);
        var token = stdout.TrimEnd('\n').Split('\n')[^1];
        await File.WriteAllTextAsync(Path.Combine(_dir, "hooked.yaml"), $"job_type: hooked\nwebhook:\n  url: {receiver.Url}/hook\ntasks:\n- task_type: work\n  method: SHELL\n  script:\n    - echo done\n");

        string id;
        using (var doomed = Process.Start(_workflows.StartInfo(_dir, "serve", "--urls", "http://127.0.0.1:0"))!)
        {
            var url = await CommandLineTests.ReadAddressAsync(doomed);
            (exit, stdout, _) = await _workflows.RunAsync(_dir, "run", "hooked.yaml", "--server", url, "--token", token);
            Assert.Equal(0, exit);
            id = stdout.Split('\n').Single(l => l.StartsWith("submitted job ", StringComparison.Ordinal)).Split(' ')[2];
            using var client = Client(url, token);
            Assert.Equal(Runtime.JobStatus.Completed, (await ServedHost.WaitEndedAsync(client, id)).Status);
            // The job has ended and the host has tried (and failed) to post its end at least once.
            await receiver.WaitUntilAsync(p => p.Any(r => r.Headers[WebhookSender.EventHeader] == "job.COMPLETED"));
            Assert.Empty(receiver.Accepted);

            doomed.Kill(); // SIGKILL: no shutdown, no dispose, perhaps mid-send
            await doomed.WaitForExitAsync();
        }

        receiver.Refusing = 0;
        using var survivor = Process.Start(_workflows.StartInfo(_dir, "serve", "--urls", "http://127.0.0.1:0"))!;
        try
        {
            var url = await CommandLineTests.ReadAddressAsync(survivor);
            using var client = Client(url, token);
            var records = await WaitAllSentAsync(client, id);

            Assert.Equal(["PENDING", "STARTED", "COMPLETED"], records.Select(r => r.State));
            Assert.All(records, r => Assert.Equal(("webhook", "sent"), (r.Channel, r.Status)));
            var completed = records.Single(r => r.State == "COMPLETED");
            Assert.True(completed.Sends.Count >= 2, "the killed host recorded its refused sends");
            Assert.Equal(1, completed.Sends.Count(s => s.Succeeded));
            Assert.NotEqual(completed.Sends[0].By, completed.Sends.Single(s => s.Succeeded).By); // the second host sent it

            // Exactly once: each notification was taken by the receiver once, signed with the host's key.
            var accepted = receiver.Accepted.ToList();
            Assert.Equal(3, accepted.Count);
            Assert.Equal(3, accepted.Select(p => p.Headers[WebhookSender.DeliveryHeader]).Distinct().Count());
            Assert.All(accepted, p => Assert.Equal(WebhookSender.Sign(SigningKey, p.Body), p.Headers[WebhookSender.SignatureHeader]));
        }
        finally
        {
            survivor.Kill(entireProcessTree: true);
            await survivor.WaitForExitAsync();
        }
    }

    private static HttpClient Client(string url, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Reads the job's notifications over the API until every one was sent (bounded: fails after a minute).</summary>
    private static async Task<List<NotificationRecord>> WaitAllSentAsync(HttpClient client, string id)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        List<NotificationRecord> records = [];
        while (DateTime.UtcNow < until)
        {
            using var response = await client.GetAsync($"api/jobs/requests/{id}/notifications");
            response.EnsureSuccessStatusCode();
            records = await ServedHost.ReadAsync<List<NotificationRecord>>(response);
            if (records.Count > 0 && records.All(r => r.Status == "sent"))
            {
                return records;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Job {id}'s notifications were not all sent within a minute: {string.Join("; ", records.Select(r => $"{r.State} {r.Status} {r.LastError}"))}.");
    }
}
