using Workflows.Definitions;
using static Workflows.Definitions.WorkflowDiagnostics;

namespace Workflows.Definitions.Tests;

public class NotificationRuleTests
{
    private static JobDefinition Notified(string channel, string when, params string[] recipients) =>
        Jobs.Of(Jobs.Shell("build")) with { Notify = EquatableArray.Create(new NotifySpec(channel, recipients.ToEquatableArray(), when)) };

    [Fact]
    public void WF7101_an_email_recipient_that_is_not_an_address_is_named_with_the_fix()
    {
        var problem = Assert.Single(Notified("email", "always", "ops@example.com", "ops-at-example.com").Problems(InvalidNotificationId));
        Assert.Equal("Job 'test-job' has notify.email.recipients = 'ops-at-example.com': it is not an email address. Write one such as ops@example.com.", problem.Message);
        Assert.Equal(DefinitionPointer.Job("notify", "email"), problem.Location);
    }

    [Theory]
    [InlineData("always")]
    [InlineData("onSuccess")]
    [InlineData("ON_FAILURE")]
    [InlineData("never")]
    [InlineData("")]
    public void WF7101_every_when_rule_and_its_spellings_are_accepted(string when) =>
        Assert.Empty(WorkflowValidator.Validate(Notified("slack", when, "builds")));

    [Fact]
    public void WF7101_an_unknown_when_rule_or_channel_suggests_the_near_word()
    {
        Assert.Equal(
            "Job 'test-job' has notify.email.when = 'onSucess': it is not a rule. Did you mean 'onSuccess'? Use one of always, onSuccess, onFailure, never.",
            Assert.Single(Notified("email", "onSucess", "ops@example.com").Problems(InvalidNotificationId)).Message);
        Assert.Equal(
            "Job 'test-job' has notify channel = 'emial': the runtime sends to email and slack only. Did you mean 'email'? Write 'email:' (recipients are addresses) or 'slack:' (recipients are channels).",
            Assert.Single(Notified("emial", "always", "ops@example.com").Problems(InvalidNotificationId)).Message);
    }

    [Fact]
    public void WF7101_a_webhook_url_must_be_absolute_http_unless_it_is_a_template()
    {
        var job = Jobs.Of(Jobs.Shell("build") with { Webhook = new WebhookSpec("example.com/hook") }) with { Webhook = new WebhookSpec("{{ .HookUrl }}") };
        var problem = Assert.Single(job.Problems(InvalidNotificationId));
        Assert.Equal("Task 'build' has webhook.url = 'example.com/hook': it is not an absolute http:// or https:// URL, so nothing could be posted to it. Write the full URL, e.g. 'https://example.com/hooks/builds'.", problem.Message);
        Assert.Equal("build", problem.Location.TaskType);
    }
}
