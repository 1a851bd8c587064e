using Workflows.Api.Contracts;
using Workflows.Api.Security;
using Workflows.Executors.Artifacts;
using Workflows.Marten;
using Workflows.Marten.Configs;
using Workflows.Marten.Definitions;
using Workflows.Marten.Logs;
using Workflows.Marten.Tokens;
using Workflows.Yaml;

namespace Workflows.Api.Operations;

/// <summary>API tokens: create, list, revoke (admin).</summary>
public sealed partial class WorkflowsOperations
{
    /// <summary>Creates a token (admin only through the API; the CLI on the host's database may create the first one).</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="body">Name and kind.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<TokenDto>> CreateTokenAsync(ApiCaller caller, TokenRequestBody body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(body);
        if (AdminOnly<TokenDto>(caller, "create tokens") is { } refused)
        {
            return refused;
        }

        try
        {
            var scopes = body.Admin ? [.. body.Scopes ?? [], TokenScopes.Admin] : body.Scopes;
            var (token, text) = await tokens.CreateAsync(body.Name ?? string.Empty, scopes, cancellationToken).ConfigureAwait(false);
            return ApiResult<TokenDto>.Ok(ToDto(token) with { Token = text }, 201);
        }
        catch (ArgumentException e)
        {
            var taken = e.Message.Contains("exists already", StringComparison.Ordinal);
            return ApiResult<TokenDto>.Fail(taken ? 409 : 400, e.ParamName == "requested" ? "bad_token_scope" : "bad_token_name", e.Message.Split(" (Parameter", 2)[0]);
        }
    }

    /// <summary>Every token, without secrets (admin only).</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<IReadOnlyList<TokenDto>>> ListTokensAsync(ApiCaller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (AdminOnly<IReadOnlyList<TokenDto>>(caller, "list tokens") is { } refused)
        {
            return refused;
        }

        return ApiResult<IReadOnlyList<TokenDto>>.Ok((await tokens.ListAsync(cancellationToken).ConfigureAwait(false)).Select(ToDto).ToList());
    }

    /// <summary>Revokes a token by name or id (admin only).</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="nameOrId">The token's name or id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<TokenDto>> RevokeTokenAsync(ApiCaller caller, string nameOrId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (AdminOnly<TokenDto>(caller, "revoke tokens") is { } refused)
        {
            return refused;
        }

        var revoked = await tokens.RevokeAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        return revoked is null
            ? ApiResult<TokenDto>.Fail(404, "not_found", $"No live token is named or has the id '{nameOrId}'. `workflows tokens list` shows them.")
            : ApiResult<TokenDto>.Ok(ToDto(revoked));
    }
}
