using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Definitions;
using Workflows.Executors.Notifications;
using Workflows.Hosting.Tests.Support;
using Workflows.Marten.Notifications;
using Workflows.Runtime;

namespace Workflows.Hosting.Tests;

/// <summary>
/// Notifications sent for real from a running host's outbox: an email through a real SMTP server, job and task webhooks
/// to a local HTTP server with a valid HMAC, retries with backoff, each send recorded, secrets masked.
/// </summary>
public sealed class NotificationTests
{
    private const string Secret = "s3cr3t-t0ken";
    private const string SigningKey = "signing-key-1";

    private static Workflow Failing(string type, Action<JobBuilder> notify) => Workflow.Create(type, job =>
    {
        notify(job);
        job.Task("build").Run((_, _) => ValueTask.FromResult(2));
    });

    private static Task<RunningHost> StartAsync(string name, Workflow workflow, Action<NotificationOptions> notifications, ListLogger? logs = null, bool allowLocal = true) =>
        RunningHost.StartAsync(name, options =>
        {
            options.Execution.HttpAllowLocalAddresses = allowLocal; // the receivers listen on 127.0.0.1
            options.Secrets["Token"] = Secret;
            options.Notifications.PollInterval = TimeSpan.FromMilliseconds(50);
            options.Notifications.FirstRetryDelay = TimeSpan.FromMilliseconds(200);
            options.Notifications.MaxRetryDelay = TimeSpan.FromSeconds(1);
            notifications(options.Notifications);
        }, services =>
        {
            services.AddSingleton(workflow);
            if (logs is not null)
            {
                services.AddSingleton<ILoggerProvider>(logs);
            }
        });

