using Workflows.Runtime;

namespace Workflows;

/// <summary>
/// A request for a job of a known type (a compiled workflow of this host, or a definition in the store) with what is
/// asked of it (<see cref="JobRequest"/>: params, priority, queue, description, scheduled time, lock key, submitter).
/// The definition version and a manual retry's lineage are the engine's to set: what is given for them is ignored.
/// </summary>
/// <param name="JobType">The job type.</param>
public sealed record JobSubmission(string JobType) : JobRequest
{
    /// <summary>
    /// The new job's id; null (the default) for a fresh one. Given, the submission is idempotent: when a job with this
    /// id exists, nothing is submitted and its id is answered (a FORK_JOB attempt run again after its host died forks
    /// the same child, not a second one).
    /// </summary>
    public string? JobId { get; init; }
}
