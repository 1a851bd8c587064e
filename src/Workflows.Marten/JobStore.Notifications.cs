namespace Workflows.Marten;

/// <summary>The notification outbox of the store's jobs.</summary>
public sealed partial class JobStore
{
    /// <summary>The outbox the writer fills with the notifications jobs' events cause (<c>wf_outbox</c>): claims, sends, listing.</summary>
    public Notifications.NotificationOutbox Notifications { get; } = new(store, time);
}
