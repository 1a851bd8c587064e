using Npgsql;
using Workflows.Marten.Writing;
using Workflows.Runtime;

namespace Workflows.Marten;

/// <summary>Counts by type and status, and formicary's user keys (one queued or running job per job type and key).</summary>
public sealed partial class JobStore
{
    private static readonly string[] EndedStatuses = [nameof(JobStatus.Completed), nameof(JobStatus.Failed), nameof(JobStatus.Cancelled)];

    /// <summary>How many jobs of a type are in one of the statuses (archived jobs are not counted).</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="statuses">The statuses; none counts 0.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<long> CountAsync(string jobType, IReadOnlyCollection<JobStatus> statuses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        if (statuses.Count == 0)
        {
            return 0;
        }

        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"select count(*) from {store.Options.DatabaseSchemaName}.{MartenTables.JobViews} where job_type = @type and status = any(@statuses) and data->>'ArchivedAt' is null";
        command.Parameters.AddWithValue("type", jobType);
        command.Parameters.AddWithValue("statuses", statuses.Select(s => s.ToString()).ToArray());
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The job of a type with this user key that has not ended (nor been archived), or null.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="userKey">The user key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<string?> ActiveByUserKeyAsync(string jobType, string userKey, CancellationToken cancellationToken = default)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            select id from {store.Options.DatabaseSchemaName}.{MartenTables.JobViews}
            where job_type = @type and data->>'UserKey' = @key and not (status = any(@ended)) and data->>'ArchivedAt' is null
            order by id limit 1
            """;
        command.Parameters.AddWithValue("type", jobType);
        command.Parameters.AddWithValue("key", userKey);
        command.Parameters.AddWithValue("ended", EndedStatuses);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    /// <summary>
    /// Holds a job type's user key (a PostgreSQL advisory lock, so hosts on one database take turns) while a submission
    /// checks for a job with that key and writes its own: dispose to release it.
    /// </summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="userKey">The user key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task<IAsyncDisposable> LockUserKeyAsync(string jobType, string userKey, CancellationToken cancellationToken = default)
    {
        var connection = store.Storage.Database.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var key = $"workflows.user_key.{store.Options.DatabaseSchemaName}.{jobType}\n{userKey}";
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "select pg_advisory_lock(hashtext(@key))";
                command.Parameters.AddWithValue("key", key);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return new UserKeyLock(connection, key);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class UserKeyLock(NpgsqlConnection connection, string key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "select pg_advisory_unlock(hashtext(@key))";
                command.Parameters.AddWithValue("key", key);
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            finally
            {
                // Closing the session releases the lock too, should the unlock have failed.
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
