namespace Workflows.Executors.Caches;

/// <summary>Where task caches are kept: content-addressed archives plus one pointer per (job type, key).</summary>
public interface ICacheStore
{
    /// <summary>The unexpired cache of (<paramref name="jobType"/>, <paramref name="key"/>), or null.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="key">The cache key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<CacheEntry?> FindAsync(string jobType, string key, CancellationToken cancellationToken);

    /// <summary>Opens a cache's archive (a tar).</summary>
    /// <param name="entry">The cache.</param>
    /// <exception cref="FileNotFoundException">Its archive is gone (expired and collected).</exception>
    Stream OpenRead(CacheEntry entry);

    /// <summary>Stores an archive and points (job type, key) at it, replacing what the key pointed at.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="key">The cache key.</param>
    /// <param name="taskType">The task saving it.</param>
    /// <param name="jobId">The job run saving it.</param>
    /// <param name="archive">The tar archive (read to the end).</param>
    /// <param name="expiresAfter">How long the cache is kept.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<CacheEntry> SaveAsync(string jobType, string key, string taskType, string jobId, Stream archive, TimeSpan expiresAfter, CancellationToken cancellationToken);

    /// <summary>The caches, unexpired or not yet collected, of one job type or of all, by job type then key.</summary>
    /// <param name="jobType">Only this job type's, or all when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<IReadOnlyList<CacheEntry>> ListCachesAsync(string? jobType, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the caches past their expiry (at most <see cref="ExpiredCaches.BatchSize"/> a call) and the archives
    /// nothing else uses.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<ExpiredCaches> CollectExpiredCachesAsync(CancellationToken cancellationToken);
}

/// <summary>What one collection of expired caches removed.</summary>
/// <param name="Count">How many caches.</param>
/// <param name="Bytes">Their archives' total size.</param>
public sealed record ExpiredCaches(int Count, long Bytes)
{
    /// <summary>The most caches one call removes.</summary>
    public const int BatchSize = 500;
}
