using Workflows.Marten.Hosts;

namespace Workflows.Marten;

/// <summary>Task routing by tags, as users see it: which of a job's attempts wait for a host with tags that no live host has.</summary>
public sealed partial class JobStore
{
    /// <summary>How recent a host's heartbeat must be for it to count as alive (hosts beat every 5 s).</summary>
    public static readonly TimeSpan HostAliveWithin = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The job's task attempts that wait for a host with their task's tags while no live host (a heartbeat within
    /// <see cref="HostAliveWithin"/>) has them all, by task, with the tags they ask for. Such an attempt stays due and is
    /// claimed as soon as a host with the tags starts; empty when every waiting attempt has a host to run it.
    /// </summary>
    /// <param name="jobId">The job.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> WaitingForTagsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var schema = store.Options.DatabaseSchemaName;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            select d.task_type, d.tags from {schema}.{DueTasks.TableName} d
            where d.job_id = @job and d.{DueTasks.IsTaggedAttemptRowSql} and (d.lease_until is null or d.lease_until <= @now)
              and not exists (select 1 from {schema}.{HostTable.Name} h where h.seen_at >= @since and h.tags @> d.tags)
            """;
        command.Parameters.AddWithValue("job", jobId);
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        command.Parameters.AddWithValue("since", time.GetUtcNow() - HostAliveWithin);
        var waiting = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            waiting[reader.GetString(0)] = reader.GetFieldValue<string[]>(1);
        }

        return waiting;
    }
}
