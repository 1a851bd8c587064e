using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Workflows.Api.Contracts;
using Workflows.Marten.Tokens;

namespace Workflows.Api.Security;

/// <summary>The token scope an endpoint needs (<see cref="TokenScopes"/>), and what it does, for the refusal's message.</summary>
/// <param name="Scope">The scope.</param>
/// <param name="Action">What the endpoint does, e.g. "upload definitions".</param>
internal sealed record ScopeRequirement(string Scope, string Action)
{
    /// <summary>
    /// Refuses a caller without the endpoint's scope (403 naming it and how to get it). An endpoint that declares no scope
    /// needs <c>admin</c>: a new endpoint is closed until it says what it needs.
    /// </summary>
    public static async ValueTask<object?> CheckAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var required = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<ScopeRequirement>() ?? new ScopeRequirement(TokenScopes.Admin, "use this endpoint");
        var caller = TokenAuthenticationHandler.Caller(context.HttpContext.User);
        if (caller.Has(required.Scope))
        {
            return await next(context).ConfigureAwait(false);
        }

        var how = required.Scope == TokenScopes.Define
            ? "`workflows tokens create NAME --scope define` (every job type) or `--scope define:JOB_TYPE` (one)"
            : $"`workflows tokens create NAME --scope {required.Scope}`";
        return Results.Json(
            new ApiError($"Token '{caller.Name}' may not {required.Action}: that needs the '{required.Scope}' scope, and the token has {string.Join(", ", caller.Scopes)}. An admin creates a token with it: {how}.", "forbidden"),
            ApiJson.Options, statusCode: StatusCodes.Status403Forbidden);
    }
}

/// <summary>Declares endpoints' scopes.</summary>
internal static class ScopeRequirementExtensions
{
    /// <summary>The endpoint needs <paramref name="scope"/> to <paramref name="action"/>.</summary>
    public static TBuilder Requires<TBuilder>(this TBuilder builder, string scope, string action)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new ScopeRequirement(scope, action));
}
