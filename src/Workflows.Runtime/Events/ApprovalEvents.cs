using Workflows.Definitions;

namespace Workflows.Runtime;

/// <summary>A vote on a MANUAL task, and the gate's outcome (formicary's <c>APPROVED</c> / <c>REJECTED</c>).</summary>
public enum ApprovalDecision
{
    /// <summary>Go on: the route keyed <c>APPROVED</c>, else <c>on_completed</c>.</summary>
    Approved,

    /// <summary>Stop: the route keyed <c>REJECTED</c>, else the job fails with <c>ERR_MANUAL_REJECTION</c>.</summary>
    Rejected,
}

/// <summary>
/// The path reached a MANUAL task: the job waits for votes without holding a worker (no attempt is due). An SLA
/// deadline, when the policy sets one, is a durable timer: <see cref="ApprovalDeadlinePassed"/> is sent when it passes.
/// </summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="TaskType">The gate.</param>
/// <param name="Attempt">The attempt (1 each time the path reaches the gate).</param>
/// <param name="Deadline">When the policy's <c>timeout_action</c> applies (<c>sla_deadline</c> after now); null without one.</param>
public sealed record TaskAwaitingApproval(string JobId, DateTimeOffset At, string TaskType, int Attempt, DateTimeOffset? Deadline) : JobEvent(JobId, At)
{
    /// <summary>Why the path reached the gate (<see cref="ScheduleReason.Cleanup"/> for an always_run gate while the job ends).</summary>
    public ScheduleReason Reason { get; init; }
}

/// <summary>Someone voted on a gate: who (the API token's name and id), what, why, and when (<see cref="JobEvent.At"/>).</summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="TaskType">The gate.</param>
/// <param name="Voter">Who voted (a token's name: a vote counts once per name).</param>
/// <param name="VoterId">The voting token's id (null for the host's own operator).</param>
/// <param name="Decision">The vote.</param>
/// <param name="Comment">Why (required to reject).</param>
public sealed record TaskVoted(string JobId, DateTimeOffset At, string TaskType, string Voter, string? VoterId, ApprovalDecision Decision, string? Comment) : JobEvent(JobId, At);

/// <summary>
/// The gate is decided, by its votes (quorum reached, or a rejection the policy cannot outvote) or by its SLA's
/// <c>AUTO_APPROVE</c> / <c>AUTO_REJECT</c>; the routing events follow.
/// </summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="TaskType">The gate.</param>
/// <param name="Decision">The outcome.</param>
/// <param name="Approvals">Approvals counted.</param>
/// <param name="Rejections">Rejections counted.</param>
/// <param name="TimeoutAction">The timeout action that decided it (<c>AUTO_APPROVE</c>, <c>AUTO_REJECT</c>); null when the votes did.</param>
public sealed record TaskApprovalDecided(string JobId, DateTimeOffset At, string TaskType, ApprovalDecision Decision, int Approvals, int Rejections, string? TimeoutAction)
    : JobEvent(JobId, At);

/// <summary>
/// A gate's SLA passed with <c>timeout_action: ESCALATE</c> (the default): recorded for the recipients to be told, and
/// the gate stays open for votes, with no deadline any more.
/// </summary>
/// <param name="JobId">The job run.</param>
/// <param name="At">When.</param>
/// <param name="TaskType">The gate.</param>
/// <param name="Recipients">Who is to be told (<c>escalation_recipients</c>).</param>
/// <param name="Message">What they are told (<c>escalation_message</c>, else a sentence naming the job and the gate).</param>
public sealed record ApprovalEscalated(string JobId, DateTimeOffset At, string TaskType, EquatableArray<string> Recipients, string Message) : JobEvent(JobId, At);

/// <summary>One vote as the gate's state keeps it.</summary>
/// <param name="Voter">Who.</param>
/// <param name="VoterId">The token's id.</param>
/// <param name="Decision">What.</param>
/// <param name="Comment">Why.</param>
/// <param name="At">When.</param>
public sealed record ApprovalVote(string Voter, string? VoterId, ApprovalDecision Decision, string? Comment, DateTimeOffset At);
