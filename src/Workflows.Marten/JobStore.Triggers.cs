using Workflows.Marten.Triggers;

namespace Workflows.Marten;

/// <summary>Event-trigger state (rate-limit windows, dedup keys), enforced by the database so that two hosts agree.</summary>
public sealed partial class JobStore
{
    /// <summary>
    /// Counts one event against a trigger's rate limit, atomically (one upsert; concurrent events queue on the row):
    /// the window restarts at now when the last one is <paramref name="window"/> old, as formicary's does.
    /// </summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="trigger">The trigger's name.</param>
    /// <param name="max">At most this many events per window.</param>
    /// <param name="window">The window.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the event is within the limit; false when the window's limit is used up.</returns>
    public async Task<bool> TryCountTriggerEventAsync(string jobType, string trigger, int max, TimeSpan window, CancellationToken cancellationToken = default)
    {
        var table = $"{store.Options.DatabaseSchemaName}.{TriggerTables.Windows}";
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"""
            insert into {table} as w (job_type, trigger_name, window_start, hits) values (@type, @trigger, @now, 1)
            on conflict (job_type, trigger_name) do update set
              window_start = case when w.window_start <= @expired then @now else w.window_start end,
              hits = case when w.window_start <= @expired then 1 else w.hits + 1 end
            returning hits
            """;
        var now = time.GetUtcNow();
        command.Parameters.AddWithValue("type", jobType);
        command.Parameters.AddWithValue("trigger", trigger);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("expired", now - window);
        var hits = (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return hits <= max;
    }

    /// <summary>
    /// Claims a dedup key for a job about to be submitted by a trigger (primary key: job type and key, so two hosts
    /// cannot both claim it).
    /// </summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="dedupKey">The rendered dedup key.</param>
    /// <param name="trigger">The trigger's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Claimed: true when this call took the key. Otherwise the job the key was used for (null while it is being submitted).</returns>
    public async Task<(bool Claimed, string? JobId)> ClaimTriggerDedupAsync(string jobType, string dedupKey, string trigger, CancellationToken cancellationToken = default)
    {
        var table = $"{store.Options.DatabaseSchemaName}.{TriggerTables.Dedup}";
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"""
            with claimed as (
              insert into {table} (job_type, dedup_key, trigger_name, created_at) values (@type, @key, @trigger, @now)
              on conflict (job_type, dedup_key) do nothing
              returning true as claimed)
            select coalesce((select claimed from claimed), false), (select job_id from {table} where job_type = @type and dedup_key = @key)
            """;
        command.Parameters.AddWithValue("type", jobType);
        command.Parameters.AddWithValue("key", dedupKey);
        command.Parameters.AddWithValue("trigger", trigger);
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetBoolean(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    /// <summary>Records the job a claimed dedup key submitted, or (null) gives the key back when the submission was refused.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="dedupKey">The claimed key.</param>
    /// <param name="jobId">The submitted job, or null to release the key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task CompleteTriggerDedupAsync(string jobType, string dedupKey, string? jobId, CancellationToken cancellationToken = default)
    {
        var table = $"{store.Options.DatabaseSchemaName}.{TriggerTables.Dedup}";
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = jobId is null
            ? $"delete from {table} where job_type = @type and dedup_key = @key and job_id is null"
            : $"update {table} set job_id = @job where job_type = @type and dedup_key = @key";
        command.Parameters.AddWithValue("type", jobType);
        command.Parameters.AddWithValue("key", dedupKey);
        if (jobId is not null)
        {
            command.Parameters.AddWithValue("job", jobId);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
