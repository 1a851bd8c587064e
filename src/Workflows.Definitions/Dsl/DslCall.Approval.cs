using System;
using System.Collections.Generic;
using System.Linq;

namespace Workflows.Definitions
{
    public static partial class DslCall
    {
        /// <summary>Applies a method of the approval builder of <c>Manual(approvals => approvals.MinApprovals(2)…)</c>.</summary>
        /// <param name="policy">The policy so far.</param>
        /// <param name="method">The method's name, e.g. <c>MinApprovals</c>.</param>
        /// <param name="args">Its arguments (optional ones included; a <c>params</c> array as one string array).</param>
        /// <returns>The policy after the call.</returns>
        /// <exception cref="ArgumentException">The method is not an approval builder method.</exception>
        public static ApprovalPolicy ApplyToApproval(ApprovalPolicy policy, string method, IReadOnlyList<object?> args)
        {
            switch (method)
            {
                case "MinApprovals": return policy with { MinApprovals = I(args, 0) };
                case "AllowedUsers": return policy with { AllowedUsers = policy.AllowedUsers.Concat(L(args, 0)).ToEquatableArray() };
                case "AllowedRoles": return policy with { AllowedRoles = policy.AllowedRoles.Concat(L(args, 0)).ToEquatableArray() };
                case "RequireUnanimous": return policy with { RequireUnanimous = B(args, 0) };
                case "SlaDeadline": return policy with { SlaDeadline = T(args, 0) };
                case "TimeoutAction": return policy with { TimeoutAction = S(args, 0) };
                case "AutoApprove": return policy with { TimeoutAction = "AUTO_APPROVE" };
                case "AutoReject": return policy with { TimeoutAction = "AUTO_REJECT" };
                case "Escalate":
                    return policy with { TimeoutAction = "ESCALATE", EscalationRecipients = policy.EscalationRecipients.Concat(L(args, 0)).ToEquatableArray() };
                case "EscalationRecipients": return policy with { EscalationRecipients = policy.EscalationRecipients.Concat(L(args, 0)).ToEquatableArray() };
                case "EscalationMessage": return policy with { EscalationMessage = S(args, 0) };
                default: throw new ArgumentException($"'{method}' is not an approval policy method.", nameof(method));
            }
        }

        /// <summary>The <c>approval_policy</c> key an approval builder method sets (for locations).</summary>
        /// <param name="method">The method's name.</param>
        public static string ApprovalKeyOf(string method) => method switch
        {
            "AutoApprove" or "AutoReject" or "Escalate" => "timeout_action",
            _ => Snake(method),
        };
    }
}
