namespace Workflows;

/// <summary>No compiled workflow and no stored definition has this job type.</summary>
public sealed class UnknownJobTypeException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="jobType">The job type asked for.</param>
    /// <param name="known">The job types there are.</param>
    public UnknownJobTypeException(string jobType, IEnumerable<string> known)
        : base($"Unknown job type '{jobType}'. Known: {Describe(known)}. Upload its definition (POST /api/jobs/definitions, or `workflows run job.yaml`) or register a compiled workflow with services.AddWorkflowsFromAssembly().")
    {
        JobType = jobType;
    }

    /// <summary>The job type asked for.</summary>
    public string JobType { get; }

    private static string Describe(IEnumerable<string> known)
    {
        var list = known.Order(StringComparer.Ordinal).Select(t => "'" + t + "'").ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }
}
