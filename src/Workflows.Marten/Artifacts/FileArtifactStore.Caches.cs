using System.Security.Cryptography;
using System.Text;
using Marten;
using Workflows.Executors.Caches;

namespace Workflows.Marten.Artifacts;

/// <summary>
/// Task caches in the artifacts' blob folder: each archive is a blob named by its SHA-256 (stored once however many
/// keys point at it), and each (job type, key) is one <see cref="CacheEntry"/> document pointing at its newest archive.
/// </summary>
public sealed partial class FileArtifactStore
{
    /// <inheritdoc />
    public async Task<CacheEntry?> FindAsync(string jobType, string key, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var entry = await session.LoadAsync<CacheEntry>(CacheId(jobType, key), cancellationToken).ConfigureAwait(false);
        return entry is not null && entry.ExpiresAt > time.GetUtcNow() ? entry : null;
    }

    /// <inheritdoc />
    public Stream OpenRead(CacheEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var path = BlobPath(entry.Sha256);
        return File.Exists(path)
            ? File.OpenRead(path)
            : throw new FileNotFoundException($"The archive of cache '{entry.Key}' of job type '{entry.JobType}' (sha256 {entry.Sha256}) is no longer stored; it may have expired.", path);
    }

    /// <inheritdoc />
    public async Task<CacheEntry> SaveAsync(string jobType, string key, string taskType, string jobId, Stream archive, TimeSpan expiresAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var (hash, size) = await WriteBlobAsync(archive, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var entry = new CacheEntry(CacheId(jobType, key), jobType, key, hash, size, now, now + expiresAfter, taskType, jobId);
        await using var session = store.LightweightSession();
        var previous = await session.LoadAsync<CacheEntry>(entry.Id, cancellationToken).ConfigureAwait(false);
        if (previous is not null && previous.Sha256 != hash)
        {
            // The archive it pointed at may now be used by nothing: kept as an entry that expires once the blob's grace
            // is over, so a collection deletes it then (once no artifact or cache uses it). Expired at once, a sweep
            // within the grace dropped the entry and kept the blob, which nothing pointed at any more.
            session.Store(previous with { Id = previous.Id + ReplacedMark + previous.Sha256, ExpiresAt = now + BlobGrace });
        }

        session.Store(entry);
        await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return entry;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CacheEntry>> ListCachesAsync(string? jobType, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var session = store.QuerySession();
        var entries = jobType is null
            ? await session.Query<CacheEntry>().Where(c => c.ExpiresAt > now && !c.Id.Contains(ReplacedMark)).ToListAsync(cancellationToken).ConfigureAwait(false)
            : await session.Query<CacheEntry>().Where(c => c.JobType == jobType && c.ExpiresAt > now && !c.Id.Contains(ReplacedMark)).ToListAsync(cancellationToken).ConfigureAwait(false);
        return entries.OrderBy(c => c.JobType, StringComparer.Ordinal).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
    }

    /// <inheritdoc />
    public async Task<ExpiredCaches> CollectExpiredCachesAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var session = store.LightweightSession();
        var expired = await session.Query<CacheEntry>().Where(c => c.ExpiresAt <= now).Take(ExpiredCaches.BatchSize).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (expired.Count == 0)
        {
            return new ExpiredCaches(0, 0);
        }

        foreach (var entry in expired)
        {
            session.Delete<CacheEntry>(entry.Id);
        }

        await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var hash in expired.Select(c => c.Sha256).Distinct(StringComparer.Ordinal))
        {
            await DeleteUnusedBlobAsync(session, hash, now, cancellationToken).ConfigureAwait(false);
        }

        return new ExpiredCaches(expired.Count, expired.Sum(c => c.Size));
    }

    /// <summary>Marks the id of a replaced archive's entry, kept only until it is collected (never listed or restored).</summary>
    private const string ReplacedMark = "@";

    /// <summary>The document id of (job type, key): a hash, so no job type and key pair can spell another's.</summary>
    private static string CacheId(string jobType, string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(jobType + "\n" + key)));
}
