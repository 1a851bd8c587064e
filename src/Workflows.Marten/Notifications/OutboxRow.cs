namespace Workflows.Marten.Notifications;

/// <summary>A notification serialized for the outbox, ready for a group commit.</summary>
/// <param name="Id">The row's id (also sent to receivers, which may use it to drop a repeated delivery).</param>
/// <param name="JobId">The job.</param>
/// <param name="Channel"><c>email</c>, <c>slack</c> or <c>webhook</c>.</param>
/// <param name="State">The lifecycle state it reports.</param>
/// <param name="TaskType">For a task's webhook: the task.</param>
/// <param name="Recipient">The email address or slack channel.</param>
/// <param name="Payload">The <see cref="Runtime.Notification"/>, serialized.</param>
/// <param name="At">When its event happened (and when it is first due).</param>
internal sealed record OutboxRow(Guid Id, string JobId, string Channel, string State, string? TaskType, string? Recipient, string Payload, DateTimeOffset At);
