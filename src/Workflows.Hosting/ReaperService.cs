using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Marten;
using Workflows.Runtime;

namespace Workflows.Hosting;

/// <summary>
/// Cancels jobs queued for longer than <see cref="WorkflowsOptions.ReapQueuedAfter"/> past their due time, with the
/// reason on the <c>job_cancelled</c> event. (A job here is queued in the transaction that creates it, so the seed
/// design's "created but never queued" state cannot occur.)
/// </summary>
internal sealed partial class ReaperService(JobStore jobs, IOptions<WorkflowsOptions> options, TimeProvider time, ILogger<ReaperService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.ReapQueuedAfter is not { } limit)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(limit, stoppingToken).ConfigureAwait(false);
                await Task.Delay(settings.ReaperSweep, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(logger, e);
                try
                {
                    await Task.Delay(settings.ReaperSweep, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Cancels every job queued for longer than <paramref name="limit"/> past its due time; returns how many.</summary>
    internal async Task<int> SweepAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var reason = $"reaped: still queued {limit.TotalDays.ToString("0.###", CultureInfo.InvariantCulture)} days after it was due (Workflows:ReapQueuedAfter)";
        var reaped = 0;
        IReadOnlyList<string> due;
        do
        {
            due = await jobs.QueuedSinceAsync(time.GetUtcNow() - limit, 500, cancellationToken).ConfigureAwait(false);
            foreach (var id in due)
            {
                try
                {
                    if ((await jobs.ExecuteAsync(id, new CancelJob(reason), cancellationToken).ConfigureAwait(false)).Count > 0)
                    {
                        reaped++;
                        LogReaped(logger, id, reason);
                    }
                }
                catch (JobConcurrencyException)
                {
                    // A worker started it just now: it is not stuck.
                }
            }
        }
        while (due.Count == 500);
        return reaped;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} cancelled: {Reason}.")]
    private static partial void LogReaped(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The reaper failed; it looks again at its next sweep.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
