namespace Workflows;

/// <summary>A job was requested without parameters its definition requires (<c>required_params</c>).</summary>
public sealed class MissingParamsException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="missing">The required parameters not given.</param>
    public MissingParamsException(string jobType, IReadOnlyList<string> missing)
        : base($"Job type '{jobType}' requires the parameter{(missing.Count == 1 ? string.Empty : "s")} {string.Join(", ", missing.Select(m => "'" + m + "'"))}; add them to \"params\" (CLI: -p {missing[0]}=VALUE), or set a job config of that name (PUT /api/jobs/definitions/{jobType}/configs/{missing[0]}).")
    {
        Missing = missing;
    }

    /// <summary>The required parameters not given.</summary>
    public IReadOnlyList<string> Missing { get; }
}
