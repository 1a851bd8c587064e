using Marten;
using Marten.Exceptions;
using Marten.Services;
using Workflows.Executors.Artifacts;
using Workflows.Runtime;

namespace Workflows.Marten;

/// <summary>The schema, applied once at start.</summary>
public sealed partial class JobStore
{
    /// <summary>
    /// Creates or updates the store's tables (events, job views, due-task rows, …) before workers start claiming, also
    /// when the store itself never changes the schema at run time (the hosts' setting: see AddWorkflows).
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        var schema = store.Options.DatabaseSchemaName;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var viewsLackLineage = await ScalarAsync(connection,
            $"""
            select exists (select 1 from information_schema.tables where table_schema = '{schema}' and table_name = '{Writing.MartenTables.JobViews}')
               and not exists (select 1 from information_schema.columns where table_schema = '{schema}' and table_name = '{Writing.MartenTables.JobViews}' and column_name = 'retry_root')
            """, cancellationToken).ConfigureAwait(false) is true;

        await MarkDueRowKindsAsync(connection, schema, cancellationToken).ConfigureAwait(false);
        await SplitTaggedAttemptsIndexAsync(connection, schema, cancellationToken).ConfigureAwait(false);
        await store.Storage.Database.ApplyAllConfiguredChangesToDatabaseAsync(JasperFx.AutoCreate.CreateOrUpdate, ct: cancellationToken).ConfigureAwait(false);

        if (viewsLackLineage)
        {
            // The lineage column was added just now: fill it once from the views written before it (not at every start).
            await ScalarAsync(connection,
                $"update {schema}.{Writing.MartenTables.JobViews} set retry_root = data ->> 'RetryRoot' where data ->> 'RetryRoot' is not null",
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A due-work table made before rows had a kind marked a job's start with the task name <c>''</c> and its timeout with
    /// <c>chr(1) || 'timeout'</c>: those rows get their kind (and no task name), the key takes the kind, and the claim
    /// indexes, whose predicates named the old marks, are dropped for the schema update to make again. Once, in one
    /// transaction; hosts of the older layout must be stopped first (they would write rows without a kind).
    /// </summary>
    private static async Task MarkDueRowKindsAsync(System.Data.Common.DbConnection connection, string schema, CancellationToken cancellationToken)
    {
        var table = $"{schema}.{DueTasks.TableName}";
        var oldKey = await ScalarAsync(connection,
            $"""
            select c.conname from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
            where n.nspname = '{schema}' and t.relname = '{DueTasks.TableName}' and c.contype = 'p'
              and not exists (select 1 from information_schema.columns where table_schema = '{schema}' and table_name = '{DueTasks.TableName}' and column_name = 'kind')
            """, cancellationToken).ConfigureAwait(false) as string;
        if (oldKey is null)
        {
            return;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            alter table {table} add column kind varchar;
            update {table} set kind = case task_type when '' then 'start' when chr(1) || 'timeout' then 'timeout' else 'attempt' end;
            update {table} set task_type = '' where kind = 'timeout';
            alter table {table} alter column kind set not null;
            alter table {table} drop constraint "{oldKey}";
            alter table {table} add constraint {DueTasks.PrimaryKeyName} primary key (job_id, kind, task_type);
            drop index if exists {table}_claim_jobs;
            drop index if exists {table}_claim_attempts;
            drop index if exists {table}_claim_constrained;
            """;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A due-work table made before task tags were routed has no <c>tags</c> column, and its index of attempts covers every
    /// attempt: it is dropped for the schema update to make again over untagged attempts only (the update adds the column
    /// and the index of tagged ones; the rows stay, all untagged as they were written).
    /// </summary>
    private static async Task SplitTaggedAttemptsIndexAsync(System.Data.Common.DbConnection connection, string schema, CancellationToken cancellationToken)
    {
        var untagged = await ScalarAsync(connection,
            $"""
            select exists (select 1 from information_schema.tables where table_schema = '{schema}' and table_name = '{DueTasks.TableName}')
               and not exists (select 1 from information_schema.columns where table_schema = '{schema}' and table_name = '{DueTasks.TableName}' and column_name = 'tags')
            """, cancellationToken).ConfigureAwait(false) is true;
        if (untagged)
        {
            await ScalarAsync(connection, $"drop index if exists {schema}.{DueTasks.TableName}_claim_attempts", cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<object?> ScalarAsync(System.Data.Common.DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}
