using Workflows.Runtime;

namespace Workflows.Client;

/// <summary>The decider refused a retry: the job still runs, a retry of its lineage is in flight, its retries are used up, …</summary>
public sealed class JobRetryRefusedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="jobId">The job asked to retry.</param>
    /// <param name="refusal">The decider's refusal.</param>
    public JobRetryRefusedException(string jobId, RetryRefusal refusal)
        : base((refusal ?? throw new ArgumentNullException(nameof(refusal))).Message)
    {
        JobId = jobId;
        Reason = refusal.Reason;
    }

    /// <summary>The job asked to retry.</summary>
    public string JobId { get; } = string.Empty;

    /// <summary>Why.</summary>
    public RetryRefusalReason Reason { get; }
}
