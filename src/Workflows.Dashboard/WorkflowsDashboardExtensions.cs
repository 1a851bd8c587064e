using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Workflows.Dashboard;
using Workflows.Dashboard.Endpoints;
using Workflows.Dashboard.Reading;
using Workflows.Dashboard.Security;

namespace Workflows;

/// <summary>Adds the Workflows dashboard to an ASP.NET Core app.</summary>
public static class WorkflowsDashboardExtensions
{
    /// <summary>
    /// Registers what <see cref="MapWorkflowsDashboard"/> needs: the dashboard options, ASP.NET Core anti-forgery and data
    /// protection (the sign-in cookie is encrypted with it), the sign-in session and the dashboard's reads. Call after
    /// <c>AddWorkflows(...)</c> and <c>AddWorkflowsApi(...)</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the dashboard options.</param>
    public static IServiceCollection AddWorkflowsDashboard(this IServiceCollection services, Action<WorkflowsDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<WorkflowsDashboardOptions>().Configure(configure ?? (_ => { }));
        services.AddAntiforgery();
        services.AddDataProtection();
        services.TryAddSingleton<DashboardSession>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Workflows.Api.Security.SignInThrottle>();
        services.TryAddSingleton<DashboardQueries>();
        return services;
    }

    /// <summary>
    /// Maps the dashboard under <paramref name="prefix"/> (e.g. <c>/workflows</c>; <c>/</c> for the root): sign-in with
    /// an API token, then the overview, jobs, job, definitions, approvals and schedules pages, their live feeds and their actions.
    /// Links honour the app's path base. Every asset is served from the assembly.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <param name="prefix">Where to mount it.</param>
    /// <returns>The dashboard's route group, to add conventions to.</returns>
    public static RouteGroupBuilder MapWorkflowsDashboard(this IEndpointRouteBuilder endpoints, string prefix = "/workflows")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var mount = "/" + prefix.Trim('/');
        var group = endpoints.MapGroup(mount);
        group.WithMetadata(new Microsoft.AspNetCore.Routing.ExcludeFromDescriptionAttribute(), DashboardEndpoint.Instance);
        Microsoft.AspNetCore.Http.EndpointFilterExtensions.AddEndpointFilter(group, FormLimit.CheckAsync);
        var root = mount == "/" ? string.Empty : mount;
        PageEndpoints.Map(group, root);
        ActionEndpoints.Map(group, root);
        LiveEndpoints.Map(group, root);
        return group;
    }
}
