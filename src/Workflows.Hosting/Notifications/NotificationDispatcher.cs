using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Executors.Notifications;
using Workflows.Executors.Secrets;
using Workflows.Marten.Configs;
using Workflows.Marten.Notifications;
using Workflows.Runtime;
using Workflows.Templates;

namespace Workflows.Hosting.Notifications;

/// <summary>
/// Sends the outbox's notifications: claims due rows with a lease, sends each (email by SMTP, slack and webhooks by HTTP
/// POST), records each send (secrets masked), and retries a failed one with exponential backoff until
/// <see cref="NotificationOptions.MaxAttempts"/>, then gives it up and records that. Every host with
/// <see cref="NotificationOptions.Dispatch"/> runs one; they share the rows.
/// </summary>
internal sealed partial class NotificationDispatcher(
    NotificationOutbox outbox, IOptions<WorkflowsOptions> options, IHttpClientFactory http, TimeProvider time, ILogger<NotificationDispatcher> logger,
    JobConfigs? configs = null) : BackgroundService
{
    /// <summary>The named HTTP client of definitions' webhook posts, held to the HTTP tasks' destinations check (SSRF).</summary>
    public const string ClientName = "workflows-notifications";

    /// <summary>The HTTP client for slack messages: the operator's own URL, not held to the destinations check.</summary>
    public const string SlackClientName = "workflows-notifications-slack";

    private const int ClaimBatch = 16;

    private static string Owner { get; } = Environment.MachineName + ":" + Environment.ProcessId + ":" + Guid.NewGuid().ToString("N")[..8];

    private NotificationOptions Settings => options.Value.Notifications;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Settings.Dispatch)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await DispatchDueAsync(stoppingToken).ConfigureAwait(false) == 0)
                {
                    await Task.Delay(Settings.PollInterval, time, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogClaimFailed(logger, e);
                try
                {
                    await Task.Delay(Settings.PollInterval, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Claims what is due and sends it; returns how many were claimed.</summary>
    internal async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        var claimed = await outbox.ClaimAsync(Owner, Settings.Lease, ClaimBatch, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(claimed.Select(c => SendAsync(c, cancellationToken))).ConfigureAwait(false);
        return claimed.Count;
    }

    private async Task SendAsync(ClaimedNotification claim, CancellationToken cancellationToken)
    {
        var n = claim.Notification;
        var attempt = configs is null ? AttemptConfigs.Empty : await configs.ForAttemptAsync(n.JobType, cancellationToken).ConfigureAwait(false);
        var secrets = Secrets(attempt);
        string? error = null;
        var retry = true;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Settings.SendTimeout);
        try
        {
            await TrySendAsync(claim, attempt, timeout.Token).ConfigureAwait(false);
        }
        catch (ChannelNotConfiguredException e)
        {
            // A setting the host lacks does not appear by itself: trying again would only fail again.
            error = e.Message;
            retry = false;
        }
        catch (TemplateRenderException e)
        {
            error = $"its webhook's templates cannot be rendered: {e.Message} Fix the definition's webhook.";
            retry = false;
        }
        catch (HttpRequestException e) when (e.InnerException is Workflows.Executors.Http.HttpDestinationRefusedException refused)
        {
            // The host's policy does not change by itself either: a refused destination is not tried again.
            error = $"its webhook may not be sent there: {refused.Message}";
            retry = false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = $"the send took longer than {Settings.SendTimeout} (Workflows:Notifications:SendTimeout)";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            error = e.Message;
        }

        if (error is null)
        {
            await outbox.RecordSentAsync(claim, Owner, CancellationToken.None).ConfigureAwait(false);
            LogSent(logger, n.ChannelName, n.State, n.JobId, claim.Attempt);
            return;
        }

        var masked = SecretMask.Apply(error, secrets);
        var next = retry ? NotificationRetry.Next(claim.Attempt, Settings.MaxAttempts, Settings.FirstRetryDelay, Settings.MaxRetryDelay, time.GetUtcNow()) : null;
        await outbox.RecordFailedAsync(claim, Owner, masked, next, CancellationToken.None).ConfigureAwait(false);
        if (next is { } at)
        {
            LogRetrying(logger, n.ChannelName, n.State, n.JobId, claim.Attempt, masked, at);
        }
        else
        {
            LogGaveUp(logger, n.ChannelName, n.State, n.JobId, claim.Attempt, masked);
        }
    }

    /// <summary>Sends one notification; throws when it was not sent.</summary>
    private async Task TrySendAsync(ClaimedNotification claim, AttemptConfigs attempt, CancellationToken cancellationToken)
    {
        var n = claim.Notification;
        switch (n.Channel)
        {
            case NotificationChannel.Email:
                if (string.IsNullOrWhiteSpace(Settings.SmtpHost))
                {
                    throw new ChannelNotConfiguredException("no SMTP server is configured: set Workflows:Notifications:SmtpHost and SmtpFrom to send emails");
                }

                var smtp = new SmtpSettings(Settings.SmtpHost, Settings.SmtpPort, Settings.SmtpFrom!, Settings.SmtpUseTls, Settings.SmtpUser, Settings.SmtpPassword);
                await new EmailSender(smtp).SendAsync(n.Recipient!, n.Subject, NotificationMessages.EmailBody(n), claim.Id, cancellationToken).ConfigureAwait(false);
                return;

            case NotificationChannel.Slack:
                if (Settings.SlackWebhookUrl is not { } slack)
                {
                    throw new ChannelNotConfiguredException("no slack webhook is configured: set Workflows:Notifications:SlackWebhookUrl to send slack messages");
                }

                await Poster(SlackClientName).PostAsync(new WebhookPost(slack.ToString(), [], [], NotificationMessages.SlackBody(n), claim.Id, NotificationMessages.EventName(n)), cancellationToken).ConfigureAwait(false);
                return;

            default:
                var hook = n.Webhook!;
                var scope = new TemplateScope(Variables(n, attempt), time.GetUtcNow(), new Random());
                string Render(string text) => TemplateRenderer.IsTemplate(text) ? TemplateRenderer.Render(text, scope) : text;
                var post = new WebhookPost(
                    Render(hook.Url),
                    hook.Headers.Select(h => KeyValuePair.Create(h.Name, Render(h.Value))).ToList(),
                    hook.Query.Select(q => KeyValuePair.Create(q.Name, Render(q.Value))).ToList(),
                    NotificationMessages.WebhookBody(claim.Id, n), claim.Id, NotificationMessages.EventName(n));
                await Poster(ClientName).PostAsync(post, cancellationToken).ConfigureAwait(false);
                return;
        }
    }

    private WebhookSender Poster(string client) => new(http.CreateClient(client), Settings.WebhookSecret);

    /// <summary>What a webhook's templates see: the job's parameters, its configs and host secrets, and the job's facts.</summary>
    private static Dictionary<string, string> Variables(Notification n, AttemptConfigs attempt)
    {
        var variables = new Dictionary<string, string>(attempt.Values, StringComparer.Ordinal);
        foreach (var (name, value) in n.Params ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        variables["JobID"] = n.JobId;
        variables["JobType"] = n.JobType;
        variables["JobState"] = n.State;
        if (n.TaskType is { } task)
        {
            variables["TaskType"] = task;
        }

        return variables;
    }

    private List<string> Secrets(AttemptConfigs attempt)
    {
        var secrets = new List<string>(attempt.SecretValues);
        foreach (var secret in new[] { Settings.SmtpPassword, Settings.WebhookSecret, Settings.SlackWebhookUrl?.ToString() })
        {
            if (!string.IsNullOrEmpty(secret))
            {
                secrets.Add(secret);
            }
        }

        return secrets;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Claiming due notifications failed; trying again")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent the {Channel} notification of job {JobId} ({State}), attempt {Attempt}")]
    private static partial void LogSent(ILogger logger, string channel, string state, string jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Channel} notification of job {JobId} ({State}) failed on attempt {Attempt}: {Error}; trying again at {RetryAt}")]
    private static partial void LogRetrying(ILogger logger, string channel, string state, string jobId, int attempt, string error, DateTimeOffset retryAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Channel} notification of job {JobId} ({State}) failed on attempt {Attempt}: {Error}; given up")]
    private static partial void LogGaveUp(ILogger logger, string channel, string state, string jobId, int attempt, string error);
}
