namespace Workflows.Marten.Notifications;

/// <summary>One recorded attempt to send a notification.</summary>
/// <param name="Attempt">The attempt, from 1.</param>
/// <param name="At">When it ended.</param>
/// <param name="Succeeded">True when the receiver took it.</param>
/// <param name="Error">Why it failed (secrets masked); null when it succeeded.</param>
/// <param name="By">The host that sent it.</param>
public sealed record NotificationSend(int Attempt, DateTimeOffset At, bool Succeeded, string? Error, string By);
