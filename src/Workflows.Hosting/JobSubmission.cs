using Workflows.Runtime;

namespace Workflows;

/// <summary>
/// A request for a job of a known type (a compiled workflow of this host, or a definition in the store) with what is
/// asked of it (<see cref="JobRequest"/>: params, priority, queue, description, scheduled time, lock key, submitter).
/// The definition version and a manual retry's lineage are the engine's to set: what is given for them is ignored.
/// </summary>
/// <param name="JobType">The job type.</param>
public sealed record JobSubmission(string JobType) : JobRequest;
