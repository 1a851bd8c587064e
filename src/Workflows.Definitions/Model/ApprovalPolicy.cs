using System;

namespace Workflows.Definitions
{
    /// <summary>Who must approve a MANUAL task, and what happens when nobody does in time (<c>approval_policy:</c>).</summary>
    /// <param name="MinApprovals">Approvals needed.</param>
    /// <param name="AllowedRoles">Roles that may vote.</param>
    /// <param name="AllowedUsers">Users that may vote.</param>
    /// <param name="RequireUnanimous">True when one rejection rejects.</param>
    /// <param name="SlaDeadline">Time allowed for the decision.</param>
    /// <param name="TimeoutAction"><c>AUTO_APPROVE</c>, <c>AUTO_REJECT</c> or <c>ESCALATE</c>.</param>
    /// <param name="EscalationRecipients">Who is told on escalation.</param>
    /// <param name="EscalationMessage">What they are told.</param>
    public sealed record ApprovalPolicy(
        int MinApprovals = 1,
        EquatableArray<string> AllowedRoles = default,
        EquatableArray<string> AllowedUsers = default,
        bool RequireUnanimous = false,
        TimeSpan? SlaDeadline = null,
        string? TimeoutAction = null,
        EquatableArray<string> EscalationRecipients = default,
        string? EscalationMessage = null);
}
