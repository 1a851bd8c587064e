using Workflows.Definitions;

namespace Workflows;

/// <summary>
/// Who must approve a MANUAL gate and what happens when nobody does in time: the argument of
/// <see cref="TaskBuilder.Manual(System.Func{ApprovalPolicyBuilder, ApprovalPolicyBuilder})"/>, e.g.
/// <c>.Manual(approvals => approvals.MinApprovals(2).AllowedUsers("carol", "dave").SlaDeadline(TimeSpan.FromHours(8)).AutoReject())</c>.
/// Each method sets one key of <c>approval_policy</c>; the same checks (WF5005) apply at compile time and at run time.
/// </summary>
public sealed class ApprovalPolicyBuilder
{
    internal ApprovalPolicyBuilder()
    {
    }

    internal ApprovalPolicy Policy { get; private set; } = new();

    /// <summary>Approvals needed (<c>min_approvals</c>).</summary>
    /// <param name="count">1 or more; no more than the allowed users when no role is allowed.</param>
    /// <value>Default: 1.</value>
    public ApprovalPolicyBuilder MinApprovals(int count) => Apply(nameof(MinApprovals), [count]);

    /// <summary>Token names that may vote (<c>allowed_users</c>), appended.</summary>
    /// <param name="users">The users.</param>
    public ApprovalPolicyBuilder AllowedUsers(params string[] users) => Apply(nameof(AllowedUsers), [users]);

    /// <summary>Roles that may vote (<c>allowed_roles</c>), appended: a token has role <c>R</c> when it has the scope <c>role:R</c>.</summary>
    /// <param name="roles">The roles.</param>
    public ApprovalPolicyBuilder AllowedRoles(params string[] roles) => Apply(nameof(AllowedRoles), [roles]);

    /// <summary>One rejection rejects (<c>require_unanimous</c>).</summary>
    /// <param name="unanimous">False to undo.</param>
    public ApprovalPolicyBuilder RequireUnanimous(bool unanimous = true) => Apply(nameof(RequireUnanimous), [unanimous]);

    /// <summary>How long the gate may wait for its votes (<c>sla_deadline</c>); then the timeout action applies.</summary>
    /// <param name="deadline">Positive.</param>
    public ApprovalPolicyBuilder SlaDeadline(TimeSpan deadline) => Apply(nameof(SlaDeadline), [deadline]);

    /// <summary>What happens when the SLA deadline passes, as YAML writes it (<c>timeout_action</c>); prefer
    /// <see cref="AutoApprove"/>, <see cref="AutoReject"/> or <see cref="Escalate"/>.</summary>
    /// <param name="action"><c>AUTO_APPROVE</c>, <c>AUTO_REJECT</c> or <c>ESCALATE</c> (another word is WF5005).</param>
    public ApprovalPolicyBuilder TimeoutAction(string action) => Apply(nameof(TimeoutAction), [action]);

    /// <summary>The gate is approved when the SLA deadline passes (<c>timeout_action: AUTO_APPROVE</c>).</summary>
    public ApprovalPolicyBuilder AutoApprove() => Apply(nameof(AutoApprove), []);

    /// <summary>The gate is rejected when the SLA deadline passes (<c>timeout_action: AUTO_REJECT</c>).</summary>
    public ApprovalPolicyBuilder AutoReject() => Apply(nameof(AutoReject), []);

    /// <summary>When the SLA deadline passes, the escalation is recorded for these recipients and the gate stays open
    /// (<c>timeout_action: ESCALATE</c>, <c>escalation_recipients</c>, appended).</summary>
    /// <param name="recipients">Who is to be told.</param>
    public ApprovalPolicyBuilder Escalate(params string[] recipients) => Apply(nameof(Escalate), [recipients]);

    /// <summary>Who is to be told on escalation (<c>escalation_recipients</c>, appended), leaving the timeout action as it is.</summary>
    /// <param name="recipients">The recipients.</param>
    public ApprovalPolicyBuilder EscalationRecipients(params string[] recipients) => Apply(nameof(EscalationRecipients), [recipients]);

    /// <summary>What the recipients are told on escalation (<c>escalation_message</c>).</summary>
    /// <param name="message">The message.</param>
    public ApprovalPolicyBuilder EscalationMessage(string message) => Apply(nameof(EscalationMessage), [message]);

    private ApprovalPolicyBuilder Apply(string method, object?[] args)
    {
        Policy = DslCall.ApplyToApproval(Policy, method, args);
        return this;
    }
}
