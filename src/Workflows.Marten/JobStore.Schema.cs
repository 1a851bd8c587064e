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
    public Task EnsureSchemaAsync(CancellationToken cancellationToken = default) =>
        store.Storage.Database.ApplyAllConfiguredChangesToDatabaseAsync(JasperFx.AutoCreate.CreateOrUpdate, ct: cancellationToken);
}
