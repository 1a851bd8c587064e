using System.ComponentModel.DataAnnotations;

namespace Workflows;

/// <summary>
/// How this host sends notifications (<c>Workflows:Notifications</c>): the SMTP server of <c>notify: email</c>, the
/// slack incoming-webhook URL of <c>notify: slack</c>, the secret that signs job and task webhooks, and the retries.
/// Validated at start.
/// </summary>
public sealed class NotificationOptions
{
    /// <summary>True: this host sends the outbox's notifications (every such host shares them); false: it leaves them to others.</summary>
    /// <value>Default: true.</value>
    public bool Dispatch { get; set; } = true;

    /// <summary>The SMTP server's host name; null: emails are not sent (each is recorded as given up, saying so).</summary>
    public string? SmtpHost { get; set; }

    /// <summary>The SMTP server's port.</summary>
    /// <value>Default: 25.</value>
    [Range(1, 65535, ErrorMessage = "Notifications:SmtpPort must be between 1 and 65535 (25, 465 or 587 usually).")]
    public int SmtpPort { get; set; } = 25;

    /// <summary>The sender address of notification emails (required with <see cref="SmtpHost"/>).</summary>
    public string? SmtpFrom { get; set; }

    /// <summary>True: TLS is required (SSL on connect for port 465, else STARTTLS); false: STARTTLS when offered.</summary>
    public bool SmtpUseTls { get; set; }

    /// <summary>The SMTP user; null sends without logging in.</summary>
    public string? SmtpUser { get; set; }

    /// <summary>The SMTP password (masked in every recorded send and log).</summary>
    public string? SmtpPassword { get; set; }

    /// <summary>
    /// The slack incoming-webhook URL that <c>notify: slack</c> messages are posted to (with the recipient as
    /// <c>channel</c>); null: slack messages are not sent. Masked in every recorded send and log (it holds a token).
    /// </summary>
    public Uri? SlackWebhookUrl { get; set; }

    /// <summary>
    /// The HMAC-SHA256 key of job and task webhooks: each POST carries <c>X-Workflows-Signature: sha256=&lt;hex&gt;</c> of
    /// its body. Null sends them unsigned.
    /// </summary>
    public string? WebhookSecret { get; set; }

    /// <summary>The most sends of one notification before it is given up.</summary>
    /// <value>Default: 8.</value>
    [Range(1, 100, ErrorMessage = "Notifications:MaxAttempts must be between 1 and 100.")]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after a first failed send; each later failure doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
    /// <value>Default: 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00", ErrorMessage = "Notifications:FirstRetryDelay must be between 10 ms and 1 day.")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between sends.</summary>
    /// <value>Default: 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "7.00:00:00", ErrorMessage = "Notifications:MaxRetryDelay must be between 10 ms and 7 days.")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a host's claim on a notification holds (a host that dies while sending leaves it to another after this).</summary>
    /// <value>Default: 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Notifications:Lease must be between 1 second and 1 day.")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an idle dispatcher waits before looking for due notifications again.</summary>
    /// <value>Default: 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ErrorMessage = "Notifications:PollInterval must be between 10 ms and 10 minutes.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one send may take before it counts as failed.</summary>
    /// <value>Default: 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00", ErrorMessage = "Notifications:SendTimeout must be between 100 ms and 10 minutes.")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Every problem of these settings, each naming the setting and the fix; empty when they are valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true);
        var problems = results.Select(r => r.ErrorMessage ?? "Notifications is invalid.").ToList();
        if (!string.IsNullOrWhiteSpace(SmtpHost))
        {
            if (string.IsNullOrWhiteSpace(SmtpFrom))
            {
                problems.Add("Notifications:SmtpFrom is required with Notifications:SmtpHost: set it to the sender address, e.g. workflows@example.com.");
            }
            else if (!System.Net.Mail.MailAddress.TryCreate(SmtpFrom, out _))
            {
                problems.Add($"Notifications:SmtpFrom '{SmtpFrom}' is not an email address: write one such as workflows@example.com.");
            }
        }
        else if (!string.IsNullOrWhiteSpace(SmtpUser))
        {
            problems.Add("Notifications:SmtpUser is set but Notifications:SmtpHost is not: set the SMTP server's host name.");
        }

        if (SlackWebhookUrl is { } slack && (!slack.IsAbsoluteUri || slack.Scheme is not ("http" or "https")))
        {
            problems.Add("Notifications:SlackWebhookUrl must be an absolute http(s) URL, e.g. https://hooks.slack.com/services/T000/B000/XXXX.");
        }

        if (MaxRetryDelay < FirstRetryDelay)
        {
            problems.Add($"Notifications:MaxRetryDelay ({MaxRetryDelay}) is shorter than Notifications:FirstRetryDelay ({FirstRetryDelay}): raise it or lower the first delay.");
        }

        return problems;
    }
}
