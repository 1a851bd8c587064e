using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Workflows.Hosting;
using Workflows.Marten;

namespace Workflows;

/// <summary>Adds the Workflows runtime to a host.</summary>
public static class WorkflowsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the job store on PostgreSQL, the workers and <see cref="WorkflowClient"/>. Register workflows too, e.g.
    /// with the generated <c>services.AddWorkflowsFromAssembly()</c>. Options are validated at start-up.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    public static IServiceCollection AddWorkflows(this IServiceCollection services, Action<WorkflowsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<WorkflowsOptions>().Configure(configure).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDocumentStore>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<WorkflowsOptions>>().Value;
            return DocumentStore.For(marten => WorkflowsMarten.Configure(marten, options.ConnectionString!, options.Schema));
        });
        services.TryAddSingleton<JobStore>();
        services.TryAddSingleton<WorkflowClient>();
        services.AddHostedService<WorkerService>();
        return services;
    }
}
