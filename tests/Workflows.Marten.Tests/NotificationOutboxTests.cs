using Marten;
using Microsoft.Extensions.Time.Testing;
using Workflows.Definitions;
using Workflows.Marten.Notifications;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests;

/// <summary>The outbox on a real PostgreSQL: rows written with their events, claimed with a lease, sends recorded.</summary>
public sealed class NotificationOutboxTests : IAsyncLifetime
{
    private readonly string _schema = "wf_test_" + Guid.NewGuid().ToString("N")[..12];
    private readonly DocumentStore _documents;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
    private readonly JobStore _jobs;
    private readonly NotificationOutbox _outbox;

    public NotificationOutboxTests()
    {
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        _jobs = new JobStore(_documents, _clock);
        _outbox = new NotificationOutbox(_documents, _clock);
    }

    private static JobDefinition Notified() => Workflow.Create("notified", job => job
        .Notify("email", "onFailure", "ops@example.com")
        .Webhook(new WebhookSpec("http://127.0.0.1:1/hook", new[] { new NamedValue("Authorization", "Bearer {{ Token }}") }.ToEquatableArray()))
        .Task("build").Shell().Script("x")).Definition;

    private async Task FailAsync(string jobId)
    {
        await _jobs.ExecuteAsync(jobId, new RequestJob(jobId, Notified(), new JobRequest { Params = new Dictionary<string, string> { ["Token"] = "t" } }));
        await _jobs.ExecuteAsync(jobId, new StartJob());
        await _jobs.ExecuteAsync(jobId, new StartTask("build", 1));
        await _jobs.ExecuteAsync(jobId, new ReportTaskResult("build", 1, 1));
    }

    [Fact]
    public async Task The_notifications_a_jobs_events_cause_are_in_the_outbox_in_order_with_what_the_sender_needs()
    {
        await FailAsync("job-1");

        var listed = await _outbox.ListAsync("job-1");
        Assert.Equal(
            ["webhook PENDING", "webhook STARTED", "webhook FAILED", "email FAILED"],
            listed.Select(n => $"{n.Channel} {n.State}"));
        Assert.All(listed, n => Assert.Equal(("pending", 0), (n.Status, n.Attempts)));
        Assert.Equal("ops@example.com", listed[3].Recipient);

        var claimed = await _outbox.ClaimAsync("host-a", TimeSpan.FromMinutes(1), 10);
        var hook = claimed.Single(c => c.Notification.Channel == NotificationChannel.Webhook && c.Notification.State == "FAILED").Notification;
        Assert.Equal(("notified", "ERR_TASK_EXECUTE", "t"), (hook.JobType, hook.ErrorCode, hook.Params!["Token"]));
        Assert.Equal("Bearer {{ Token }}", hook.Webhook!.Headers.Single().Value); // rendered when sent, not stored rendered
    }

    [Fact]
    public async Task A_claim_holds_its_rows_until_its_lease_lapses_then_another_host_takes_them()
    {
        await FailAsync("job-2");
        Assert.Equal(4, (await _outbox.ClaimAsync("host-a", TimeSpan.FromSeconds(30), 10)).Count);
        Assert.Empty(await _outbox.ClaimAsync("host-b", TimeSpan.FromSeconds(30), 10));

        _clock.Advance(TimeSpan.FromSeconds(31)); // host-a died holding them
        var taken = await _outbox.ClaimAsync("host-b", TimeSpan.FromSeconds(30), 10);
        Assert.Equal(4, taken.Count);

        // host-a comes back late: its record is refused, host-b's stands.
        var first = (await _outbox.ClaimAsync("host-a", TimeSpan.FromSeconds(30), 10)).Count;
        Assert.Equal(0, first);
        await _outbox.RecordSentAsync(taken[0] with { }, "host-a");
        await _outbox.RecordSentAsync(taken[0], "host-b");
        var record = (await _outbox.ListAsync("job-2")).Single(n => n.Id == taken[0].Id);
        Assert.Equal(("sent", 1, "host-b"), (record.Status, record.Attempts, record.Sends.Single().By));
    }

    [Fact]
    public async Task A_failed_send_is_due_again_at_its_retry_time_and_given_up_when_there_is_none_each_send_recorded()
    {
        await FailAsync("job-3");
        var claim = (await _outbox.ClaimAsync("host-a", TimeSpan.FromMinutes(1), 10)).First(c => c.Notification.Channel == NotificationChannel.Email);
        Assert.Equal(1, claim.Attempt);
        foreach (var other in (await _outbox.ListAsync("job-3")).Where(n => n.Id != claim.Id))
        {
            await _outbox.RecordSentAsync(new ClaimedNotification(other.Id, claim.Notification, 1, claim.LeaseUntil), "host-a");
        }

        await _outbox.RecordFailedAsync(claim, "host-a", "connection refused", _clock.GetUtcNow() + TimeSpan.FromSeconds(10));
        Assert.Empty(await _outbox.ClaimAsync("host-a", TimeSpan.FromMinutes(1), 10)); // not due yet

        _clock.Advance(TimeSpan.FromSeconds(10));
        var again = Assert.Single(await _outbox.ClaimAsync("host-a", TimeSpan.FromMinutes(1), 10));
        Assert.Equal((claim.Id, 2), (again.Id, again.Attempt));
        await _outbox.RecordFailedAsync(again, "host-a", "connection refused again", retryAt: null);

        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await _outbox.ClaimAsync("host-a", TimeSpan.FromMinutes(1), 10));
        var record = (await _outbox.ListAsync("job-3")).Single(n => n.Id == claim.Id);
        Assert.Equal(("failed", 2, "connection refused again"), (record.Status, record.Attempts, record.LastError));
        Assert.Equal([(1, false, "connection refused"), (2, false, "connection refused again")], record.Sends.Select(s => (s.Attempt, s.Succeeded, s.Error)));
    }

    [Fact]
    public async Task A_job_that_completes_after_the_previous_job_of_its_type_failed_is_Fixed_and_tells_onFailure()
    {
        await FailAsync("job-5");
        _clock.Advance(TimeSpan.FromMinutes(1));
        await _jobs.ExecuteAsync("job-6", new RequestJob("job-6", Notified(), new JobRequest()));
        await _jobs.ExecuteAsync("job-6", new StartJob());
        await _jobs.ExecuteAsync("job-6", new StartTask("build", 1));
        await _jobs.ExecuteAsync("job-6", new ReportTaskResult("build", 1, 0));

        var email = Assert.Single(await _outbox.ListAsync("job-6"), n => n.Channel == "email");
        Assert.Equal(("COMPLETED", "ops@example.com"), (email.State, email.Recipient));
        var claimed = (await _outbox.ClaimAsync("host-a", TimeSpan.FromMinutes(1), 20)).Single(c => c.Id == email.Id);
        Assert.Equal("Fixed Job notified - job-6 COMPLETED", claimed.Notification.Subject);
    }

    [Fact]
    public async Task A_job_without_notify_or_webhooks_writes_no_outbox_rows()
    {
        var plain = Workflow.Create("plain", job => job.Task("build").Shell().Script("x")).Definition;
        await _jobs.ExecuteAsync("job-4", new RequestJob("job-4", plain, new JobRequest()));
        await _jobs.ExecuteAsync("job-4", new CancelJob());

        Assert.Empty(await _outbox.ListAsync("job-4"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
    }
}
