namespace Workflows.Marten;

/// <summary>Another writer appended to the job's stream first; the decision was not recorded. Re-read and decide again.</summary>
public sealed class JobConcurrencyException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="expectedVersion">The version the decision was based on.</param>
    /// <param name="inner">The database's refusal, if any.</param>
    public JobConcurrencyException(string jobId, long expectedVersion, Exception? inner)
        : base($"Job '{jobId}' changed after version {expectedVersion} was read, so this decision was not recorded (it would be recorded twice otherwise). Read the job again and decide anew.", inner)
    {
        JobId = jobId;
        ExpectedVersion = expectedVersion;
    }

    /// <summary>The job run.</summary>
    public string JobId { get; }

    /// <summary>The version the decision was based on.</summary>
    public long ExpectedVersion { get; }
}
