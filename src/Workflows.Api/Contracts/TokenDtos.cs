namespace Workflows.Api.Contracts;

/// <summary>The body of <c>POST /api/tokens</c>.</summary>
/// <param name="Name">A unique name.</param>
/// <param name="Admin">True for an admin token (the same as the scope <c>admin</c>).</param>
/// <param name="Scopes">What the token may do: <c>read</c>, <c>submit</c>, <c>retry</c>, <c>define</c>, <c>define:JOB_TYPE</c>, <c>admin</c>; none for read, submit and retry.</param>
public sealed record TokenRequestBody(string? Name, bool Admin = false, IReadOnlyList<string>? Scopes = null);

/// <summary>An API token (never its secret, except in <see cref="Token"/> right after creation).</summary>
/// <param name="Id">The token's public id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Admin">True for an admin token.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="RevokedAt">When it was revoked.</param>
public sealed record TokenDto(string Id, string Name, bool Admin, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    /// <summary>What the token may do.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>The bearer token: shown once, when it is created.</summary>
    public string? Token { get; init; }
}
