namespace Workflows.Executors.Notifications;

/// <summary>The SMTP server notification emails are sent through.</summary>
/// <param name="Host">The server's host name.</param>
/// <param name="Port">Its port.</param>
/// <param name="From">The sender address.</param>
/// <param name="UseTls">
/// True: TLS from the start (port 465) or STARTTLS; false: STARTTLS when the server offers it, else plain (a relay on
/// the local network, or a test server).
/// </param>
/// <param name="User">The user to log in as; null sends without logging in.</param>
/// <param name="Password">Its password.</param>
public sealed record SmtpSettings(string Host, int Port, string From, bool UseTls = false, string? User = null, string? Password = null);
