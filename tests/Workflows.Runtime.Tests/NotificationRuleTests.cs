using Workflows.Definitions;

namespace Workflows.Runtime.Tests;

/// <summary>Which notifications a job's events cause (<see cref="NotificationRules"/>), on the decider's own events.</summary>
public class NotificationRuleTests
{
    private static readonly WebhookSpec JobHook = new("http://hooks.example/job/{{ JobID }}");
    private static readonly WebhookSpec TaskHook = new("http://hooks.example/task");

    private static JobRun Run(Action<JobBuilder> define) => new(Workflow.Create("notified", define).Definition);

    /// <summary>Every notification the run's events caused so far, as "channel state recipient-or-task".</summary>
    private static List<string> Caused(JobRun run, JobState? state = null) =>
        NotificationRules.For(state ?? run.State, run.Events)
            .Select(n => $"{n.ChannelName} {n.State} {n.Recipient ?? n.TaskType ?? "job"}")
            .ToList();

    [Fact]
    public void A_job_webhook_is_posted_on_each_job_lifecycle_event_and_a_task_webhook_on_each_of_its_tasks_events()
    {
        var run = Run(job => job.Webhook(JobHook)
            .Task("build").Shell().Script("x").Webhook(TaskHook).OnCompleted("test")
            .Task("test").Shell().Script("y"));
        run.Decide(new StartJob());
        run.Run("build", 0);
        run.Run("test", 0);

        Assert.Equal(
            ["webhook PENDING job", "webhook STARTED job", "webhook STARTED build", "webhook COMPLETED build", "webhook COMPLETED job"],
            Caused(run));
        var task = NotificationRules.For(run.State, run.Events).Single(n => n.TaskType == "build" && n.State == "COMPLETED");
        Assert.Equal((TaskHook, (int?)0), (task.Webhook, task.ExitCode));
    }

    [Fact]
    public void A_failed_task_webhook_carries_its_error_and_exit_code()
    {
        var run = Run(job => job.Task("build").Shell().Script("x").Webhook(TaskHook));
        run.Decide(new StartJob());
        run.Run("build", 3);

        var failed = NotificationRules.For(run.State, run.Events).Single(n => n.State == "FAILED");
        Assert.Equal(("build", "ERR_TASK_EXECUTE", (int?)3), (failed.TaskType, failed.ErrorCode, failed.ExitCode));
    }

    [Theory]
    [InlineData("always", 0, "email COMPLETED ops@example.com")]
    [InlineData("always", 1, "email FAILED ops@example.com")]
    [InlineData("onSuccess", 0, "email COMPLETED ops@example.com")]
    [InlineData("onSuccess", 1, "")]
    [InlineData("onFailure", 0, "")]
    [InlineData("onFailure", 1, "email FAILED ops@example.com")]
    [InlineData("on_failure", 1, "email FAILED ops@example.com")]
    [InlineData("ONSUCCESS", 0, "email COMPLETED ops@example.com")]
    [InlineData("", 0, "email COMPLETED ops@example.com")]
    [InlineData("never", 0, "")]
    [InlineData("never", 1, "")]
    public void Notify_channels_are_told_of_the_jobs_end_by_their_when_rule(string when, int exitCode, string expected)
    {
        var run = Run(job => job.Notify("email", when, "ops@example.com").Task("build").Shell().Script("x"));
        run.Decide(new StartJob());
        run.Run("build", exitCode);

        Assert.Equal(expected.Length == 0 ? [] : [expected], Caused(run));
    }

    [Fact]
    public void Each_recipient_of_each_channel_gets_its_own_notification_and_nothing_is_sent_before_the_job_ends()
    {
        var run = Run(job => job
            .Notify("email", "always", "a@example.com", "b@example.com")
            .Notify("slack", "onFailure", "#builds")
            .Task("build").Shell().Script("x"));
        run.Decide(new StartJob());
        Assert.Empty(Caused(run));

        run.Run("build", 1);
        Assert.Equal(["email FAILED a@example.com", "email FAILED b@example.com", "slack FAILED #builds"], Caused(run));
    }

    [Fact]
    public void A_job_that_completes_after_the_previous_one_failed_tells_onFailure_channels_with_a_Fixed_subject()
    {
        var run = Run(job => job.Notify("email", "onFailure", "ops@example.com").Notify("slack", "always", "#builds").Task("build").Shell().Script("x"));
        run.Decide(new StartJob());
        run.Run("build", 0);

        Assert.True(NotificationRules.NeedsPrevious(run.State, run.Events));
        var fixedOnes = NotificationRules.For(run.State, run.Events, previousFailed: true);
        Assert.Equal(
            ["email Fixed Job notified - job-1 COMPLETED", "slack Fixed Job notified - job-1 COMPLETED"],
            fixedOnes.Select(n => $"{n.ChannelName} {n.Subject}"));
        Assert.Equal(["slack COMPLETED #builds"], Caused(run)); // the previous one did not fail: onFailure hears nothing
    }

    [Fact]
    public void A_cancelled_job_counts_as_failed_for_onFailure_as_in_formicary()
    {
        var run = Run(job => job.Notify("slack", "onFailure", "#builds").Task("build").Shell().Script("x"));
        run.Decide(new CancelJob("not needed"));

        Assert.Equal(["slack CANCELLED #builds"], Caused(run));
    }

    [Fact]
    public void A_forked_child_job_sends_no_notify_messages_but_still_posts_its_webhook()
    {
        var run = Run(job => job.Notify("email", "always", "ops@example.com").Webhook(JobHook).Task("build").Shell().Script("x"));
        run.Decide(new StartJob());
        run.Run("build", 0);
        var child = run.State with { Request = run.State.Request with { ParentJobId = "parent-1", ForkTask = "fork" } };

        Assert.Equal(["webhook PENDING job", "webhook STARTED job", "webhook COMPLETED job"], Caused(run, child));
    }

    [Fact]
    public void A_job_without_notify_or_webhooks_causes_nothing()
    {
        var run = Run(job => job.Task("build").Shell().Script("x"));
        run.Decide(new StartJob());
        run.Run("build", 1);

        Assert.Empty(Caused(run));
    }

    [Fact]
    public void The_subject_is_formicarys()
    {
        var n = new Notification("job-1", "nightly", NotificationChannel.Email, "FAILED", DateTimeOffset.UnixEpoch);
        Assert.Equal("Job nightly - job-1 FAILED", n.Subject);
    }
}

/// <summary>The backoff of failed sends (<see cref="NotificationRetry"/>).</summary>
public class NotificationRetryTests
{
    [Fact]
    public void A_failed_send_waits_twice_as_long_each_time_up_to_the_cap_then_is_given_up()
    {
        var now = new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
        var waits = Enumerable.Range(1, 6)
            .Select(attempt => NotificationRetry.Next(attempt, 6, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), now) - now)
            .ToList();

        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), null], waits);
    }
}
