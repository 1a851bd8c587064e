using System.Data.Common;
using Marten;
using Npgsql;

namespace Workflows.Marten.Schedules;

/// <summary>
/// Schedules' rows and missed instants. Every write is one statement that is right whichever host runs it first:
/// tracking a schedule changes its row only when its expression, zone or version changed; advancing only moves forward;
/// a missed instant is recorded once.
/// </summary>
/// <param name="store">The Workflows Marten store.</param>
public sealed class ScheduleStore(IDocumentStore store)
{
    private readonly string _schema = store.Options.DatabaseSchemaName;

    /// <summary>Every schedule's row, by job type.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyDictionary<string, ScheduleRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"select job_type, cron, time_zone, version, since, paused_at, paused_by from {_schema}.{ScheduleTables.Schedules}";
        var rows = new Dictionary<string, ScheduleRow>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = Read(reader);
            rows[row.JobType] = row;
        }

        return rows;
    }

    /// <summary>
    /// Starts counting a schedule at <paramref name="since"/>, unless it is already counted with this expression, zone
    /// and version (a new definition version starts afresh: its first instant is its next one, with no catch-up).
    /// </summary>
    /// <returns>The schedule's row as stored after the call.</returns>
    public async Task<ScheduleRow> TrackAsync(string jobType, string cron, string? timeZone, int? version, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            insert into {_schema}.{ScheduleTables.Schedules} as s (job_type, cron, time_zone, version, since) values (@type, @cron, @zone, @version, @since)
            on conflict (job_type) do update set cron = excluded.cron, time_zone = excluded.time_zone, version = excluded.version, since = excluded.since
            where (s.cron, s.time_zone, s.version) is distinct from (excluded.cron, excluded.time_zone, excluded.version);
            select job_type, cron, time_zone, version, since, paused_at, paused_by from {_schema}.{ScheduleTables.Schedules} where job_type = @type;
            """;
        command.Parameters.AddWithValue("type", jobType);
        command.Parameters.AddWithValue("cron", cron);
        command.Parameters.AddWithValue("zone", (object?)timeZone ?? DBNull.Value);
        command.Parameters.AddWithValue("version", (object?)version ?? DBNull.Value);
        command.Parameters.AddWithValue("since", since);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return Read(reader);
    }

    /// <summary>Records that the schedule fired <paramref name="instant"/> (its row moves forward only).</summary>
    public async Task AdvanceAsync(string jobType, DateTimeOffset instant, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"update {_schema}.{ScheduleTables.Schedules} set since = @instant where job_type = @type and since < @instant";
        command.Parameters.AddWithValue("type", jobType);
        command.Parameters.AddWithValue("instant", instant);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records instants the schedule did not run, once each.</summary>
    public async Task RecordMissesAsync(string jobType, IReadOnlyList<DateTimeOffset> instants, string reason, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instants);
        if (instants.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            insert into {_schema}.{ScheduleTables.Misses} (job_type, instant, reason, recorded_at)
            select @type, i, @reason, @at from unnest(@instants) i on conflict do nothing
            """;
        command.Parameters.AddWithValue("type", jobType);
        command.Parameters.AddWithValue("reason", reason);
        command.Parameters.AddWithValue("at", at);
        command.Parameters.AddWithValue("instants", instants.Select(i => i.UtcDateTime).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The latest instants a schedule missed (newest first), and how many it has missed in all.</summary>
    public async Task<(IReadOnlyList<MissedInstant> Latest, long Total)> MissesAsync(string jobType, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            select instant, reason, recorded_at, count(*) over () from {_schema}.{ScheduleTables.Misses} where job_type = @type order by instant desc limit @limit
            """;
        command.Parameters.AddWithValue("type", jobType);
        command.Parameters.AddWithValue("limit", limit);
        var list = new List<MissedInstant>();
        long total = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new MissedInstant(reader.GetFieldValue<DateTimeOffset>(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
            total = reader.GetInt64(3);
        }

        return (list, total);
    }

    /// <summary>Pauses a tracked schedule: no instant fires until it is resumed. False when it has no row.</summary>
    public async Task<bool> PauseAsync(string jobType, string? by, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"update {_schema}.{ScheduleTables.Schedules} set paused_at = coalesce(paused_at, @at), paused_by = coalesce(paused_by, @by) where job_type = @type";
        command.Parameters.AddWithValue("type", jobType);
        command.Parameters.AddWithValue("at", at);
        command.Parameters.AddWithValue("by", (object?)by ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>
    /// Resumes a schedule: it counts from <paramref name="at"/>, so the instants of the pause are neither run nor
    /// recorded as missed (they were skipped on purpose). False when it has no row.
    /// </summary>
    public async Task<bool> ResumeAsync(string jobType, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            update {_schema}.{ScheduleTables.Schedules} set since = case when paused_at is null then since else greatest(since, @at) end, paused_at = null, paused_by = null
            where job_type = @type
            """;
        command.Parameters.AddWithValue("type", jobType);
        command.Parameters.AddWithValue("at", at);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private static ScheduleRow Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetInt32(3),
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
        reader.IsDBNull(6) ? null : reader.GetString(6));
}
