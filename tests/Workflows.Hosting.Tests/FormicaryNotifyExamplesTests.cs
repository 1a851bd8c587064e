using Microsoft.Extensions.DependencyInjection;
using Workflows.Definitions;
using Workflows.Hosting.Tests.Support;
using Workflows.Marten.Notifications;
using Workflows.Runtime;
using Workflows.TestSupport;
using Workflows.Yaml;

namespace Workflows.Hosting.Tests;

/// <summary>
/// formicary's examples with a <c>notify</c> block load as written (artifact-cache-job.yaml with its one documented
/// error, WF0101, a dependency on a task it does not have), and their blocks, as written, send email through a
/// real SMTP server by their <c>when</c> as formicary's <c>NotifyWhen.Accept</c> does: <c>always</c> on every end,
/// <c>none</c> (a word formicary does not know) never, <c>onFailure</c> on a failure only.
/// </summary>
/// <remarks>
/// The examples' own tasks need images and services this machine lacks (python, the formicary plugins), so each block
/// is put on a one-task SHELL job that completes or fails.
/// </remarks>
public sealed class FormicaryNotifyExamplesTests
{
    private static JobDefinition Example(string file)
    {
        var yaml = File.ReadAllText(Path.Combine(TestInfrastructure.RepoRoot, "tests", "Workflows.Yaml.Tests", "Formicary", "docs", "examples", file));
        var result = YamlJobLoader.Load(yaml, file);
        Assert.NotNull(result.Definition);
        var errors = result.Problems.Where(p => p.IsError).ToList();
        if (file == "artifact-cache-job.yaml")
        {
            // Its one error is the documented real mistake (compatibility.md): 'dependencies: [token-sniffer]' names no
            // task. Its notify block is read all the same.
            Assert.Equal(WorkflowDiagnostics.UnknownTaskId, Assert.Single(errors).Problem.Id);
            Assert.Contains("'token-sniffer'", errors[0].Problem.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        }

        return result.Definition!;
    }

    /// <summary>A one-task job that completes (exit 0) or fails (exit 1), with the given notify block.</summary>
    private static JobDefinition Runnable(string jobType, int exitCode, IEnumerable<NotifySpec> notify)
    {
        var result = YamlJobLoader.Load(
            $"""
            job_type: {jobType}
            tasks:
            - task_type: only
              method: SHELL
              script:
                - exit {exitCode}
            """,
            jobType + ".yaml");
        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        return result.Definition! with { Notify = notify.ToArray() };
    }

    [Theory]
    [InlineData("report-job.yaml", "email", "always", 3)]
    [InlineData("artifact-cache-job.yaml", "email", "never", 1)]
    [InlineData("tok.yaml", "email", "never", 1)]
    [InlineData("io.formicary.tokens.yaml", "email", "always", 1)]
    [InlineData("io.formicary.tokens.yaml", "slack", "always", 1)]
    [InlineData("sample-job.yaml", "email", "always", 2)]
    public void The_notify_examples_load_as_written_with_their_channels(string file, string channel, string when, int recipients)
    {
        var spec = Assert.Single(Example(file).Notify, n => n.Channel == channel);
        Assert.Equal((when, recipients), (spec.When, spec.Recipients.Count));
    }

    [Fact]
    public async Task The_examples_notify_blocks_email_by_their_when_through_a_real_SMTP_server()
    {
        await using var smtp = new SmtpReceiver();
        await using var host = await RunningHost.StartAsync("fnotify", options =>
        {
            options.Notifications.PollInterval = TimeSpan.FromMilliseconds(50);
            options.Notifications.SmtpHost = "127.0.0.1";
            options.Notifications.SmtpPort = smtp.Port;
            options.Notifications.SmtpFrom = "formicary@example.com";
        });
        var onFailure = new[] { new NotifySpec("email", new[] { "oncall@example.com" }, "onFailure") };

        var report = await host.Client.SubmitAsync(Runnable("report-job", 1, Example("report-job.yaml").Notify));
        var sample = await host.Client.SubmitAsync(Runnable("sample-job", 0, Example("sample-job.yaml").Notify));
        var cache = await host.Client.SubmitAsync(Runnable("artifact-cache-job", 1, Example("artifact-cache-job.yaml").Notify));
        var fine = await host.Client.SubmitAsync(Runnable("guarded-ok", 0, onFailure));
        var broken = await host.Client.SubmitAsync(Runnable("guarded-broken", 1, onFailure));
        foreach (var id in new[] { report, sample, cache, fine, broken })
        {
            await host.WaitForEndAsync(id);
        }

        var messages = await smtp.WaitForAsync(6);
        string Sent(string id) => string.Join(", ", messages.Where(m => (m.Subject ?? string.Empty).Contains(id, StringComparison.Ordinal)).Select(m => m.To.Mailboxes.Single().Address).Order(StringComparer.Ordinal));

        // always: on a failure and on a success, to every recipient.
        Assert.Equal("bhatti@plexobject.com, bhatti_shahzad@yahoo.com, shahbhat@gmail.com", Sent(report));
        Assert.All(messages.Where(m => (m.Subject ?? string.Empty).Contains(report, StringComparison.Ordinal)), m => Assert.Equal($"Job report-job - {report} FAILED", m.Subject));
        Assert.Equal("bhatti@plexobject.com, support@formicary.io", Sent(sample));
        Assert.All(messages.Where(m => (m.Subject ?? string.Empty).Contains(sample, StringComparison.Ordinal)), m => Assert.Equal($"Job sample-job - {sample} COMPLETED", m.Subject));

        // onFailure: the failed job only. none: nothing, though the job failed. The outbox is written with the job's
        // end, so an ended job without records was never to be told.
        Assert.Equal("oncall@example.com", Sent(broken));
        var outbox = host.Services.GetRequiredService<NotificationOutbox>();
        Assert.Empty(await outbox.ListAsync(cache));
        Assert.Empty(await outbox.ListAsync(fine));
        Assert.Equal(6, messages.Count);
    }
}
