namespace Workflows.Api.Security;

/// <summary>Who calls the API: the verified token's name, and whether it is an admin token.</summary>
/// <param name="Name">The token's name (recorded on the jobs it submits).</param>
/// <param name="Admin">True for an admin token.</param>
public sealed record ApiCaller(string Name, bool Admin)
{
    /// <summary>True when the caller may change a job: it submitted it, or it is an admin.</summary>
    /// <param name="submittedBy">Who submitted the job.</param>
    public bool MayChange(string? submittedBy) => Admin || (submittedBy is not null && submittedBy == Name);
}
