using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Executors.Artifacts;
using Workflows.Marten;

namespace Workflows.Hosting;

/// <summary>
/// Every <see cref="WorkflowsOptions.RetentionSweep"/>: collects artifacts and task caches past their <c>expires_after</c>, and archives
/// finished jobs past their retention: the definition's
/// <c>retention_days_for_completed</c>/<c>_failed</c>/<c>_cancelled</c> first, then the host's
/// <see cref="WorkflowsOptions.RetentionByJobType"/> and <see cref="WorkflowsOptions.Retention"/>. Archived streams
/// stay in the database; they are no longer listed or served.
/// </summary>
internal sealed partial class RetentionService(JobStore jobs, IArtifactStore artifacts, IOptions<WorkflowsOptions> options, TimeProvider time, ILogger<RetentionService> logger, Executors.Caches.ICacheStore? caches = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(settings, stoppingToken).ConfigureAwait(false);
                await Task.Delay(settings.RetentionSweep, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                LogSweepFailed(logger, e);
                try
                {
                    await Task.Delay(settings.RetentionSweep, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Archives everything past its retention, in batches.</summary>
    internal async Task SweepAsync(WorkflowsOptions settings, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // Artifacts past their expires_after: records removed, unused blobs deleted.
        while ((await artifacts.CollectExpiredAsync(cancellationToken).ConfigureAwait(false)).Count == ExpiredArtifacts.BatchSize)
        {
        }

        // Caches past their expires_after (default 30 days): pointers removed, archives no artifact or cache uses deleted.
        while (caches is not null && (await caches.CollectExpiredCachesAsync(cancellationToken).ConfigureAwait(false)).Count == Executors.Caches.ExpiredCaches.BatchSize)
        {
        }

        int expired;
        do
        {
            // Definitions that set retention_days_for_completed/_failed/_cancelled: each job knows when it expires.
            expired = await jobs.ArchiveExpiredAsync(now, 500, cancellationToken).ConfigureAwait(false);
            if (expired > 0)
            {
                LogArchived(logger, expired, "(their definitions' retention)", now);
            }
        }
        while (expired == 500);

        foreach (var (jobType, keep) in settings.RetentionByJobType)
        {
            await ArchiveAllAsync(jobType, [], now - keep, cancellationToken).ConfigureAwait(false);
        }

        if (settings.Retention is { } retention)
        {
            await ArchiveAllAsync(null, settings.RetentionByJobType.Keys.ToList(), now - retention, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ArchiveAllAsync(string? jobType, IReadOnlyCollection<string> except, DateTimeOffset before, CancellationToken cancellationToken)
    {
        int archived;
        do
        {
            archived = await jobs.ArchiveEndedBeforeAsync(jobType, except, before, 500, cancellationToken).ConfigureAwait(false);
            if (archived > 0)
            {
                LogArchived(logger, archived, jobType ?? "(all others)", before);
            }
        }
        while (archived == 500);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Archived {Count} finished jobs of {JobType} that ended before {Before:O}.")]
    private static partial void LogArchived(ILogger logger, int count, string jobType, DateTimeOffset before);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Archiving jobs past their retention failed; trying again at the next sweep.")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
