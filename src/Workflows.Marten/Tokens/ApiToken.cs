namespace Workflows.Marten.Tokens;

/// <summary>An API token's record: its secret is stored only as a SHA-256 hash.</summary>
public sealed record ApiToken
{
    /// <summary>The token's public id (the part of the token before its secret).</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>A unique name (who or what uses it); recorded on what the token does.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Admin tokens manage tokens and may act on other tokens' jobs (true when <see cref="Scopes"/> holds <c>admin</c>).</summary>
    public bool Admin { get; init; }

    /// <summary>What the token may do (<see cref="TokenScopes"/>); empty for tokens made before scopes: see <see cref="TokenScopes.Of"/>.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>SHA-256 of the secret, hex.</summary>
    public string SecretSha256 { get; init; } = string.Empty;

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was revoked; a revoked token is refused.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
}
