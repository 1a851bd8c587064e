using Marten;
using Workflows.Runtime;

namespace Workflows.Marten;

/// <summary>The notification outbox of the store's jobs.</summary>
public sealed partial class JobStore
{
    /// <summary>The outbox the writer fills with the notifications jobs' events cause (<c>wf_outbox</c>): claims, sends, listing.</summary>
    public Notifications.NotificationOutbox Notifications { get; } = new(store, time);

    /// <summary>
    /// True when the last other job of this job's type to end failed or was cancelled (formicary's last job status of the
    /// type): a job that completes now is "Fixed". Asked only when a job with notify channels completes.
    /// </summary>
    private async Task<bool> PreviousFailedAsync(JobState job, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var previous = await session.Query<JobView>()
            .Where(v => v.JobType == job.Definition!.JobType && v.Id != job.JobId && v.EndedAt != null)
            .OrderByDescending(v => v.EndedAt)
            .Select(v => v.Status)
            .Take(1)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return previous.Count == 1 && previous[0] is JobStatus.Failed or JobStatus.Cancelled;
    }
}
