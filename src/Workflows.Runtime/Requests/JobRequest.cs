using System.Collections.Immutable;

namespace Workflows.Runtime;

/// <summary>
/// What was asked of a job run, carried whole from the command (<see cref="RequestJob"/>) to the event
/// (<see cref="JobRequested"/>), the state (<see cref="JobState.Request"/>) and the job's read model: a new field of a
/// request is one edit here. Not sealed: the read model and the host's submission extend it so that their stored and
/// written shapes stay flat (the fields beside theirs, as they were before the request was one record).
/// </summary>
public record JobRequest
{
    /// <summary>Request parameters (template variables such as <c>{{.Greeting}}</c>).</summary>
    public IReadOnlyDictionary<string, string> Params { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Higher runs first.</summary>
    public int Priority { get; init; }

    /// <summary>The named queue.</summary>
    public string Queue { get; init; } = "default";

    /// <summary>A free-text description.</summary>
    public string? Description { get; init; }

    /// <summary>Not started before this time; null to start as soon as a worker is free.</summary>
    public DateTimeOffset? ScheduledAt { get; init; }

    /// <summary>A queueing lock: at most one job with this key runs at a time (others wait queued, in order).</summary>
    public string? LockKey { get; init; }

    /// <summary>Who asked (the API token's name); null for jobs submitted in process.</summary>
    public string? SubmittedBy { get; init; }

    /// <summary>The id of the API token that asked: what owns the job (names can be reused after a revoke, ids cannot); null for jobs submitted in process or before ids were recorded.</summary>
    public string? SubmitterId { get; init; }

    /// <summary>The stored definition version the job is pinned to; null for a compiled workflow or an unstored definition.</summary>
    public int? DefinitionVersion { get; init; }

    /// <summary>For a manual retry: the job the caller asked to retry.</summary>
    public string? RetryOf { get; init; }

    /// <summary>For a manual retry: the lineage's root (a retry of a retry resolves to it).</summary>
    public string? RetryRoot { get; init; }

    /// <summary>For a forked (batch child) job: the job that forked it.</summary>
    public string? ParentJobId { get; init; }

    /// <summary>
    /// formicary's <c>user_key</c>: while a job of the type with this key is queued or running, submitting another with
    /// the same key answers that job instead (templates' <c>SubmitJob</c> and <c>SubmitJobsFromJSON</c> set it from
    /// <c>_user_key</c>); null for none.
    /// </summary>
    public string? UserKey { get; init; }

    /// <summary>For a forked job: the parent's FORK_JOB task.</summary>
    public string? ForkTask { get; init; }

    /// <summary>This request alone: a plain <see cref="JobRequest"/> without the fields of a type that extends it.</summary>
    public JobRequest AsRequest() => new(this);
}
