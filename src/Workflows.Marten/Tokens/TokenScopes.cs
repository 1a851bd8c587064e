namespace Workflows.Marten.Tokens;

/// <summary>
/// What a token may do. <c>read</c>: see definitions, jobs, events, logs and artifacts; <c>submit</c>: submit jobs and
/// update, cancel or delete its own; <c>retry</c>: retry its own jobs; <c>define</c>: upload definitions, set configs and
/// disable job types, for every job type, or <c>define:TYPE</c> for one; <c>approve</c>: vote on MANUAL approval gates;
/// <c>role:NAME</c>: a role the token's owner has, which an approval policy's <c>allowed_roles</c> names; <c>admin</c>:
/// everything, tokens included, and other tokens' jobs.
/// </summary>
public static class TokenScopes
{
    /// <summary>See definitions, jobs, events, logs and artifacts.</summary>
    public const string Read = "read";

    /// <summary>Submit jobs; update, cancel and delete the token's own jobs.</summary>
    public const string Submit = "submit";

    /// <summary>Retry the token's own jobs.</summary>
    public const string Retry = "retry";

    /// <summary>Upload definitions, set and delete configs, disable and enable job types: of every type, or with <c>define:TYPE</c> of one.</summary>
    public const string Define = "define";

    /// <summary>Vote on MANUAL approval gates (who may vote on a gate is its approval policy's to say).</summary>
    public const string Approve = "approve";

    /// <summary>The prefix of a role: <c>role:release-manager</c> gives the token the role an approval policy's <c>allowed_roles</c> names.</summary>
    public const string RolePrefix = "role:";

    /// <summary>Everything: tokens, and other tokens' jobs.</summary>
    public const string Admin = "admin";

    private const string DefinePrefix = Define + ":";
    private const int MaxScopes = 100;

    /// <summary>What a token gets when none are named: read, submit and retry (no define: a job type's script can read the secrets it sees).</summary>
    public static IReadOnlyList<string> Defaults { get; } = [Read, Submit, Retry];

    /// <summary>The scopes a stored token has. Tokens made before scopes existed have none stored: admin ones get <c>admin</c>, others the defaults.</summary>
    /// <param name="token">The token.</param>
    public static IReadOnlyList<string> Of(ApiToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return token.Scopes is { Count: > 0 } scopes ? scopes : token.Admin ? [Admin] : Defaults;
    }

    /// <summary>True when the scopes allow <paramref name="scope"/> (admin allows all; <c>define:TYPE</c> counts as define).</summary>
    /// <param name="scopes">The token's scopes.</param>
    /// <param name="scope">One of the constants.</param>
    public static bool Allows(IReadOnlyCollection<string> scopes, string scope)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        return scopes.Contains(Admin) || scopes.Contains(scope)
            || (scope == Define && scopes.Any(s => s.StartsWith(DefinePrefix, StringComparison.Ordinal)));
    }

    /// <summary>The roles the scopes give (<c>role:NAME</c> → NAME).</summary>
    /// <param name="scopes">The token's scopes.</param>
    public static IReadOnlyList<string> Roles(IEnumerable<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        return scopes.Where(s => s.StartsWith(RolePrefix, StringComparison.Ordinal)).Select(s => s[RolePrefix.Length..]).ToList();
    }

    /// <summary>True when the scopes allow changing job type <paramref name="jobType"/>'s definitions and configs.</summary>
    /// <param name="scopes">The token's scopes.</param>
    /// <param name="jobType">The job type.</param>
    public static bool AllowsDefining(IReadOnlyCollection<string> scopes, string jobType)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        return scopes.Contains(Admin) || scopes.Contains(Define) || scopes.Contains(DefinePrefix + jobType);
    }

    /// <summary>Checks and normalises requested scopes (trimmed, lower-case words, sorted, unique); empty means <see cref="Defaults"/>.</summary>
    /// <param name="requested">The scopes asked for, e.g. <c>read</c>, <c>define:retry-job</c>.</param>
    /// <exception cref="ArgumentException">A scope is not one of the known ones; the message lists them.</exception>
    public static IReadOnlyList<string> Normalise(IEnumerable<string>? requested)
    {
        var scopes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var raw in requested ?? [])
        {
            var scope = (raw ?? string.Empty).Trim();
            var known = scope is Read or Submit or Retry or Define or Approve or Admin
                || (scope.StartsWith(DefinePrefix, StringComparison.Ordinal) && scope.Length > DefinePrefix.Length && scope.Length <= 200)
                || (scope.StartsWith(RolePrefix, StringComparison.Ordinal) && scope.Length > RolePrefix.Length && scope.Length <= 200);
            if (!known)
            {
                throw new ArgumentException(
                    $"'{(scope.Length > 60 ? scope[..60] + "…" : scope)}' is not a token scope. Use read, submit, retry, define, define:JOB_TYPE, approve, role:ROLE or admin.", nameof(requested));
            }

            scopes.Add(scope);
        }

        if (scopes.Count > MaxScopes)
        {
            throw new ArgumentException($"A token has at most {MaxScopes} scopes; use 'define' for every job type instead of one define:TYPE each.", nameof(requested));
        }

        return scopes.Count == 0 ? Defaults : scopes.ToList();
    }
}
