using Workflows.Marten.Tokens;

namespace Workflows.Api.Security;

/// <summary>Who calls the API: the verified token's name and id, and its scopes (<see cref="TokenScopes"/>).</summary>
/// <param name="Name">The token's name (recorded on the jobs it submits, for people to read).</param>
/// <param name="TokenId">The token's id (what owns the jobs it submits); null for the host's own operator (CLI on the database, definitions folder).</param>
/// <param name="Scopes">What the token may do.</param>
public sealed record ApiCaller(string Name, string? TokenId, IReadOnlyList<string> Scopes)
{
    /// <summary>The host's own operator: the command line on the host's database, or its definitions folder (every scope).</summary>
    /// <param name="name">Recorded as who did it, e.g. <c>cli:alice</c>.</param>
    public static ApiCaller Operator(string name) => new(name, null, [TokenScopes.Admin]);

    /// <summary>True for an admin caller.</summary>
    public bool Admin => TokenScopes.Allows(Scopes, TokenScopes.Admin);

    /// <summary>The roles the caller's token has (its <c>role:NAME</c> scopes), which approval policies' <c>allowed_roles</c> name.</summary>
    public IReadOnlyList<string> Roles => TokenScopes.Roles(Scopes);

    /// <summary>True when the caller has the scope (admin has all).</summary>
    /// <param name="scope">A <see cref="TokenScopes"/> constant.</param>
    public bool Has(string scope) => TokenScopes.Allows(Scopes, scope);

    /// <summary>True when the caller may change job type <paramref name="jobType"/>'s definitions and configs.</summary>
    /// <param name="jobType">The job type.</param>
    public bool MayDefine(string jobType) => TokenScopes.AllowsDefining(Scopes, jobType);

    /// <summary>True when the caller may change a job: it submitted it (<see cref="Runtime.JobDecider.IsSubmitter"/>: by token id), or it is an admin.</summary>
    /// <param name="job">The job's request (who submitted it).</param>
    public bool MayChange(Runtime.JobRequest job) => Admin || Runtime.JobDecider.IsSubmitter(job, TokenId, Name);
}
