using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Workflows.Executors.Notifications;

/// <summary>
/// Posts webhooks (a job's or task's <c>webhook</c>, and slack messages to an incoming-webhook URL) as JSON. When the host
/// has a signing secret, each POST carries <c>X-Workflows-Signature: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>, so the
/// receiver can check it came from this host (formicary signs nothing).
/// </summary>
/// <param name="http">The client (the host's named client for notifications).</param>
/// <param name="signingSecret">The HMAC key; null or empty sends unsigned.</param>
public sealed class WebhookSender(HttpClient http, string? signingSecret)
{
    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "X-Workflows-Signature";

    /// <summary>The delivery id header.</summary>
    public const string DeliveryHeader = "X-Workflows-Delivery";

    /// <summary>The event header.</summary>
    public const string EventHeader = "X-Workflows-Event";

    /// <summary>Posts once; a non-success answer throws <see cref="HttpRequestException"/> naming its status.</summary>
    /// <param name="post">The POST.</param>
    /// <param name="cancellationToken">Cancels the post.</param>
    public async Task PostAsync(WebhookPost post, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(post);
        using var request = new HttpRequestMessage(HttpMethod.Post, WithQuery(post.Url, post.Query));
        request.Content = new StringContent(post.Body, Encoding.UTF8, "application/json");
        foreach (var (name, value) in post.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Headers.TryAddWithoutValidation(DeliveryHeader, post.DeliveryId.ToString());
        request.Headers.TryAddWithoutValidation(EventHeader, post.EventName);
        if (!string.IsNullOrEmpty(signingSecret))
        {
            request.Headers.TryAddWithoutValidation(SignatureHeader, Sign(signingSecret, post.Body));
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"POST {request.RequestUri!.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        }
    }

    /// <summary>The signature of a body: <c>sha256=</c> and the lower-case hex HMAC-SHA256 of its UTF-8 bytes under the secret.</summary>
    /// <param name="secret">The signing secret.</param>
    /// <param name="body">The body as sent.</param>
    public static string Sign(string secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    private static Uri WithQuery(string url, IReadOnlyList<KeyValuePair<string, string>> query)
    {
        if (query.Count == 0)
        {
            return new Uri(url, UriKind.Absolute);
        }

        var text = string.Join("&", query.Select(q => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(q.Value)));
        return new Uri(url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + text, UriKind.Absolute);
    }
}
