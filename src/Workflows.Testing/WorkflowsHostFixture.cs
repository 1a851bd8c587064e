using Microsoft.Extensions.DependencyInjection;
using Workflows.Hosting;
using Xunit;

namespace Workflows.Testing;

/// <summary>
/// An xunit fixture holding one <see cref="WorkflowsTestHost"/> for a test class (<c>IClassFixture&lt;T&gt;</c>):
/// derive from it and override <see cref="Register"/> to add the workflows under test.
/// </summary>
public class WorkflowsHostFixture : IAsyncLifetime
{
    private WorkflowsTestHost? _host;

    /// <summary>The started host.</summary>
    /// <exception cref="InvalidOperationException">xunit has not initialized the fixture yet.</exception>
    public WorkflowsTestHost Host => _host ?? throw new InvalidOperationException("The fixture is not started: use it through IClassFixture<T> so xunit initializes it.");

    /// <summary>The PostgreSQL to use; null for <c>WORKFLOWS_TEST_PG</c> or the embedded default.</summary>
    protected virtual string? ConnectionString => null;

    /// <inheritdoc />
    public async Task InitializeAsync() => _host = await WorkflowsTestHost.StartAsync(Register, Configure, ConnectionString).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Registers the workflows under test (e.g. <c>services.AddSingleton&lt;Workflow, MyWorkflow&gt;()</c>).</summary>
    /// <param name="services">The host's services.</param>
    protected virtual void Register(IServiceCollection services)
    {
    }

    /// <summary>Changes the host's options.</summary>
    /// <param name="options">The options.</param>
    protected virtual void Configure(WorkflowsOptions options)
    {
    }
}
