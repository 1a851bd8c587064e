using Workflows.Definitions;

namespace Workflows.Runtime;

/// <summary>How a notification is sent.</summary>
public enum NotificationChannel
{
    /// <summary>An email to one recipient (<c>notify: email</c>).</summary>
    Email,

    /// <summary>A message to one slack channel or user (<c>notify: slack</c>), posted to the host's slack webhook.</summary>
    Slack,

    /// <summary>A JSON POST of a job's or task's lifecycle event to the definition's <c>webhook</c> URL.</summary>
    Webhook,
}

/// <summary>
/// One notification a job event causes, decided by <see cref="NotificationRules"/> and written to the outbox in the same
/// transaction as the event, then sent (and retried) by the host's dispatcher.
/// </summary>
/// <param name="JobId">The job run.</param>
/// <param name="JobType">Its job type.</param>
/// <param name="Channel">How it is sent.</param>
/// <param name="State">The lifecycle state it reports, in formicary's words (<c>PENDING</c>, <c>STARTED</c>, <c>COMPLETED</c>, <c>FAILED</c>, <c>CANCELLED</c>, <c>PAUSED</c>).</param>
/// <param name="At">When the event happened.</param>
public sealed record Notification(string JobId, string JobType, NotificationChannel Channel, string State, DateTimeOffset At)
{
    /// <summary>The email address or slack channel; null for a webhook.</summary>
    public string? Recipient { get; init; }

    /// <summary>For a task's lifecycle event: the task.</summary>
    public string? TaskType { get; init; }

    /// <summary>For a failure: its error code.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>For a task's event: its exit code, when it has one.</summary>
    public int? ExitCode { get; init; }

    /// <summary>For a webhook: the URL, headers and query as the definition writes them (templates are rendered when sent).</summary>
    public WebhookSpec? Webhook { get; init; }

    /// <summary>True when the job completed after the previous job of its type failed (formicary's "Fixed" notice).</summary>
    public bool Fixed { get; init; }

    /// <summary>The job's request parameters, which a webhook's templates see.</summary>
    public IReadOnlyDictionary<string, string>? Params { get; init; }

    /// <summary>The channel as written in the outbox and the API: <c>email</c>, <c>slack</c> or <c>webhook</c>.</summary>
    public string ChannelName => Channel switch
    {
        NotificationChannel.Email => "email",
        NotificationChannel.Slack => "slack",
        _ => "webhook",
    };

    /// <summary>
    /// The email's subject and the slack message's text, as formicary writes them: <c>Job {type} - {id} {state}</c>, with
    /// <c>Fixed </c> before it when the job completed after the previous job of its type failed.
    /// </summary>
    public string Subject => $"{(Fixed ? "Fixed " : string.Empty)}Job {JobType} - {JobId} {State}";
}
