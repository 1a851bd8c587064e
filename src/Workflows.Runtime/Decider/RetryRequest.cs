using Workflows.Definitions;

namespace Workflows.Runtime;

/// <summary>A manual retry asked for, with everything the decider needs to accept or refuse it.</summary>
/// <param name="NewJobId">The id the retry gets when accepted.</param>
/// <param name="RequestedBy">Who asks (a token name, recorded).</param>
/// <param name="IsAdmin">True when the caller's token is an admin token.</param>
/// <param name="AsAdmin">True when the caller explicitly acts as admin (needed to retry another token's job).</param>
public sealed record RetryRequest(string NewJobId, string? RequestedBy, bool IsAdmin = false, bool AsAdmin = false)
{
    /// <summary>The id of the asking token: a token may retry the jobs its id submitted (null for the host's own callers, which compare by name).</summary>
    public string? RequesterId { get; init; }

    /// <summary>Parameters to change against the retried job's (key → new value); the others are kept.</summary>
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Resume from the retried job's failed task, keeping its completed tasks (and their artifacts) instead of running
    /// them again; false reruns from the start.
    /// </summary>
    public bool Resume { get; init; }

    /// <summary>Container limits to change for the retry, by task (e.g. more memory after an out-of-memory kill).</summary>
    public IReadOnlyDictionary<string, ContainerLimitsOverride> Resources { get; init; } = new Dictionary<string, ContainerLimitsOverride>();

    /// <summary>A newer definition to run instead of the retried job's pinned one (asked for explicitly), and its version.</summary>
    public (JobDefinition Definition, int? Version)? Definition { get; init; }
}

/// <summary>Why a retry was refused, in the domain's words (each edge maps the reason to its own: an HTTP status, an exit code).</summary>
public enum RetryRefusalReason
{
    /// <summary>The job has not ended failed or cancelled.</summary>
    NotRetriable,

    /// <summary>A batch parent is not retried as a whole; its children are.</summary>
    BatchParent,

    /// <summary>The root has been retried as often as its definition allows.</summary>
    MaxRetries,

    /// <summary>Another token's job, and the caller is not an admin acting explicitly as one.</summary>
    NotOwner,

    /// <summary>Container limits asked for a task that runs no container or does not exist.</summary>
    BadResources,

    /// <summary>The chosen definition lacks the task the retry would resume from.</summary>
    CannotResume,

    /// <summary>Another retry of the same root is still queued or running.</summary>
    RetryInFlight,
}

/// <summary>Why a retry was refused, and a message naming the problem and the fix.</summary>
/// <param name="Reason">The reason.</param>
/// <param name="Message">The problem and the fix.</param>
public sealed record RetryRefusal(RetryRefusalReason Reason, string Message);

/// <summary>The decider's answer to a retry: the new job's request and the root's event, or a refusal.</summary>
/// <param name="NewJob">The retry's request (null when refused).</param>
/// <param name="RootEvent">The root's <see cref="JobRetried"/> (null when refused).</param>
/// <param name="Refusal">Why not (null when accepted).</param>
public sealed record RetryDecision(RequestJob? NewJob, JobRetried? RootEvent, RetryRefusal? Refusal);

/// <summary>New container limits for one task of a retry; a null field keeps the definition's.</summary>
/// <param name="CpuLimit">CPUs, e.g. <c>2</c> or <c>500m</c>.</param>
/// <param name="MemoryLimit">Memory, e.g. <c>1Gi</c> or <c>512m</c>.</param>
public sealed record ContainerLimitsOverride(string? CpuLimit, string? MemoryLimit);
