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
        await store.Storage.Database.ApplyAllConfiguredChangesToDatabaseAsync(JasperFx.AutoCreate.CreateOrUpdate, ct: cancellationToken).ConfigureAwait(false);

        // Views written before the lineage column existed: fill it from the document (a no-op once done).
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"update {store.Options.DatabaseSchemaName}.{Writing.MartenTables.JobViews} set retry_root = data ->> 'RetryRoot' where retry_root is null and data ? 'RetryRoot' and data ->> 'RetryRoot' is not null";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
