namespace Workflows.Executors.Artifacts;

/// <summary>Where tasks' artifacts are kept: content-addressed blobs plus a record per artifact.</summary>
public interface IArtifactStore
{
    /// <summary>Stores one file a task produced.</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="taskType">The task.</param>
    /// <param name="attempt">The attempt.</param>
    /// <param name="name">The path relative to the task's working directory, with '/' separators.</param>
    /// <param name="content">The bytes (read to the end).</param>
    /// <param name="expiresAfter">How long to keep it; null = until deleted.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<ArtifactInfo> SaveAsync(string jobId, string taskType, int attempt, string name, Stream content, TimeSpan? expiresAfter, CancellationToken cancellationToken);

    /// <summary>The artifacts of a job, optionally of one task, in name order; the latest attempt's wins for a task.</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="taskType">Only this task's, or all when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<IReadOnlyList<ArtifactInfo>> ListAsync(string jobId, string? taskType, CancellationToken cancellationToken);

    /// <summary>Opens an artifact's content.</summary>
    /// <param name="artifact">The artifact.</param>
    /// <exception cref="FileNotFoundException">Its blob is gone (expired and collected).</exception>
    Stream OpenRead(ArtifactInfo artifact);

    /// <summary>
    /// Removes the artifacts past their expiry (at most 500 a call; call again while <see cref="ExpiredArtifacts.Count"/>
    /// is 500) and the content nothing else uses.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<ExpiredArtifacts> CollectExpiredAsync(CancellationToken cancellationToken);
}

/// <summary>What one collection of expired artifacts removed.</summary>
/// <param name="Count">How many artifact records.</param>
/// <param name="Bytes">Their total size.</param>
public sealed record ExpiredArtifacts(int Count, long Bytes)
{
    /// <summary>The most records one call removes.</summary>
    public const int BatchSize = 500;
}
