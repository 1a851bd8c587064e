namespace Workflows.Executors.Caches;

/// <summary>What a cache gets when its definition does not say.</summary>
public static class CacheDefaults
{
    /// <summary>How long a saved cache is kept when <c>cache.expires_after</c> is not set: 30 days, formicary's <c>DefaultCacheExpirationDuration</c>.</summary>
    public static readonly TimeSpan ExpiresAfter = TimeSpan.FromDays(30);
}
