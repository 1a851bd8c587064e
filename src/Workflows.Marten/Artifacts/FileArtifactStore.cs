using System.Security.Cryptography;
using Marten;
using Workflows.Executors.Artifacts;
using Workflows.Executors.Caches;

namespace Workflows.Marten.Artifacts;

/// <summary>
/// Artifacts on the filesystem, content-addressed (<c>{root}/sha256/ab/abcdef…</c>: the same bytes are stored once),
/// with one Marten document per artifact (job, task, attempt, name, hash, size, expiry), written after the blob so a
/// record never points at a missing file. Task caches share the blobs (<see cref="ICacheStore"/>): a blob is deleted
/// only when no artifact and no cache uses it.
/// </summary>
/// <param name="store">The Marten store holding the records.</param>
/// <param name="root">The folder of the blobs.</param>
/// <param name="time">The clock (creation and expiry times).</param>
public sealed partial class FileArtifactStore(IDocumentStore store, string root, TimeProvider time) : IArtifactStore, ICacheStore
{
    /// <inheritdoc />
    public async Task<ArtifactInfo> SaveAsync(string jobId, string taskType, int attempt, string name, Stream content, TimeSpan? expiresAfter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var (hash, size) = await WriteBlobAsync(content, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var info = new ArtifactInfo($"{jobId}/{taskType}/{attempt}/{name}", jobId, taskType, attempt, name, hash, size, now, now + expiresAfter);
        await using var session = store.LightweightSession();
        session.Store(info);
        await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return info;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ArtifactInfo>> ListAsync(string jobId, string? taskType, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var records = taskType is null
            ? await session.Query<ArtifactInfo>().Where(a => a.JobId == jobId).ToListAsync(cancellationToken).ConfigureAwait(false)
            : await session.Query<ArtifactInfo>().Where(a => a.JobId == jobId && a.TaskType == taskType).ToListAsync(cancellationToken).ConfigureAwait(false);
        return records
            .GroupBy(a => (a.TaskType, a.Name))
            .Select(g => g.MaxBy(a => a.Attempt)!)
            .OrderBy(a => a.TaskType, StringComparer.Ordinal).ThenBy(a => a.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <inheritdoc />
    public Stream OpenRead(ArtifactInfo artifact)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        var path = BlobPath(artifact.Sha256);
        return File.Exists(path)
            ? File.OpenRead(path)
            : throw new FileNotFoundException($"The content of artifact '{artifact.Name}' of task '{artifact.TaskType}' (sha256 {artifact.Sha256}) is no longer stored; it may have expired.", path);
    }

    /// <summary>
    /// Removes the records of artifacts past their expiry (at most 500 a call), and the blobs no other record uses and
    /// nobody wrote or reused within the last hour.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ExpiredArtifacts> CollectExpiredAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var session = store.LightweightSession();
        var expired = await session.Query<ArtifactInfo>().Where(a => a.ExpiresAt != null && a.ExpiresAt < now).Take(ExpiredArtifacts.BatchSize).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (expired.Count == 0)
        {
            return new ExpiredArtifacts(0, 0);
        }

        foreach (var artifact in expired)
        {
            session.Delete<ArtifactInfo>(artifact.Id);
        }

        await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var hash in expired.Select(a => a.Sha256).Distinct(StringComparer.Ordinal))
        {
            await DeleteUnusedBlobAsync(session, hash, now, cancellationToken).ConfigureAwait(false);
        }

        return new ExpiredArtifacts(expired.Count, expired.Sum(a => a.Size));
    }

    /// <summary>Stores <paramref name="content"/> as the blob of its SHA-256 (once per content) and marks it in use now.</summary>
    private async Task<(string Hash, long Size)> WriteBlobAsync(Stream content, CancellationToken cancellationToken)
    {
        var incoming = Path.Combine(root, "incoming");
        Directory.CreateDirectory(incoming);
        var temporary = Path.Combine(incoming, Guid.NewGuid().ToString("N"));
        string hash;
        long size;
        try
        {
            using (var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                await using var file = File.Create(temporary);
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hasher.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                size = file.Length;
                hash = Convert.ToHexStringLower(hasher.GetHashAndReset());
            }

            var blob = BlobPath(hash);
            Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
            if (!File.Exists(blob))
            {
                File.Move(temporary, blob, overwrite: true);
            }

            // Marks the blob as in use now: the collector leaves blobs written or reused within the last hour alone,
            // so a save racing a collection never loses its content.
            File.SetLastWriteTimeUtc(blob, time.GetUtcNow().UtcDateTime);
        }
        finally
        {
            File.Delete(temporary);
        }

        return (hash, size);
    }

    /// <summary>A blob written or reused this recently is never deleted (a save may be about to point at it).</summary>
    private static readonly TimeSpan BlobGrace = TimeSpan.FromHours(1);

    /// <summary>Deletes a blob no artifact and no cache uses and nobody wrote or reused within <see cref="BlobGrace"/>.</summary>
    private async Task DeleteUnusedBlobAsync(IQuerySession session, string hash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var blob = BlobPath(hash);
        if (File.Exists(blob)
            && File.GetLastWriteTimeUtc(blob) < (now - BlobGrace).UtcDateTime
            && !await session.Query<ArtifactInfo>().AnyAsync(a => a.Sha256 == hash, cancellationToken).ConfigureAwait(false)
            && !await session.Query<CacheEntry>().AnyAsync(c => c.Sha256 == hash, cancellationToken).ConfigureAwait(false))
        {
            File.Delete(blob);
        }
    }

    private string BlobPath(string hash) => Path.Combine(root, "sha256", hash[..2], hash);
}
