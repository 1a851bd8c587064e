using System.Security.Cryptography;
using System.Text;
using Marten;
using Marten.Exceptions;
using Npgsql;

namespace Workflows.Marten.Tokens;

/// <summary>
/// API tokens: <c>wf_{id}_{secret}</c>, with 256 random bits of secret. Only the secret's SHA-256 is stored (a fast hash
/// is enough for a random 256-bit secret; there is nothing to brute-force), compared in constant time.
/// </summary>
/// <param name="store">The Marten store.</param>
/// <param name="time">The clock.</param>
public sealed class TokenStore(IDocumentStore store, TimeProvider time)
{
    private const string Prefix = "wf_";

    /// <summary>Creates a token; the returned text is the only time the secret is seen.</summary>
    /// <param name="name">A unique name.</param>
    /// <param name="admin">True for an admin token (scope <c>admin</c>), else the default scopes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">The name is empty, too long, or already used by a live token.</exception>
    public Task<(ApiToken Token, string Text)> CreateAsync(string name, bool admin, CancellationToken cancellationToken = default) =>
        CreateAsync(name, admin ? [TokenScopes.Admin] : TokenScopes.Defaults, cancellationToken);

    /// <summary>Creates a token with these scopes; the returned text is the only time the secret is seen.</summary>
    /// <param name="name">A unique name: the database refuses a second live token of the same name, even from concurrent calls.</param>
    /// <param name="scopes">What it may do (<see cref="TokenScopes"/>); empty for the defaults.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">The name is empty, too long, or already used by a live token; or a scope is unknown.</exception>
    public async Task<(ApiToken Token, string Text)> CreateAsync(string name, IEnumerable<string>? scopes, CancellationToken cancellationToken = default)
    {
        var granted = TokenScopes.Normalise(scopes);
        name = (name ?? string.Empty).Trim();
        if (name.Length is 0 or > 100)
        {
            throw new ArgumentException("A token name must have 1 to 100 characters, e.g. 'ci' or 'alice'.", nameof(name));
        }

        await using var session = store.LightweightSession();
        if (await session.Query<ApiToken>().AnyAsync(t => t.Name == name && t.RevokedAt == null, cancellationToken).ConfigureAwait(false))
        {
            throw NameTaken(name);
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var token = new ApiToken
        {
            Id = id, Name = name, Admin = granted.Contains(TokenScopes.Admin), Scopes = granted, SecretSha256 = Hash(secret), CreatedAt = time.GetUtcNow(),
        };
        session.Insert(token);
        try
        {
            await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUniqueViolation(e))
        {
            // Another call created the name between the check above and this insert: the live-name index refused ours.
            throw NameTaken(name);
        }

        return (token, $"{Prefix}{id}_{secret}");
    }

    /// <summary>The unique index on live tokens' names (see <c>WorkflowsMarten</c>): what makes a token name unique under concurrent creates.</summary>
    internal const string LiveNameIndexPredicate = "(data ->> 'RevokedAt') is null";

    private static ArgumentException NameTaken(string name) =>
        new($"A live token named '{name}' exists already. Revoke it first (workflows tokens revoke {name}) or choose another name.", nameof(name));

    private static bool IsUniqueViolation(Exception e) => e switch
    {
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => true,
        MartenCommandException { InnerException: { } inner } => IsUniqueViolation(inner),
        _ => e.InnerException is { } next && IsUniqueViolation(next),
    };

    /// <summary>The live token the text stands for, or null (unknown, malformed, wrong secret or revoked).</summary>
    /// <param name="text">The bearer token as sent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiToken?> VerifyAsync(string text, CancellationToken cancellationToken = default)
    {
        if (!TryParse(text, out var id, out var secret))
        {
            return null;
        }

        await using var session = store.QuerySession();
        var token = await session.LoadAsync<ApiToken>(id, cancellationToken).ConfigureAwait(false);
        if (token is null || token.RevokedAt is not null)
        {
            return null;
        }

        var expected = Convert.FromHexString(token.SecretSha256);
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        return CryptographicOperations.FixedTimeEquals(expected, actual) ? token : null;
    }

    /// <summary>Every token (revoked ones too), oldest first; secrets are never listed.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<ApiToken>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        return await session.Query<ApiToken>().OrderBy(t => t.CreatedAt).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Revokes the live token with this name or id; null when there is none.</summary>
    /// <param name="nameOrId">The token's name or id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiToken?> RevokeAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        var token = await session.Query<ApiToken>()
            .Where(t => (t.Name == nameOrId || t.Id == nameOrId) && t.RevokedAt == null)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (token is null)
        {
            return null;
        }

        var revoked = token with { RevokedAt = time.GetUtcNow() };
        session.Store(revoked);
        await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return revoked;
    }

    private static bool TryParse(string text, out string id, out string secret)
    {
        id = secret = string.Empty;
        if (string.IsNullOrEmpty(text) || !text.StartsWith(Prefix, StringComparison.Ordinal) || text.Length > 200)
        {
            return false;
        }

        var separator = text.IndexOf('_', Prefix.Length);
        if (separator < 0)
        {
            return false;
        }

        id = text[Prefix.Length..separator];
        secret = text[(separator + 1)..];
        return id.Length == 16 && secret.Length > 0;
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
