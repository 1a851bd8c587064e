using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Workflows.Marten;
using Workflows.Runtime;

namespace Workflows.Dashboard.Reading;

/// <summary>
/// The dashboard's reads over the job views that the API has no list for: counts for the overview, the keyset-paged
/// jobs list with its text filter, and the workers' leases. Read-only SQL over the same tables the job store writes;
/// no rule is decided here. The job list orders by the indexed creation time and id and seeks past the last row of
/// the page before, so page N costs what page 1 does.
/// </summary>
internal sealed class DashboardQueries([FromKeyedServices(WorkflowsServiceCollectionExtensions.StoreKey)] IDocumentStore store, JobStore jobs, TimeProvider time, Workflows.Marten.Hosts.HostHeartbeats heartbeats)
{
    /// <summary>The expression Marten's index on <c>JobView.CreatedAt</c> is built on: queries must say it the same way to use the index.</summary>
    private string Created => $"{Schema}.mt_immutable_timestamptz(d.data ->> 'CreatedAt')";

    private string Schema => store.Options.DatabaseSchemaName;

    private string Views => $"{Schema}.mt_doc_jobview";

    public sealed record JobPage(IReadOnlyList<JobView> Jobs, string? TotalText, DateTimeOffset? NextCreated, string? NextId);

    /// <summary>A page of jobs, newest first, after the filter's cursor.</summary>
    public async Task<JobPage> JobsAsync(JobFilter filter, CancellationToken cancellationToken, bool count = true)
    {
        var (where, parameters) = Where(filter);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var ids = new List<(string Id, DateTimeOffset Created)>();
        // The plain bound lets the single-column index on the creation time seek; the row comparison breaks ties by id.
        var seek = filter.AfterCreated is { } after && filter.AfterId is { } afterId
            ? $" and {Created} <= ${parameters.Count + 1} and ({Created}, d.id) < (${parameters.Count + 1}, ${parameters.Count + 2})"
            : string.Empty;
        await using (var command = new NpgsqlCommand($"select d.id, {Created} from {Views} d where {where}{seek} order by {Created} desc, d.id desc limit {filter.Limit + 1}", connection))
        {
            command.Parameters.AddRange(parameters.Select(p => new NpgsqlParameter { Value = p }).ToArray());
            if (seek.Length > 0)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = filter.AfterCreated!.Value });
                command.Parameters.Add(new NpgsqlParameter { Value = filter.AfterId! });
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                ids.Add((reader.GetString(0), reader.IsDBNull(1) ? DateTimeOffset.MinValue : reader.GetFieldValue<DateTimeOffset>(1)));
            }
        }

        // At most 10,001 rows are counted: past that the page says "more than 10,000" instead of scanning them all.
        string? total = null;
        if (count)
        {
            await using var counting = new NpgsqlCommand($"select count(*) from (select 1 from {Views} d where {where} limit 10001) c", connection);
            counting.Parameters.AddRange(parameters.Select(p => new NpgsqlParameter { Value = p }).ToArray());
            var n = (long)(await counting.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            total = n > 10000 ? "more than 10,000" : Rendering.Html.N(n);
        }

        var more = ids.Count > filter.Limit;
        var pageIds = ids.Take(filter.Limit).ToList();
        await using var session = store.QuerySession();
        var loaded = (await session.LoadManyAsync<JobView>(cancellationToken, pageIds.Select(i => i.Id).ToArray()).ConfigureAwait(false)).ToDictionary(v => v.Id, StringComparer.Ordinal);
        var views = pageIds.Where(i => loaded.ContainsKey(i.Id)).Select(i => loaded[i.Id]).ToList();
        return new JobPage(views, total, more ? pageIds[^1].Created : null, more ? pageIds[^1].Id : null);
    }

    private (string Where, List<object> Parameters) Where(JobFilter filter)
    {
        var clauses = new List<string> { "d.data ->> 'ArchivedAt' is null" };
        var parameters = new List<object>();
        string Next(object value)
        {
            parameters.Add(value);
            return "$" + parameters.Count;
        }

        if (filter.Status is { } status)
        {
            clauses.Add($"d.status = {Next(status.ToString())}");
        }

        if (filter.JobType is { } type)
        {
            clauses.Add($"d.job_type = {Next(type)}");
        }

        if (filter.SubmittedBy is { } by)
        {
            clauses.Add($"d.data ->> 'SubmittedBy' = {Next(by)}");
        }

        if (filter.From is { } from)
        {
            clauses.Add($"{Created} >= {Next(from)}");
        }

        if (filter.To is { } to)
        {
            clauses.Add($"{Created} < {Next(to)}");
        }

        if (filter.Text is { } text)
        {
            // Text anywhere in the params (names or values), case-insensitive; LIKE's own wildcards in the text are matched literally.
            var escaped = text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
            clauses.Add($"(d.data -> 'Params')::text ilike {Next("%" + escaped + "%")}");
        }

        return (string.Join(" and ", clauses), parameters);
    }

    public sealed record Overview(
        IReadOnlyDictionary<JobStatus, long> ByState,
        IReadOnlyList<(string JobType, JobStatus Status, long Count)> ByType,
        IReadOnlyList<(DateTimeOffset Hour, long Completed, long Failed)> Throughput,
        IReadOnlyList<(string JobType, long Failed, string? LastError, DateTimeOffset? LastFailedAt)> Failing,
        IReadOnlyList<(string Owner, long Leases, DateTimeOffset Until)> Workers,
        long DueUnclaimed)
    {
        /// <summary>The hosts alive: a heartbeat within <see cref="AliveWithin"/> (every serving host beats every 5 s).</summary>
        public IReadOnlyList<Workflows.Marten.Hosts.HostBeat> Hosts { get; init; } = [];
    }

    /// <summary>How recent a host's heartbeat must be for it to count as alive (six of its 5-second beats): the store's, which also says which tasks wait for tags no live host has.</summary>
    public static readonly TimeSpan AliveWithin = JobStore.HostAliveWithin;

    /// <summary>Counts by state and type, the last 24 hours' throughput by hour, the job types that failed in that time, and the leases workers hold.</summary>
    public async Task<Overview> OverviewAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var since = now.AddHours(-24);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"select job_type, status, count(*) from {Views} d where d.data ->> 'ArchivedAt' is null group by 1, 2 order by 1, 2"));
        var ended = "(d.data ->> 'EndedAt')::timestamptz";
        var hourly = new NpgsqlBatchCommand(
            $"select date_trunc('hour', {ended}) h, count(*) filter (where status = 'Completed'), count(*) filter (where status = 'Failed') " +
            $"from {Views} d where {Created} >= $1 - interval '7 days' and status in ('Completed', 'Failed') and {ended} >= $1 group by 1 order by 1");
        hourly.Parameters.Add(new NpgsqlParameter { Value = since });
        batch.BatchCommands.Add(hourly);
        var failing = new NpgsqlBatchCommand(
            $"select job_type, count(*), (array_agg(d.data ->> 'ErrorCode' order by {ended} desc))[1], max({ended}) " +
            $"from {Views} d where {Created} >= $1 - interval '7 days' and status = 'Failed' and {ended} >= $1 group by 1 order by 2 desc limit 10");
        failing.Parameters.Add(new NpgsqlParameter { Value = since });
        batch.BatchCommands.Add(failing);
        var leases = new NpgsqlBatchCommand($"select coalesce(owner, '?'), count(*), max(lease_until) from {Schema}.wf_due_tasks where lease_until > $1 group by 1 order by 1");
        leases.Parameters.Add(new NpgsqlParameter { Value = now });
        batch.BatchCommands.Add(leases);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);

        var byType = new List<(string, JobStatus, long)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Enum.TryParse<JobStatus>(reader.GetString(1), out var status))
            {
                byType.Add((reader.IsDBNull(0) ? string.Empty : reader.GetString(0), status, reader.GetInt64(2)));
            }
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var throughput = new List<(DateTimeOffset, long, long)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throughput.Add((reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var failed = new List<(string, long, string?, DateTimeOffset?)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            failed.Add((reader.GetString(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3)));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var workers = new List<(string, long, DateTimeOffset)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            workers.Add((reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2)));
        }

        await reader.DisposeAsync().ConfigureAwait(false);
        var due = await jobs.CountDueAsync(cancellationToken).ConfigureAwait(false);
        var hosts = await heartbeats.AliveAsync(now - AliveWithin, cancellationToken).ConfigureAwait(false);
        var byState = byType.GroupBy(t => t.Item2).ToDictionary(g => g.Key, g => g.Sum(t => t.Item3));
        return new Overview(byState, byType, throughput, failed, workers, due) { Hosts = hosts };
    }

    /// <summary>A fingerprint of what a jobs page shows (ids and versions of its rows): the live feed sends the page again when it changes.</summary>
    public static string Fingerprint(IEnumerable<JobView> views) => string.Join(',', views.Select(v => v.Id + ":" + v.Version));

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }
}
