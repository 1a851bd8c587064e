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

/// <summary><c>/api/tokens</c>: create, list and revoke API tokens (admin tokens only).</summary>
internal static class TokenEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/tokens").WithTags("Tokens");

        group.MapPost("", async (HttpContext context, WorkflowsOperations operations, IOptions<WorkflowsApiOptions> options) =>
        {
            var body = await RequestBodies.ReadJsonAsync<TokenRequestBody>(context.Request, options.Value.MaxBodyBytes);
            return body.IsSuccess
                ? (await operations.CreateTokenAsync(TokenAuthenticationHandler.Caller(context.User), body.Value!, context.RequestAborted)).ToHttp()
                : body.As<TokenDto>().ToHttp();
        })
        .WithSummary("Create a token {\"name\", \"scopes\": [\"read\", \"submit\", …]} (or \"admin\": true); the answer holds the token, shown once (admin).")
        .Produces<TokenDto>(201).Produces<ApiError>(403).Produces<ApiError>(409)
        .Takes<TokenRequestBody>()
        .Requires(TokenScopes.Admin, "create tokens");

        group.MapGet("", async (HttpContext context, WorkflowsOperations operations) =>
                (await operations.ListTokensAsync(TokenAuthenticationHandler.Caller(context.User), context.RequestAborted)).ToHttp())
            .WithSummary("List tokens, without secrets (admin).")
            .Produces<IReadOnlyList<TokenDto>>().Produces<ApiError>(403)
            .Requires(TokenScopes.Admin, "list tokens");

        group.MapDelete("/{nameOrId}", async (string nameOrId, HttpContext context, WorkflowsOperations operations) =>
                (await operations.RevokeTokenAsync(TokenAuthenticationHandler.Caller(context.User), nameOrId, context.RequestAborted)).ToHttp())
            .WithSummary("Revoke a token by name or id (admin).")
            .Produces<TokenDto>().Produces<ApiError>(403).Produces<ApiError>(404)
            .Requires(TokenScopes.Admin, "revoke tokens");
    }
}
