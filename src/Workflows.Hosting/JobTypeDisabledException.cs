namespace Workflows;

/// <summary>The stored definition of this job type is disabled: new jobs are refused.</summary>
/// <param name="jobType">The job type.</param>
public sealed class JobTypeDisabledException(string jobType)
    : InvalidOperationException($"Job type '{jobType}' is disabled, so new jobs of it are refused. Enable it (POST /api/jobs/definitions/{jobType}/enable) or upload a new version.")
{
    /// <summary>The job type.</summary>
    public string JobType { get; } = jobType;
}
