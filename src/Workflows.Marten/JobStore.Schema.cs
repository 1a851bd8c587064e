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

        await store.Storage.Database.ApplyAllConfiguredChangesToDatabaseAsync(JasperFx.AutoCreate.CreateOrUpdate, ct: cancellationToken).ConfigureAwait(false);

        if (viewsLackLineage)
        {
            // The lineage column was added just now: fill it once from the views written before it (not at every start).
            await ScalarAsync(connection,
                $"update {schema}.{Writing.MartenTables.JobViews} set retry_root = data ->> 'RetryRoot' where data ->> 'RetryRoot' is not null",
                cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<object?> ScalarAsync(System.Data.Common.DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}
