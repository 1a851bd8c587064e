using Marten;
using Npgsql;
using NpgsqlTypes;
using Workflows.Runtime;

namespace Workflows.Marten.Notifications;

/// <summary>
/// The notification outbox (<c>wf_outbox</c>) as the dispatcher and the API see it. Rows are written by the job writer in
/// the transaction of the events that cause them; here they are claimed with a lease (<c>FOR UPDATE SKIP LOCKED</c>, so
/// hosts share the work and a dead host's claims come back when their lease lapses), their sends recorded, and listed.
/// </summary>
/// <param name="store">The Marten store (its connection, schema and serializer).</param>
/// <param name="time">The clock.</param>
public sealed class NotificationOutbox(IDocumentStore store, TimeProvider time)
{
    private readonly ISerializer _serializer = store.Options.Serializer();

    private string Table => store.Options.DatabaseSchemaName + "." + OutboxTable.Name;

    /// <summary>Claims up to <paramref name="max"/> due notifications for <paramref name="owner"/>, oldest due first.</summary>
    /// <param name="owner">The claiming host.</param>
    /// <param name="lease">How long the claim holds.</param>
    /// <param name="max">The most rows.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<ClaimedNotification>> ClaimAsync(string owner, TimeSpan lease, int max, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var until = now + lease;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"""
            update {Table} o set lease_until = $1, owner = $2
            from (select id from {Table}
                  where status = '{OutboxTable.Pending}' and due_at <= $3 and (lease_until is null or lease_until < $3)
                  order by due_at, seq limit $4 for update skip locked) c
            where o.id = c.id
            returning o.id, o.payload::text, o.attempts
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = until });
        command.Parameters.Add(new NpgsqlParameter { Value = owner });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = max });
        var claimed = new List<ClaimedNotification>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var notification = _serializer.FromJson<Notification>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(reader.GetString(1))));
            claimed.Add(new ClaimedNotification(reader.GetGuid(0), notification, reader.GetInt32(2) + 1, until));
        }

        return claimed;
    }

    /// <summary>Records a successful send: the row is done.</summary>
    /// <param name="claim">The claim.</param>
    /// <param name="owner">The host that sent it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task RecordSentAsync(ClaimedNotification claim, string owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var now = time.GetUtcNow();
        return RecordAsync(claim, owner, new NotificationSend(claim.Attempt, now, true, null, owner), OutboxTable.Sent, now, cancellationToken);
    }

    /// <summary>Records a failed send: the row is due again at <paramref name="retryAt"/>, or given up when that is null.</summary>
    /// <param name="claim">The claim.</param>
    /// <param name="owner">The host that tried.</param>
    /// <param name="error">Why it failed, already masked.</param>
    /// <param name="retryAt">When to try again; null to give up.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task RecordFailedAsync(ClaimedNotification claim, string owner, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var now = time.GetUtcNow();
        return RecordAsync(claim, owner, new NotificationSend(claim.Attempt, now, false, error, owner), retryAt is null ? OutboxTable.Failed : OutboxTable.Pending, retryAt ?? now, cancellationToken);
    }

    private async Task RecordAsync(ClaimedNotification claim, string owner, NotificationSend send, string status, DateTimeOffset dueOrSentAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // Kept to the claiming host: one whose lease lapsed (and whose row another host took) records nothing.
        await using var command = new NpgsqlCommand($"""
            update {Table} set status = $1, attempts = $2, lease_until = null, owner = null,
              sent_at = case when $1 = '{OutboxTable.Sent}' then $3 else sent_at end,
              due_at = case when $1 = '{OutboxTable.Pending}' then $3 else due_at end,
              last_error = coalesce($4, last_error), sends = sends || jsonb_build_array($5::jsonb)
            where id = $6 and owner = $7
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = status });
        command.Parameters.Add(new NpgsqlParameter { Value = claim.Attempt });
        command.Parameters.Add(new NpgsqlParameter { Value = dueOrSentAt });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)send.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = _serializer.ToJson(send), NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = claim.Id });
        command.Parameters.Add(new NpgsqlParameter { Value = owner });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A job's notifications, in the order their events happened, with every send.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<NotificationRecord>> ListAsync(string jobId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"""
            select id, job_id, channel, state, task_type, recipient, status, attempts, created_at, due_at, sent_at, last_error, sends::text
            from {Table} where job_id = $1 order by seq
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = jobId });
        var records = new List<NotificationRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var sends = _serializer.FromJson<List<NotificationSend>>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(reader.GetString(12))));
            records.Add(new NotificationRecord(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), Text(reader, 4), Text(reader, 5), reader.GetString(6),
                reader.GetInt32(7), reader.GetFieldValue<DateTimeOffset>(8), reader.GetFieldValue<DateTimeOffset>(9),
                reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10), Text(reader, 11), sends));
        }

        return records;
    }

    private static string? Text(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }
}
