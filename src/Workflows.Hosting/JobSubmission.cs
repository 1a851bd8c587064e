namespace Workflows;

/// <summary>A request for a job of a known type: a compiled workflow of this host, or a definition in the store.</summary>
/// <param name="JobType">The job type.</param>
public sealed record JobSubmission(string JobType)
{
    /// <summary>Request parameters (template variables, e.g. <c>{{.Greeting}}</c>).</summary>
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();

    /// <summary>Higher runs first.</summary>
    public int Priority { get; init; }

    /// <summary>The named queue.</summary>
    public string Queue { get; init; } = "default";

    /// <summary>A free-text description.</summary>
    public string? Description { get; init; }

    /// <summary>Not started before this time.</summary>
    public DateTimeOffset? ScheduledAt { get; init; }

    /// <summary>Who asks (recorded on the job).</summary>
    public string? SubmittedBy { get; init; }

    /// <summary>The id of the API token that asks: what owns the job (a name can be reused after a revoke, an id cannot).</summary>
    public string? SubmitterId { get; init; }

    /// <summary>For a forked (batch child) job: the job that forks it.</summary>
    public string? ParentJobId { get; init; }

    /// <summary>For a forked job: the parent's FORK_JOB task.</summary>
    public string? ForkTask { get; init; }

    /// <summary>A queueing lock: at most one job with this key runs at a time (others wait queued, in order).</summary>
    public string? LockKey { get; init; }
}
