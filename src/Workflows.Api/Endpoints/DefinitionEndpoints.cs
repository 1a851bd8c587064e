using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Workflows.Api.Contracts;
using Workflows.Api.Http;
using Workflows.Api.OpenApi;
using Workflows.Api.Operations;
using Workflows.Api.Security;
using Workflows.Marten.Tokens;

namespace Workflows.Api.Endpoints;

/// <summary><c>/api/jobs/definitions</c>: upload (YAML or JSON), list, get with versions, disable and enable, and each type's configs.</summary>
internal static class DefinitionEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/jobs/definitions").WithTags("Definitions");

        group.MapPost("", async (HttpContext context, WorkflowsOperations operations, IOptions<WorkflowsApiOptions> options) =>
        {
            var text = await RequestBodies.ReadTextAsync(context.Request, options.Value.MaxBodyBytes, definition: true);
            if (!text.IsSuccess)
            {
                return text.As<DefinitionDto>().ToHttp();
            }

            var result = await operations.UploadDefinitionAsync(TokenAuthenticationHandler.Caller(context.User), text.Value!, context.RequestAborted);
            return result.ToHttp(result.Value is { } d ? $"/api/jobs/definitions/{Uri.EscapeDataString(d.JobType)}" : null);
        })
        .WithSummary("Upload a job definition (YAML or JSON); 201 new version, 200 unchanged, 400 with every diagnostic.")
        .Produces<DefinitionDto>(201).Produces<DefinitionDto>().Produces<ApiError>(400).Produces<ApiError>(403).Produces<ApiError>(409).Produces<ApiError>(413).Produces<ApiError>(415)
        .TakesDefinition()
        .Requires(TokenScopes.Define, "upload definitions");

        group.MapGet("", async (WorkflowsOperations operations, CancellationToken ct) => (await operations.ListDefinitionsAsync(ct)).ToHttp())
            .WithSummary("List job types: stored (uploaded) and compiled.")
            .Produces<IReadOnlyList<DefinitionSummaryDto>>()
            .Requires(TokenScopes.Read, "list definitions");

        group.MapGet("/{jobType}", async (string jobType, WorkflowsOperations operations, CancellationToken ct) => (await operations.GetDefinitionAsync(jobType, ct)).ToHttp())
            .WithSummary("A job type with its version history.")
            .Produces<DefinitionDto>().Produces<ApiError>(404)
            .Requires(TokenScopes.Read, "read definitions");

        group.MapGet("/{jobType}/versions/{version:int}", async (string jobType, int version, WorkflowsOperations operations, CancellationToken ct) =>
                (await operations.GetDefinitionVersionAsync(jobType, version, ct)).ToHttp())
            .WithSummary("One stored version, with the uploaded text.")
            .Produces<DefinitionVersionDto>().Produces<ApiError>(404)
            .Requires(TokenScopes.Read, "read definitions");

        group.MapPost("/{jobType}/disable", async (string jobType, HttpContext context, WorkflowsOperations operations) =>
                (await operations.SetDefinitionDisabledAsync(TokenAuthenticationHandler.Caller(context.User), jobType, true, context.RequestAborted)).ToHttp())
            .WithSummary("Refuse new jobs of a stored type (define).")
            .Produces<DefinitionDto>().Produces<ApiError>(403).Produces<ApiError>(404)
            .TakesNoBody()
            .Requires(TokenScopes.Define, "disable job types");

        group.MapPost("/{jobType}/enable", async (string jobType, HttpContext context, WorkflowsOperations operations) =>
                (await operations.SetDefinitionDisabledAsync(TokenAuthenticationHandler.Caller(context.User), jobType, false, context.RequestAborted)).ToHttp())
            .WithSummary("Accept new jobs of a stored type again (define).")
            .Produces<DefinitionDto>().Produces<ApiError>(403).Produces<ApiError>(404)
            .TakesNoBody()
            .Requires(TokenScopes.Define, "enable job types");

        group.MapGet("/{jobType}/configs", async (string jobType, WorkflowsOperations operations, CancellationToken ct) =>
                (await operations.ListConfigsAsync(jobType, ct)).ToHttp())
            .WithSummary("The job type's configs and the host's secrets (template variables); secret values are never shown.")
            .Produces<IReadOnlyList<ConfigDto>>().Produces<ApiError>(404)
            .Requires(TokenScopes.Read, "list configs");

        group.MapPut("/{jobType}/configs/{name}", async (string jobType, string name, HttpContext context, WorkflowsOperations operations, IOptions<WorkflowsApiOptions> options) =>
        {
            var body = await RequestBodies.ReadJsonAsync<ConfigBody>(context.Request, options.Value.MaxBodyBytes);
            return body.IsSuccess
                ? (await operations.SetConfigAsync(TokenAuthenticationHandler.Caller(context.User), jobType, name, body.Value!, context.RequestAborted)).ToHttp()
                : body.As<ConfigDto>().ToHttp();
        })
        .WithSummary("Set a config {\"value\", \"secret\"}: 201 created, 200 replaced (define).")
        .Produces<ConfigDto>(201).Produces<ConfigDto>().Produces<ApiError>(400).Produces<ApiError>(403).Produces<ApiError>(404)
        .Takes<ConfigBody>()
        .Requires(TokenScopes.Define, "set configs");

        group.MapDelete("/{jobType}/configs/{name}", async (string jobType, string name, HttpContext context, WorkflowsOperations operations) =>
                (await operations.DeleteConfigAsync(TokenAuthenticationHandler.Caller(context.User), jobType, name, context.RequestAborted)).ToHttp())
        .WithSummary("Delete a config (define).")
        .Produces(204).Produces<ApiError>(403).Produces<ApiError>(404)
        .Requires(TokenScopes.Define, "delete configs");
    }
}
