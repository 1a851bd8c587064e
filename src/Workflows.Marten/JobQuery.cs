using Workflows.Runtime;

namespace Workflows.Marten;

/// <summary>A filter and page over job views; null fields do not filter. Newest first.</summary>
public sealed record JobQuery
{
    /// <summary>Only jobs in this state.</summary>
    public JobStatus? Status { get; init; }

    /// <summary>Only jobs of this type.</summary>
    public string? JobType { get; init; }

    /// <summary>Only jobs created at or after this time.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Only jobs created before this time.</summary>
    public DateTimeOffset? CreatedTo { get; init; }

    /// <summary>Only jobs submitted by this token name.</summary>
    public string? SubmittedBy { get; init; }

    /// <summary>Jobs to skip (paging).</summary>
    public int Offset { get; init; }

    /// <summary>At most this many (1 to 500).</summary>
    public int Limit { get; init; } = 50;
}
