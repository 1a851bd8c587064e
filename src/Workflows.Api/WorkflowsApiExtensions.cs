using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Workflows.Api;
using Workflows.Api.Contracts;
using Workflows.Api.Endpoints;
using Workflows.Api.Http;
using Workflows.Api.OpenApi;
using Workflows.Api.Operations;
using Workflows.Api.Security;

namespace Workflows;

/// <summary>Adds the Workflows HTTP API to an ASP.NET Core app.</summary>
public static partial class WorkflowsApiExtensions
{
    /// <summary>The authorization policy of the API's endpoints: a live Workflows bearer token.</summary>
    public const string Policy = "workflows-token";

    /// <summary>
    /// Registers what <see cref="MapWorkflowsApi"/> needs: the operations, the bearer-token authentication scheme and
    /// its policy (an app's own default scheme is left as it is), and the API options. Call after
    /// <c>AddWorkflows(...)</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the API options.</param>
    public static IServiceCollection AddWorkflowsApi(this IServiceCollection services, Action<WorkflowsApiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<WorkflowsApiOptions>().Configure(configure ?? (_ => { })).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<WorkflowsOperations>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SignInThrottle>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(TokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        return services;
    }

    /// <summary>
    /// Maps the API under <c>/api</c> (and the seeds' <c>/jobs/requests</c>): every endpoint needs
    /// <c>Authorization: Bearer &lt;token&gt;</c> of a token with the endpoint's scope (docs/security.md); errors are JSON that name the problem and the fix; an unexpected
    /// failure is a 500 with a trace id, never a stack trace.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <returns>The <c>/api</c> group, to add conventions to.</returns>
    public static RouteGroupBuilder MapWorkflowsApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = endpoints.MapGroup("/api").RequireAuthorization(Policy).AddEndpointFilter(CatchUnexpected).AddEndpointFilter(QueryStrings.CheckAsync).AddEndpointFilter(ScopeRequirement.CheckAsync);
        DefinitionEndpoints.Map(api);
        JobRequestEndpoints.Map(api.MapGroup("/jobs/requests").WithTags("Jobs"), "/api/jobs/requests");
        TokenEndpoints.Map(api);
        LineageEndpoints.Map(api);
        ApprovalEndpoints.MapPending(api);
        ScheduleEndpoints.Map(api);
        CacheEndpoints.Map(api);
        ScheduleEndpoints.MapJobTrigger(api.MapGroup("/jobs/requests").WithTags("Jobs"));

        // Triggers carry their own auth (the trigger's auth: in its YAML), not an API token.
        TriggerEndpoints.Map(endpoints.MapGroup("/api/triggers").AddEndpointFilter(CatchUnexpected).AddEndpointFilter(QueryStrings.CheckAsync));

        // The seeds post to $SERVER/jobs/requests: the same endpoints there.
        var seeds = endpoints.MapGroup("/jobs/requests").RequireAuthorization(Policy).AddEndpointFilter(CatchUnexpected).AddEndpointFilter(QueryStrings.CheckAsync).AddEndpointFilter(ScopeRequirement.CheckAsync)
            .WithTags("Jobs").ExcludeFromDescription();
        JobRequestEndpoints.Map(seeds, "/jobs/requests");

        // The Job API seed's routes relative to the API's base (/jobs, /jobs/{_id}, …/retry, …/retries/{_retryId}/retry,
        // PUT …/retries/retry): the same endpoints, answering jobs in the seed's schema.
        JobRequestEndpoints.Map(api.MapGroup("/jobs").WithTags("Job API").AddEndpointFilter(JobApiShape.FilterAsync).WithMetadata(JobApiDoc.Instance), "/api/jobs");
        ScheduleEndpoints.MapJobTrigger(seeds);
        return api;
    }

    private static async ValueTask<object?> CatchUnexpected(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own refusals while reading the body (e.g. over its 30 MB MaxRequestBodySize): the client's fault, not ours.
            return Results.Json(new ApiError(
                e.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? "The request body is larger than the host accepts; nothing was stored. Send a smaller body."
                    : $"The request could not be read: {e.Message}", e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "body_too_large" : "bad_request"),
                ApiJson.Options, statusCode: e.StatusCode);
        }
        catch (Exception e) when (DatabaseUnavailable.Is(e) && !context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Workflows.Api");
            LogDatabaseUnavailable(logger, context.HttpContext.Request.Method, context.HttpContext.Request.Path, e.GetBaseException().Message);
            context.HttpContext.Response.Headers.RetryAfter = "5";
            return Results.Json(new ApiError(DatabaseUnavailable.Message, "database_unavailable"), ApiJson.Options, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        catch (Exception e) when (!context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Workflows.Api");
            LogUnexpected(logger, context.HttpContext.Request.Method, context.HttpContext.Request.Path, e);
            return Results.Json(
                new ApiError($"The host failed to answer this request (trace id {context.HttpContext.TraceIdentifier}); the host's log has the details. Nothing about the request was wrong that the host could name.", "internal_error"),
                ApiJson.Options, statusCode: 500);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflows API {Method} {Path}: the database is not reachable ({Reason}); answered 503.")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string method, string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Workflows API {Method} {Path} failed.")]
    private static partial void LogUnexpected(ILogger logger, string method, string path, Exception exception);
}
