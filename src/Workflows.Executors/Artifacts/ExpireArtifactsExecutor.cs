using System.Globalization;
using Workflows.Definitions;
using Workflows.Executors.Logs;

namespace Workflows.Executors.Artifacts;

/// <summary>
/// <c>EXPIRE_ARTIFACTS</c>: collects every artifact and task cache past its <c>expires_after</c> now (the retention
/// sweep does it hourly too) and sets the outputs <c>TotalExpired</c> (artifacts and caches removed: formicary keeps a
/// cache as an artifact) and <c>TotalSize</c> (their bytes) for the tasks after it, as formicary's housekeeping task does.
/// </summary>
public sealed class ExpireArtifactsExecutor : ITaskExecutor
{
    /// <inheritdoc />
    public IReadOnlyCollection<TaskMethod> Methods { get; } = [TaskMethod.ExpireArtifacts];

    /// <inheritdoc />
    public async Task<TaskOutcome> RunAsync(TaskExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        long count = 0;
        long bytes = 0;
        ExpiredArtifacts batch;
        do
        {
            batch = await execution.Artifacts.CollectExpiredAsync(cancellationToken).ConfigureAwait(false);
            count += batch.Count;
            bytes += batch.Bytes;
        }
        while (batch.Count == ExpiredArtifacts.BatchSize);

        execution.Log.Write(LogSource.System, $"expired {count} artifacts ({bytes} bytes)");
        if (execution.Caches is { } caches)
        {
            long cacheCount = 0;
            long cacheBytes = 0;
            Caches.ExpiredCaches cacheBatch;
            do
            {
                cacheBatch = await caches.CollectExpiredCachesAsync(cancellationToken).ConfigureAwait(false);
                cacheCount += cacheBatch.Count;
                cacheBytes += cacheBatch.Bytes;
            }
            while (cacheBatch.Count == Caches.ExpiredCaches.BatchSize);

            execution.Log.Write(LogSource.System, $"expired {cacheCount} caches ({cacheBytes} bytes)");
            count += cacheCount;
            bytes += cacheBytes;
        }

        return TaskOutcome.Exited(0) with
        {
            Outputs = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["TotalExpired"] = count.ToString(CultureInfo.InvariantCulture),
                ["TotalSize"] = bytes.ToString(CultureInfo.InvariantCulture),
            },
        };
    }
}
