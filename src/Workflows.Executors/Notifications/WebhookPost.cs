namespace Workflows.Executors.Notifications;

/// <summary>A rendered webhook POST: where it goes and what it carries.</summary>
/// <param name="Url">The URL (templates rendered).</param>
/// <param name="Headers">Extra request headers (templates rendered).</param>
/// <param name="Query">Query parameters added to the URL.</param>
/// <param name="Body">The JSON body.</param>
/// <param name="DeliveryId">The notification's id, sent as <c>X-Workflows-Delivery</c> (a receiver drops a repeat by it).</param>
/// <param name="EventName">What happened, sent as <c>X-Workflows-Event</c> (e.g. <c>job.COMPLETED</c>, <c>task.FAILED</c>).</param>
public sealed record WebhookPost(
    string Url, IReadOnlyList<KeyValuePair<string, string>> Headers, IReadOnlyList<KeyValuePair<string, string>> Query, string Body, Guid DeliveryId, string EventName);
