namespace Workflows
{
    /// <summary>How a webhook trigger authenticates its events (<c>auth.method</c>).</summary>
    public enum WebhookAuth
    {
        /// <summary>No auth: every event is taken (formicary allows it for internal use and testing).</summary>
        None,

        /// <summary><c>hmac_sha256</c>: the body's HMAC-SHA256 under the secret, hex, in the header (<c>sha256=</c> prefix optional), as GitHub signs.</summary>
        HmacSha256,

        /// <summary><c>bearer_token</c>: <c>Authorization: Bearer &lt;secret&gt;</c>.</summary>
        BearerToken,

        /// <summary><c>api_key_header</c>: the secret itself in the header.</summary>
        ApiKeyHeader,
    }

    /// <summary>The YAML spelling of <see cref="WebhookAuth"/>.</summary>
    public static class WebhookAuthExtensions
    {
        /// <summary><c>hmac_sha256</c>, <c>bearer_token</c>, <c>api_key_header</c>; null for <see cref="WebhookAuth.None"/>.</summary>
        /// <param name="auth">The method.</param>
        public static string? ToYaml(this WebhookAuth auth) => auth switch
        {
            WebhookAuth.HmacSha256 => "hmac_sha256",
            WebhookAuth.BearerToken => "bearer_token",
            WebhookAuth.ApiKeyHeader => "api_key_header",
            _ => null,
        };
    }
}
