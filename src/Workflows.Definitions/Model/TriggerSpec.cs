using System;

namespace Workflows.Definitions
{
    /// <summary>An event that submits the job (<c>triggers:</c>, type webhook, s3 or queue).</summary>
    /// <param name="Name">Unique trigger name.</param>
    /// <param name="Type"><c>webhook</c>, <c>s3</c> or <c>queue</c>.</param>
    /// <param name="Path">Webhook path.</param>
    /// <param name="AuthMethod"><c>hmac_sha256</c>, <c>bearer_token</c> or <c>api_key_header</c>.</param>
    /// <param name="AuthSecretConfig">The config holding the secret.</param>
    /// <param name="AuthHeader">The header carrying the credential.</param>
    /// <param name="Mode"><c>poll</c> or <c>notification</c>.</param>
    /// <param name="Bucket">S3 bucket.</param>
    /// <param name="Prefix">S3 key prefix.</param>
    /// <param name="Suffix">S3 key suffix.</param>
    /// <param name="PollInterval">Polling interval.</param>
    /// <param name="Topic">Queue topic.</param>
    /// <param name="Group">Queue consumer group.</param>
    /// <param name="Shared">Shared subscription.</param>
    /// <param name="Params">Job parameters (templates over the event).</param>
    /// <param name="Filter">Template; the event is ignored unless it renders <c>true</c>.</param>
    /// <param name="DedupKey">Template for the de-duplication key.</param>
    /// <param name="RateLimitMax">At most this many jobs per window.</param>
    /// <param name="RateLimitWindow">The rate-limit window.</param>
    public sealed record TriggerSpec(
        string Name,
        string Type,
        string? Path = null,
        string? AuthMethod = null,
        string? AuthSecretConfig = null,
        string? AuthHeader = null,
        string? Mode = null,
        string? Bucket = null,
        string? Prefix = null,
        string? Suffix = null,
        TimeSpan? PollInterval = null,
        string? Topic = null,
        string? Group = null,
        bool Shared = false,
        EquatableArray<NamedValue> Params = default,
        string? Filter = null,
        string? DedupKey = null,
        int? RateLimitMax = null,
        TimeSpan? RateLimitWindow = null);
}
