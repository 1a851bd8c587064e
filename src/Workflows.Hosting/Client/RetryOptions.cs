namespace Workflows.Client;

/// <summary>How to retry a failed or cancelled job (the options of <c>POST /api/jobs/requests/{id}/retry</c>).</summary>
public sealed record RetryOptions
{
    /// <summary>Parameters that replace the retried job's (the others are kept).</summary>
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();

    /// <summary>Resume from the failed task, keeping the completed tasks' results, instead of running from the start.</summary>
    /// <value>Default: false.</value>
    public bool Resume { get; init; }

    /// <summary>Run the latest definition of the job type instead of the version the retried job was pinned to.</summary>
    /// <value>Default: false.</value>
    public bool LatestDefinition { get; init; }

    /// <summary>Who asks (recorded on the retry).</summary>
    /// <value>Default: null (in process).</value>
    public string? RequestedBy { get; init; }
}
