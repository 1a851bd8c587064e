namespace Workflows.Api.Contracts;

/// <summary>The body of <c>POST /api/jobs/requests/{id}/tasks/{taskType}/vote</c> (formicary's).</summary>
public sealed record VoteBody
{
    /// <summary><c>APPROVED</c> or <c>REJECTED</c>.</summary>
    public string? Decision { get; init; }

    /// <summary>Why; required to reject.</summary>
    public string? Comments { get; init; }
}

/// <summary>One vote on a gate.</summary>
/// <param name="Voter">Who voted (the token's name).</param>
/// <param name="Decision"><c>APPROVED</c> or <c>REJECTED</c>.</param>
/// <param name="Comments">Why.</param>
/// <param name="At">When.</param>
public sealed record VoteDto(string Voter, string Decision, string? Comments, DateTimeOffset At);

/// <summary>A gate's approval policy as it applies (defaults filled in).</summary>
/// <param name="MinApprovals">Approvals needed.</param>
/// <param name="AllowedUsers">Users that may vote (empty with no roles: anyone with the approve scope).</param>
/// <param name="AllowedRoles">Roles that may vote.</param>
/// <param name="RequireUnanimous">True when one rejection rejects.</param>
/// <param name="SlaDeadline">Time allowed for the decision (e.g. <c>04:00:00</c>), if any.</param>
/// <param name="TimeoutAction">What happens at the deadline: AUTO_APPROVE, AUTO_REJECT or ESCALATE.</param>
/// <param name="EscalationRecipients">Who is told on escalation.</param>
public sealed record ApprovalPolicyDto(
    int MinApprovals, IReadOnlyList<string> AllowedUsers, IReadOnlyList<string> AllowedRoles, bool RequireUnanimous, TimeSpan? SlaDeadline, string TimeoutAction,
    IReadOnlyList<string> EscalationRecipients);

/// <summary>A MANUAL task's approval: where it stands, its policy and every vote.</summary>
/// <param name="JobId">The job.</param>
/// <param name="JobType">Its type.</param>
/// <param name="TaskType">The gate.</param>
/// <param name="Status"><c>awaiting_approval</c>, <c>approved</c>, <c>rejected</c>, or the task's state (<c>ready</c>: not reached; <c>cancelled</c>).</param>
/// <param name="Approvals">Approvals so far.</param>
/// <param name="Rejections">Rejections so far.</param>
/// <param name="Policy">The policy.</param>
/// <param name="Votes">Every vote, in order.</param>
public sealed record ApprovalDto(string JobId, string JobType, string TaskType, string Status, int Approvals, int Rejections, ApprovalPolicyDto Policy, IReadOnlyList<VoteDto> Votes)
{
    /// <summary>The gate's description (what the voters are asked).</summary>
    public string? Description { get; init; }

    /// <summary>When the path reached the gate.</summary>
    public DateTimeOffset? WaitingSince { get; init; }

    /// <summary>When the SLA's timeout action applies, while it waits.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>True once the SLA passed and the gate was escalated.</summary>
    public bool Escalated { get; init; }

    /// <summary>When it was decided.</summary>
    public DateTimeOffset? DecidedAt { get; init; }
}

/// <summary>A page of gates waiting for votes, oldest job first.</summary>
/// <param name="Approvals">The gates.</param>
/// <param name="Total">How many jobs wait for approval in all.</param>
/// <param name="Offset">The page's offset.</param>
/// <param name="Limit">The page's size.</param>
public sealed record PendingApprovalsDto(IReadOnlyList<ApprovalDto> Approvals, long Total, int Offset, int Limit);