    private static async Task<IReadOnlyList<NotificationRecord>> WaitForSendsAsync(RunningHost host, string jobId, Func<IReadOnlyList<NotificationRecord>, bool> done)
    {
        var outbox = host.Services.GetRequiredService<NotificationOutbox>();
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        IReadOnlyList<NotificationRecord> records;
        do
        {
            records = await outbox.ListAsync(jobId);
            if (done(records))
            {
                return records;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < until);

        return records;
    }

    [Fact]
    public async Task A_failed_job_emails_its_onFailure_recipients_through_a_real_SMTP_server_and_not_its_onSuccess_ones()
    {
        await using var smtp = new SmtpReceiver();
        var workflow = Failing("mailed", job => job
            .Notify("email", "onFailure", "ops@example.com", "lead@example.com")
            .Notify("email", "onSuccess", "happy@example.com"));
        await using var host = await StartAsync("mail", workflow, n =>
        {
            n.SmtpHost = "127.0.0.1";
            n.SmtpPort = smtp.Port;
            n.SmtpFrom = "workflows@example.com";
        });

        var id = await host.Client.SubmitAsync("mailed");
        Assert.Equal(JobStatus.Failed, (await host.WaitForEndAsync(id)).Status);
        var records = await WaitForSendsAsync(host, id, r => r.Count == 2 && r.All(n => n.Status == "sent"));
        var messages = await smtp.WaitForAsync(2);

        Assert.Equal(["lead@example.com", "ops@example.com"], messages.Select(m => m.To.Mailboxes.Single().Address).Order());
        Assert.All(messages, m =>
        {
            Assert.Equal($"Job mailed - {id} FAILED", m.Subject);
            Assert.Equal("workflows@example.com", m.From.Mailboxes.Single().Address);
            Assert.Contains("Error: ERR_TASK_EXECUTE", m.TextBody, StringComparison.Ordinal);
        });
        Assert.All(records, r => Assert.Equal(("email", "FAILED", 1, true), (r.Channel, r.State, r.Attempts, r.Sends.Single().Succeeded)));
    }

    [Fact]
    public async Task Job_and_task_webhooks_are_posted_on_each_lifecycle_event_rendered_and_signed_with_a_valid_HMAC()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var headers = new[] { new NamedValue("Authorization", "Bearer {{ Token }}") }.ToEquatableArray();
        var query = new[] { new NamedValue("type", "{{ JobType }}") }.ToEquatableArray();
        var workflow = Workflow.Create("hooked", job => job
            .Webhook(new WebhookSpec(receiver.Url + "/jobs/{{ JobID }}", headers, query))
            .Task("build").Webhook(new WebhookSpec(receiver.Url + "/tasks")).Run((_, _) => ValueTask.FromResult(0)));
        await using var host = await StartAsync("hooks", workflow, n => n.WebhookSecret = SigningKey);

        var id = await host.Client.SubmitAsync("hooked");
        Assert.Equal(JobStatus.Completed, (await host.WaitForEndAsync(id)).Status);
        var posts = await receiver.WaitUntilAsync(p => p.Count >= 5);

        Assert.Equal(
            ["job.COMPLETED", "job.PENDING", "job.STARTED", "task.COMPLETED", "task.STARTED"],
            posts.Select(p => p.Headers[WebhookSender.EventHeader]).Order());
        Assert.All(posts, p =>
        {
            Assert.Equal(WebhookSender.Sign(SigningKey, p.Body), p.Headers[WebhookSender.SignatureHeader]);
            Assert.Equal("application/json; charset=utf-8", p.Headers["Content-Type"]);
        });
        var jobPosts = posts.Where(p => p.Path.StartsWith("/jobs/", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, jobPosts.Count);
        Assert.All(jobPosts, p => Assert.Equal(($"/jobs/{id}", "?type=hooked", $"Bearer {Secret}"), (p.Path, p.Query, p.Headers["Authorization"])));

        using var completed = JsonDocument.Parse(posts.Single(p => p.Headers[WebhookSender.EventHeader] == "task.COMPLETED").Body);
        Assert.Equal(
            ("TaskExecutionLifecycleEvent", id, "hooked", "build", "COMPLETED", "0"),
            (completed.RootElement.GetProperty("event_type").GetString(), completed.RootElement.GetProperty("job_request_id").GetString(),
             completed.RootElement.GetProperty("job_type").GetString(), completed.RootElement.GetProperty("task_type").GetString(),
             completed.RootElement.GetProperty("task_state").GetString(), completed.RootElement.GetProperty("exit_code").GetString()));
        var delivery = posts.Single(p => p.Headers[WebhookSender.EventHeader] == "task.COMPLETED").Headers[WebhookSender.DeliveryHeader];
        Assert.Equal(delivery, completed.RootElement.GetProperty("id").GetString());

        var records = await WaitForSendsAsync(host, id, r => r.Count == 5 && r.All(n => n.Status == "sent"));
        Assert.Equal(5, records.Count(r => r.Status == "sent"));
    }

    [Fact]
    public async Task A_refusing_receiver_is_retried_with_backoff_each_send_is_recorded_and_the_secret_is_in_no_record_or_log()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Refusing = 2;
        receiver.RefusingOnly = "job.FAILED";
        var logs = new ListLogger();
        // The secret is in the rendered URL, so the receiver's refusal ("POST <url> answered 503") would name it unmasked.
        var workflow = Failing("retried", job => job.Webhook(new WebhookSpec(receiver.Url + "/hook/{{ Token }}")));
        await using var host = await StartAsync("retry", workflow, n => n.WebhookSecret = SigningKey, logs);

        var id = await host.Client.SubmitAsync("retried");
        await host.WaitForEndAsync(id);
        var records = await WaitForSendsAsync(host, id, r => r.Count == 3 && r.All(n => n.Status == "sent"));

        var retried = records.Single(r => r.State == "FAILED");
        Assert.Equal([false, false, true], retried.Sends.Select(s => s.Succeeded));
        Assert.Equal(3, retried.Attempts);
        Assert.All(retried.Sends.Take(2), s => Assert.Equal($"POST {receiver.Url}/hook/*** answered 503 Service Unavailable", s.Error));
        // Each wait is at least the backoff's: 200 ms, then 400 ms.
        Assert.True(retried.Sends[1].At - retried.Sends[0].At >= TimeSpan.FromMilliseconds(200), $"{retried.Sends[0].At:O} → {retried.Sends[1].At:O}");
        Assert.True(retried.Sends[2].At - retried.Sends[1].At >= TimeSpan.FromMilliseconds(400), $"{retried.Sends[1].At:O} → {retried.Sends[2].At:O}");
        Assert.Equal(3, receiver.Accepted.Count()); // every notification arrived once
        Assert.Contains(receiver.Accepted, p => p.Path == $"/hook/{Secret}"); // the receiver did get the real URL

        Assert.Contains(logs.Lines, l => l.Contains("failed on attempt 1", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains(Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(records, r => JsonSerializer.Serialize(r).Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_send_that_keeps_failing_is_given_up_after_MaxAttempts_and_an_unconfigured_channel_at_once_saying_what_to_set()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Refusing = int.MaxValue;
        var workflow = Failing("doomed", job => job.Notify("slack", "always", "#builds").Webhook(new WebhookSpec(receiver.Url + "/down")));
        await using var host = await StartAsync("giveup", workflow, n => n.MaxAttempts = 2);

        var id = await host.Client.SubmitAsync("doomed");
        await host.WaitForEndAsync(id);
        var records = await WaitForSendsAsync(host, id, r => r.Count == 4 && r.All(n => n.Status == "failed"));

        Assert.All(records, r => Assert.Equal("failed", r.Status));
        var slack = records.Single(r => r.Channel == "slack");
        Assert.Equal(1, slack.Attempts);
        Assert.Equal("no slack webhook is configured: set Workflows:Notifications:SlackWebhookUrl to send slack messages", slack.LastError);
        Assert.All(records.Where(r => r.Channel == "webhook"), r => Assert.Equal(2, r.Sends.Count));
    }

    [Fact]
    public async Task A_definitions_webhook_to_a_local_address_is_refused_once_saying_what_to_set_while_the_operators_slack_url_is_trusted()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var workflow = Failing("ssrf", job => job.Notify("slack", "always", "#builds").Webhook(new WebhookSpec(receiver.Url + "/metadata")));
        await using var host = await StartAsync("ssrf", workflow, n => n.SlackWebhookUrl = new Uri(receiver.Url + "/slack"), allowLocal: false);

        var id = await host.Client.SubmitAsync("ssrf");
        await host.WaitForEndAsync(id);
        var records = await WaitForSendsAsync(host, id, r => r.Count == 4 && r.All(n => n.Status is "sent" or "failed"));

        Assert.All(records.Where(r => r.Channel == "webhook"), r =>
        {
            Assert.Equal(("failed", 1), (r.Status, r.Attempts)); // not retried: the policy does not change by itself
            Assert.StartsWith("its webhook may not be sent there: Host '127.0.0.1' is 127.0.0.1, a loopback", r.LastError, StringComparison.Ordinal);
            Assert.Contains("Workflows:Execution:HttpAllowLocalAddresses=true", r.LastError, StringComparison.Ordinal);
        });
        Assert.Equal("sent", records.Single(r => r.Channel == "slack").Status);
        Assert.Equal(["/slack"], receiver.Accepted.Select(p => p.Path)); // nothing reached the definition's local URL
    }

    [Fact]
    public async Task Bad_notification_settings_stop_the_host_at_start_naming_each_setting_and_its_fix()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => RunningHost.StartAsync("badnotify", options =>
        {
            options.Notifications.SmtpHost = "smtp.example.com";
            options.Notifications.SmtpFrom = "not an address";
            options.Notifications.SlackWebhookUrl = new Uri("/relative", UriKind.Relative);
            options.Notifications.MaxAttempts = 0;
        }));

        Assert.Contains("Notifications:SmtpFrom 'not an address' is not an email address: write one such as workflows@example.com.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Notifications:SlackWebhookUrl must be an absolute http(s) URL", error.Message, StringComparison.Ordinal);
        Assert.Contains("Notifications:MaxAttempts must be between 1 and 100.", error.Message, StringComparison.Ordinal);
    }
}
