using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Workflows.Host.Serving;

/// <summary>The runtime's settings from configuration, the same for <c>serve</c> and for the command line on the embedded default.</summary>
internal static class HostSetup
{
    /// <summary>
    /// <c>AddWorkflows</c> bound to the <c>Workflows</c> section (WorkerCount, DataDirectory, Schema, Lease, PollInterval,
    /// DockerEndpoint, …) and <c>ConnectionStrings:Workflows</c> (none: the embedded default PostgreSQL).
    /// </summary>
    public static IServiceCollection AddWorkflowsFromConfiguration(this IServiceCollection services, IConfiguration configuration) =>
        services.AddWorkflows(options =>
        {
            configuration.GetSection("Workflows").Bind(options);
            options.ConnectionString = configuration.GetConnectionString("Workflows") ?? options.ConnectionString;
        });

    /// <summary>The content root: the executable's folder (its appsettings.json), whatever the working directory.</summary>
    public static string ContentRoot => AppContext.BaseDirectory;
}
