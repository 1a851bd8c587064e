namespace Workflows.Api.Contracts;

/// <summary>A task cache: the newest archive a job type's tasks saved under one key (docs/caches.md).</summary>
/// <param name="JobType">The job type whose tasks read and write it.</param>
/// <param name="Key">The cache key: the rendered <c>key</c>, or the SHA-256 of the <c>key_paths</c> files.</param>
/// <param name="Sha256">The archive's SHA-256 (the same content is stored once).</param>
/// <param name="Size">The archive's size in bytes.</param>
/// <param name="SavedAt">When it was last saved.</param>
/// <param name="ExpiresAt">When it ends (<c>cache.expires_after</c>, default 30 days after the save).</param>
/// <param name="TaskType">The task that saved it.</param>
/// <param name="JobId">The job run that saved it.</param>
public sealed record CacheDto(string JobType, string Key, string Sha256, long Size, DateTimeOffset SavedAt, DateTimeOffset ExpiresAt, string TaskType, string JobId);
