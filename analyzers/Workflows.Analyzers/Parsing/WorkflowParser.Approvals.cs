using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Workflows.Definitions;

namespace Workflows.Analyzers
{
    internal static partial class WorkflowParser
    {
        /// <summary>True for the argument of <c>Manual(approvals => …)</c>: a lambda over the approval builder.</summary>
        private static bool IsApprovalLambda(IArgumentOperation argument, KnownTypes known) =>
            argument.Parameter?.Type is INamedTypeSymbol { TypeArguments.Length: 2 } function
            && SymbolEqualityComparer.Default.Equals(function.TypeArguments[0], known.ApprovalPolicyBuilder);

        /// <summary>
        /// The policy of <c>Manual(approvals => approvals.MinApprovals(2).AllowedUsers("carol", "dave")…)</c>: the lambda's
        /// chain replayed through <see cref="DslCall.ApplyToApproval"/>, each key remembered at its call. Null (and the
        /// argument recorded as not constant) when the lambda does more or an argument is not known at compile time.
        /// </summary>
        private static ApprovalPolicy? ApprovalPolicyOf(IArgumentOperation lambda, KnownTypes known, ParsedWorkflow parsed, List<(string Key, Location Location)> locations)
        {
            var calls = LambdaChain(lambda.Value, known.ApprovalPolicyBuilder);
            if (calls is null)
            {
                parsed.NonConstant.Add((lambda.Syntax.GetLocation(), lambda.Parameter?.Name ?? "approvals", "Manual"));
                return null;
            }

            var policy = new ApprovalPolicy();
            foreach (var call in calls)
            {
                if (!TryEvaluateArguments(call, known, parsed, out var args, out var values))
                {
                    return null;
                }

                policy = DslCall.ApplyToApproval(policy, call.TargetMethod.Name, values);
                var at = args.FirstOrDefault(a => a.ArgumentKind != ArgumentKind.DefaultValue)?.Syntax.GetLocation() ?? NameLocation(call);
                locations.Add((DslCall.ApprovalKeyOf(call.TargetMethod.Name), at));
            }

            return policy;
        }
    }
}
