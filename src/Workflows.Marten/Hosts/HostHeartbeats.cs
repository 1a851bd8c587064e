using Marten;
using Npgsql;

namespace Workflows.Marten.Hosts;

/// <summary>A serving process as its last heartbeat saw it.</summary>
/// <param name="Owner">Its lease owner name (the name on the due rows it claims).</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="SeenAt">Its last heartbeat.</param>
/// <param name="Slots">Its execution slots.</param>
/// <param name="Busy">Slots running an attempt at that heartbeat.</param>
/// <param name="Tags">Its tags (configuration <c>Workflows:Tags</c>), lower-cased: it runs tasks whose tags are all among them, and tasks without tags.</param>
public sealed record HostBeat(string Owner, DateTimeOffset StartedAt, DateTimeOffset SeenAt, int Slots, int Busy, IReadOnlyList<string> Tags);

/// <summary>The serving processes' heartbeats (<c>wf_hosts</c>): what the dashboard lists as hosts alive.</summary>
/// <param name="store">The Workflows Marten store.</param>
public sealed class HostHeartbeats(IDocumentStore store)
{
    private readonly string _table = store.Options.DatabaseSchemaName + "." + HostTable.Name;

    /// <summary>Records that <paramref name="beat"/>'s host is alive now, with its slots.</summary>
    /// <param name="beat">The host's heartbeat.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task BeatAsync(HostBeat beat, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(beat);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"""
            insert into {_table} (owner, started_at, seen_at, slots, busy, tags) values ($1, $2, $3, $4, $5, $6)
            on conflict (owner) do update set seen_at = excluded.seen_at, slots = excluded.slots, busy = excluded.busy, tags = excluded.tags
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = beat.Owner });
        command.Parameters.Add(new NpgsqlParameter { Value = beat.StartedAt });
        command.Parameters.Add(new NpgsqlParameter { Value = beat.SeenAt });
        command.Parameters.Add(new NpgsqlParameter { Value = beat.Slots });
        command.Parameters.Add(new NpgsqlParameter { Value = beat.Busy });
        command.Parameters.Add(new NpgsqlParameter { Value = TaskTags.Normalize(beat.Tags), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Varchar });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a stopping host's row.</summary>
    /// <param name="owner">Its lease owner name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task ForgetAsync(string owner, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"delete from {_table} where owner = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = owner });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The hosts seen at or after <paramref name="since"/>, by owner name.</summary>
    /// <param name="since">The oldest heartbeat that counts as alive.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<HostBeat>> AliveAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"select owner, started_at, seen_at, slots, busy, tags from {_table} where seen_at >= $1 order by owner", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = since });
        var hosts = new List<HostBeat>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            hosts.Add(new HostBeat(
                reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetInt32(3), reader.GetInt32(4),
                reader.IsDBNull(5) ? [] : reader.GetFieldValue<string[]>(5)));
        }

        return hosts;
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }
}
