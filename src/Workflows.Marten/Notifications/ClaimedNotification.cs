using Workflows.Runtime;

namespace Workflows.Marten.Notifications;

/// <summary>A notification a dispatcher claimed: it holds the row until <see cref="LeaseUntil"/>.</summary>
/// <param name="Id">The row.</param>
/// <param name="Notification">What to send.</param>
/// <param name="Attempt">This send's attempt, from 1.</param>
/// <param name="LeaseUntil">When another host may claim it again (this host died).</param>
public sealed record ClaimedNotification(Guid Id, Notification Notification, int Attempt, DateTimeOffset LeaseUntil);
