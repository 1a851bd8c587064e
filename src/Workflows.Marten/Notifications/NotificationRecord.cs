namespace Workflows.Marten.Notifications;

/// <summary>A notification of a job as the API lists it: what it reports, where it goes, and each send.</summary>
/// <param name="Id">Its id (receivers see it in <c>X-Workflows-Delivery</c>).</param>
/// <param name="JobId">The job.</param>
/// <param name="Channel"><c>email</c>, <c>slack</c> or <c>webhook</c>.</param>
/// <param name="State">The lifecycle state it reports (<c>COMPLETED</c>, <c>FAILED</c>, …).</param>
/// <param name="TaskType">For a task's webhook: the task.</param>
/// <param name="Recipient">The email address or slack channel; for a webhook, its URL as the definition writes it.</param>
/// <param name="Status"><c>pending</c>, <c>sent</c> or <c>failed</c> (given up).</param>
/// <param name="Attempts">How many sends were tried.</param>
/// <param name="CreatedAt">When its event happened.</param>
/// <param name="DueAt">When it is (or was last) due.</param>
/// <param name="SentAt">When it was sent.</param>
/// <param name="LastError">The last failure (secrets masked).</param>
/// <param name="Sends">Every send, in order.</param>
public sealed record NotificationRecord(
    Guid Id, string JobId, string Channel, string State, string? TaskType, string? Recipient, string Status, int Attempts,
    DateTimeOffset CreatedAt, DateTimeOffset DueAt, DateTimeOffset? SentAt, string? LastError, IReadOnlyList<NotificationSend> Sends);
