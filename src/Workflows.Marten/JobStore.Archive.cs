using Marten;
using Marten.Events.Archiving;
using Marten.Services;
using Workflows.Executors.Artifacts;
using Workflows.Runtime;

namespace Workflows.Marten;

/// <summary>Archiving: a deleted or expired job's stream is archived, not destroyed.</summary>
public sealed partial class JobStore
{
    /// <summary>
    /// The job's events in order, also once it was archived (deleted through the API, expired, or a filtered cron job
    /// with <c>DeleteFilteredCronJobs</c>), whose history <see cref="EventsAsync"/> no longer reads.
    /// </summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<JobEvent>> ArchivedEventsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamKey == jobId && e.MaybeArchived())
            .OrderBy(e => e.Version)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return events.Select(e => (JobEvent)e.Data).ToList();
    }

    /// <summary>
    /// Deletes a finished job from view: its stream is archived (kept in the database, no longer listed) and its view
    /// marked. False when the job is not finished (nothing changes).
    /// </summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<bool> ArchiveAsync(string jobId, CancellationToken cancellationToken = default)
    {
        JobView? view;
        await using (var session = store.QuerySession())
        {
            view = await session.LoadAsync<JobView>(jobId, cancellationToken).ConfigureAwait(false);
        }

        if (view is null || view.Status is not (JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled))
        {
            return false;
        }

        if (view.ArchivedAt is null)
        {
            await _writer.ArchiveAsync([view with { ArchivedAt = time.GetUtcNow() }]).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Archives finished jobs that ended before <paramref name="endedBefore"/>: of one job type, or (with
    /// <paramref name="jobType"/> null) of every type except <paramref name="except"/>. At most <paramref name="max"/>
    /// per call; returns how many were archived.
    /// </summary>
    /// <param name="jobType">The job type, or null for all but <paramref name="except"/>.</param>
    /// <param name="except">Job types with a retention of their own.</param>
    /// <param name="endedBefore">The cut-off.</param>
    /// <param name="max">At most this many.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<int> ArchiveEndedBeforeAsync(string? jobType, IReadOnlyCollection<string> except, DateTimeOffset endedBefore, int max = 500, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(except);
        await using var session = store.QuerySession();
        var views = session.Query<JobView>().Where(v => v.ArchivedAt == null && v.EndedAt < endedBefore
            && (v.Status == JobStatus.Completed || v.Status == JobStatus.Failed || v.Status == JobStatus.Cancelled));
        views = jobType is null ? views.Where(v => !v.JobType.IsOneOf(except.ToArray())) : views.Where(v => v.JobType == jobType);
        var due = await views.OrderBy(v => v.EndedAt).Take(max).ToListAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        await _writer.ArchiveAsync(due.Select(v => v with { ArchivedAt = now }).ToList()).ConfigureAwait(false);
        return due.Count;
    }

    /// <summary>Archives finished jobs whose definition's retention ran out before <paramref name="now"/>; returns how many (at most <paramref name="max"/>).</summary>
    /// <param name="now">The time.</param>
    /// <param name="max">At most this many.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<int> ArchiveExpiredAsync(DateTimeOffset now, int max = 500, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        var due = await session.Query<JobView>().Where(v => v.ArchivedAt == null && v.RetainUntil != null && v.RetainUntil < now)
            .OrderBy(v => v.RetainUntil).Take(max).ToListAsync(cancellationToken).ConfigureAwait(false);
        await _writer.ArchiveAsync(due.Select(v => v with { ArchivedAt = now }).ToList()).ConfigureAwait(false);
        return due.Count;
    }
}
