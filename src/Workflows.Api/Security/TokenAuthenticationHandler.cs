using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Api.Contracts;
using Workflows.Api.Http;
using Workflows.Marten.Tokens;

namespace Workflows.Api.Security;

/// <summary>
/// <c>Authorization: Bearer wf_…</c>, verified against the token store. A missing, malformed, unknown or revoked token
/// is answered 401 with a JSON error that says which and how to get a token; a token without the rights is 403.
/// </summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TokenStore tokens, SignInThrottle throttle)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "WorkflowsToken";
    public const string ScopeClaim = "workflows_scope";
    public const string TokenIdClaim = "workflows_token_id";

    private bool _databaseUnavailable;

    private TimeSpan? _throttled;

    private string _problem = "The request has no Authorization header: send `Authorization: Bearer <token>`. Create a token with `workflows tokens create NAME`.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || Context.GetEndpoint()?.Metadata.GetMetadata<OwnAuthentication>() is not null)
        {
            // An endpoint with its own auth (a bearer_token trigger) reads the header itself: its secret is no API token,
            // and counting it as a failed sign-in throttled every address that fired the trigger three times.
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            _problem = "The Authorization header is not a bearer token: send `Authorization: Bearer <token>`.";
            return AuthenticateResult.Fail(_problem);
        }

        var address = Context.Connection.RemoteIpAddress;
        if (throttle.Blocked(address) is { } wait)
        {
            _throttled = wait;
            return AuthenticateResult.Fail(throttle.Message(wait));
        }

        ApiToken? token;
        try
        {
            token = await tokens.VerifyAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (DatabaseUnavailable.Is(e))
        {
            _databaseUnavailable = true;
            return AuthenticateResult.Fail(DatabaseUnavailable.Message);
        }

        if (token is null)
        {
            throttle.Failed(address);
            _problem = "The bearer token is unknown, malformed or revoked. `workflows tokens list` shows the live tokens; create one with `workflows tokens create NAME`.";
            return AuthenticateResult.Fail(_problem);
        }

        var claims = new List<Claim> { new(ClaimTypes.Name, token.Name), new(TokenIdClaim, token.Id) };
        claims.AddRange(TokenScopes.Of(token).Select(scope => new Claim(ScopeClaim, scope)));
        var identity = new ClaimsIdentity(claims, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_databaseUnavailable)
        {
            // The token could not be checked: not the caller's fault, so no 401.
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = "5";
            return Response.WriteAsJsonAsync(new ApiError(DatabaseUnavailable.Message, "database_unavailable"), ApiJson.Options);
        }

        if (_throttled is { } wait)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = SignInThrottle.RetryAfter(wait);
            return Response.WriteAsJsonAsync(throttle.Refusal(wait), ApiJson.Options);
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Response.WriteAsJsonAsync(new ApiError(_problem, "unauthorized"), ApiJson.Options);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Response.WriteAsJsonAsync(
            new ApiError("This token may not use this endpoint. An admin creates a token with the scope it needs: `workflows tokens create NAME --scope SCOPE`.", "forbidden"), ApiJson.Options);
    }

    /// <summary>The caller of an authenticated request.</summary>
    public static ApiCaller Caller(ClaimsPrincipal user) =>
        new(user.Identity?.Name ?? "?", user.FindFirst(TokenIdClaim)?.Value, user.FindAll(ScopeClaim).Select(c => c.Value).ToList());
}
