namespace Workflows.Executors.Caches;

/// <summary>
/// The cache of one (job type, key): a pointer to one archive stored by the SHA-256 of its content (the same archive
/// saved under two keys, or by two job types, is stored once). A save replaces the pointer.
/// </summary>
/// <param name="Id">Its id (derived from the job type and the key).</param>
/// <param name="JobType">The job type whose tasks read and write it (one job type never reads another's).</param>
/// <param name="Key">The cache key: the rendered <c>key</c>, or the digest of the <c>key_paths</c> files.</param>
/// <param name="Sha256">The archive's SHA-256, lower-case hex (the blob's address).</param>
/// <param name="Size">The archive's size in bytes.</param>
/// <param name="SavedAt">When it was last saved.</param>
/// <param name="ExpiresAt">When it ends (<c>cache.expires_after</c>, default 30 days after the save).</param>
/// <param name="TaskType">The task that saved it.</param>
/// <param name="JobId">The job run that saved it.</param>
public sealed record CacheEntry(
    string Id,
    string JobType,
    string Key,
    string Sha256,
    long Size,
    DateTimeOffset SavedAt,
    DateTimeOffset ExpiresAt,
    string TaskType,
    string JobId);
