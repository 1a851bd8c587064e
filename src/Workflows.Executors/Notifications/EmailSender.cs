using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Workflows.Executors.Notifications;

/// <summary>Sends notification emails through an SMTP server (MailKit), one message per recipient.</summary>
/// <param name="settings">The server.</param>
public sealed class EmailSender(SmtpSettings settings)
{
    /// <summary>Sends one plain-text email.</summary>
    /// <param name="to">The recipient.</param>
    /// <param name="subject">The subject.</param>
    /// <param name="body">The text.</param>
    /// <param name="deliveryId">The notification's id, sent as the message id so a repeated send is recognisable.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    public async Task SendAsync(string to, string subject, string body, Guid deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.MessageId = $"{deliveryId:N}@workflows";
        message.Body = new TextPart("plain") { Text = body };

        using var client = new SmtpClient();
        var security = settings.UseTls
            ? (settings.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls)
            : SecureSocketOptions.StartTlsWhenAvailable;
        await client.ConnectAsync(settings.Host, settings.Port, security, cancellationToken).ConfigureAwait(false);
        if (settings.User is { Length: > 0 } user)
        {
            await client.AuthenticateAsync(user, settings.Password ?? string.Empty, cancellationToken).ConfigureAwait(false);
        }

        await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
    }
}
