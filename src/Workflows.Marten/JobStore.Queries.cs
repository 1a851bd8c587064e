using Marten;
using Marten.Services;
using Workflows.Executors.Artifacts;
using Workflows.Runtime;

namespace Workflows.Marten;

/// <summary>Reads: the job view, lists, counts, children, states and event streams.</summary>
public sealed partial class JobStore
{
    /// <summary>How much due work no worker has claimed (queued job starts, attempts, retries and polls that are due now).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<long> CountDueAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"select count(*) from {store.Options.DatabaseSchemaName}.{DueTasks.TableName} where due_at <= @now and (lease_until is null or lease_until <= @now)";
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The job's view, or null.</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<JobView?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<JobView>(jobId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Job views matching the query, newest first, and how many match in all; archived (deleted) jobs are not listed.</summary>
    /// <param name="query">Filter and page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<(IReadOnlyList<JobView> Jobs, long Total)> ListAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var session = store.QuerySession();
        var views = session.Query<JobView>().Where(v => v.ArchivedAt == null);
        if (query.Status is { } status)
        {
            views = views.Where(v => v.Status == status);
        }

        if (query.JobType is { } type)
        {
            views = views.Where(v => v.JobType == type);
        }

        if (query.SubmittedBy is { } by)
        {
            views = views.Where(v => v.SubmittedBy == by);
        }

        if (query.CreatedFrom is { } from)
        {
            views = views.Where(v => v.CreatedAt >= from);
        }

        if (query.CreatedTo is { } to)
        {
            views = views.Where(v => v.CreatedAt < to);
        }

        var total = await views.LongCountAsync(cancellationToken).ConfigureAwait(false);
        var page = await views.OrderByDescending(v => v.CreatedAt).ThenByDescending(v => v.Id)
            .Skip(Math.Max(0, query.Offset)).Take(Math.Clamp(query.Limit, 1, 500))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return (page, total);
    }

    /// <summary>Queued jobs that were due (requested, or scheduled for) before <paramref name="dueBefore"/>, oldest first.</summary>
    /// <param name="dueBefore">The cut-off.</param>
    /// <param name="max">At most this many.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<string>> QueuedSinceAsync(DateTimeOffset dueBefore, int max = 500, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        return await session.Query<JobView>()
            .Where(v => v.Status == JobStatus.Queued && v.CreatedAt < dueBefore && (v.ScheduledAt == null || v.ScheduledAt < dueBefore))
            .OrderBy(v => v.CreatedAt).Take(max).Select(v => v.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The jobs a batch parent forked (retries of children included), oldest first.</summary>
    /// <param name="parentJobId">The parent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<JobView>> ChildrenAsync(string parentJobId, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        return await session.Query<JobView>().Where(v => v.ParentJobId == parentJobId).OrderBy(v => v.CreatedAt).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The job's state, folded from its stream (what a worker needs to run an attempt: definition, params, attempts).</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<JobState> StateAsync(string jobId, CancellationToken cancellationToken = default) =>
        JobDecider.Fold(await EventsAsync(jobId, cancellationToken).ConfigureAwait(false));

    /// <summary>The job's events, in order (its full history).</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<JobEvent>> EventsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        var stream = await session.Events.FetchStreamAsync(jobId, token: cancellationToken).ConfigureAwait(false);
        return stream.Select(e => (JobEvent)e.Data).ToList();
    }

    /// <summary>
    /// The lineages of these roots from the job views, in ONE query (the views carry their root in an indexed column):
    /// each root's jobs, the root first, then its retries in the order they were made.
    /// </summary>
    /// <param name="rootIds">The lineages' roots.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<JobView>>> LineagesAsync(IReadOnlyCollection<string> rootIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rootIds);
        var roots = rootIds.ToArray();
        await using var session = store.QuerySession();
        var views = await session.Query<JobView>().Where(v => v.Id.IsOneOf(roots) || v.RetryRoot.IsOneOf(roots)).ToListAsync(cancellationToken).ConfigureAwait(false);
        return views.GroupBy(v => v.RetryRoot ?? v.Id).ToDictionary(
            g => g.Key,
            g => (IReadOnlyList<JobView>)g.OrderBy(v => v.RetryRoot is null ? 0 : 1).ThenBy(v => v.CreatedAt).ThenBy(v => v.Id, StringComparer.Ordinal).ToList(),
            StringComparer.Ordinal);
    }

    /// <summary>A page of the roots that have been retried, the most recently changed lineage first, and how many there are.</summary>
    /// <param name="offset">Lineages to skip.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<(IReadOnlyList<string> Roots, long Total)> RetriedRootsAsync(int offset, int limit, CancellationToken cancellationToken = default)
    {
        var table = $"{store.Options.DatabaseSchemaName}.{Writing.MartenTables.JobViews}";
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new Npgsql.NpgsqlBatch(connection);
        var page = new Npgsql.NpgsqlBatchCommand($"select retry_root from {table} where retry_root is not null group by retry_root order by max(mt_last_modified) desc, retry_root offset $1 limit $2");
        page.Parameters.Add(new Npgsql.NpgsqlParameter { Value = offset });
        page.Parameters.Add(new Npgsql.NpgsqlParameter { Value = limit });
        batch.BatchCommands.Add(page);
        batch.BatchCommands.Add(new Npgsql.NpgsqlBatchCommand($"select count(distinct retry_root) from {table} where retry_root is not null"));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var roots = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            roots.Add(reader.GetString(0));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (roots, reader.GetInt64(0));
    }
}
