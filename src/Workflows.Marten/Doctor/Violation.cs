namespace Workflows.Marten.Doctor;

/// <summary>One broken invariant: which job, which rule, what was found and what to do.</summary>
/// <param name="JobId">The job (for a lock row, the root job).</param>
/// <param name="Invariant">The invariant's id (<see cref="Doctor.Invariant.Id"/>).</param>
/// <param name="Found">What the store holds that breaks it.</param>
/// <param name="Fix">What to do.</param>
public sealed record Violation(string JobId, string Invariant, string Found, string Fix)
{
    /// <summary>A violation of <paramref name="invariant"/> by <paramref name="jobId"/>.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="invariant">The rule broken.</param>
    /// <param name="found">What was found.</param>
    public static Violation Of(string jobId, Invariant invariant, string found)
    {
        ArgumentNullException.ThrowIfNull(invariant);
        return new(jobId, invariant.Id, found, invariant.Fix);
    }
}
