namespace Workflows.Runtime;

/// <summary>
/// A vote on a MANUAL task that is waiting for approval. Refused (no events; <see cref="JobDecider.CanVote"/> says why)
/// unless the gate waits, the voter is allowed by the policy, a rejection has a comment, and the voter has not voted
/// on this gate yet.
/// </summary>
/// <param name="TaskType">The gate.</param>
/// <param name="Voter">Who votes (a token's name; <c>allowed_users</c> names these).</param>
/// <param name="VoterId">The token's id (recorded).</param>
/// <param name="Roles">The voter's roles (<c>allowed_roles</c> names these).</param>
/// <param name="Decision">Approve or reject.</param>
/// <param name="Comment">Why; required to reject.</param>
public sealed record VoteOnTask(string TaskType, string Voter, string? VoterId, IReadOnlyCollection<string> Roles, ApprovalDecision Decision, string? Comment) : JobCommand;

/// <summary>A gate's SLA deadline passed (its due row was claimed): the policy's <c>timeout_action</c> applies.</summary>
/// <param name="TaskType">The gate.</param>
public sealed record ApprovalDeadlinePassed(string TaskType) : JobCommand;

/// <summary>Why a vote was refused, in the domain's words (each edge maps it: an HTTP status, an exit code).</summary>
public enum VoteRefusalReason
{
    /// <summary>The job has no such task, or it is not a MANUAL task.</summary>
    UnknownTask,

    /// <summary>The gate is not waiting for votes (not reached yet, decided, or the job ended).</summary>
    NotAwaitingApproval,

    /// <summary>The voter is neither in <c>allowed_users</c> nor has a role of <c>allowed_roles</c>.</summary>
    NotAllowed,

    /// <summary>A rejection without a comment.</summary>
    CommentRequired,

    /// <summary>The voter already voted on this gate: a vote counts once.</summary>
    AlreadyVoted,
}

/// <summary>Why a vote was refused, and a message naming the problem and the fix.</summary>
/// <param name="Reason">The reason.</param>
/// <param name="Message">The problem and the fix.</param>
public sealed record VoteRefusal(VoteRefusalReason Reason, string Message);
