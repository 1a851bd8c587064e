using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Hosting.Embedded;

namespace Workflows.Hosting;

/// <summary>
/// The database the runtime uses: the configured connection string, or else the embedded default cluster under the
/// data folder, started (or reused) on first use and logged with where it is.
/// </summary>
internal sealed class WorkflowsDatabase(IOptions<WorkflowsOptions> options, ILogger<WorkflowsDatabase> logger) : IAsyncDisposable
{
    private readonly Lazy<EmbeddedPostgres?> _embedded = new(() => options.Value.ConnectionString is null
        ? EmbeddedPostgres.StartAsync(Path.Combine(options.Value.DataDirectory), logger, CancellationToken.None).GetAwaiter().GetResult()
        : null);

    /// <summary>The connection string of the configured server or the embedded cluster.</summary>
    public string ConnectionString => options.Value.ConnectionString ?? _embedded.Value!.ConnectionString;

    public ValueTask DisposeAsync() => _embedded.IsValueCreated && _embedded.Value is { } embedded ? embedded.DisposeAsync() : ValueTask.CompletedTask;
}
