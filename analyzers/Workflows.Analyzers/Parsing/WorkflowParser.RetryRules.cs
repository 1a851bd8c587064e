using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Workflows.Definitions;

namespace Workflows.Analyzers
{
    internal static partial class WorkflowParser
    {
        /// <summary>
        /// The rule of <c>RetryOn(Failure.ExitCode(75).And(…), rule => rule.Retry(10).Backoff(…))</c>: the failure class from
        /// <c>Failure</c>'s factories, then the lambda's chain replayed through <see cref="DslCall.ApplyToRule"/>. Null (and the
        /// arguments recorded as not constant) when either part is not known at compile time.
        /// </summary>
        private static RetryRule? RetryRuleOf(List<IArgumentOperation> arguments, KnownTypes known, ParsedWorkflow parsed, List<(string Key, Location Location)> locations)
        {
            var failure = arguments[0];
            var rule = FailureOf(failure.Value, known);
            if (rule is null)
            {
                parsed.NonConstant.Add((failure.Syntax.GetLocation(), failure.Parameter?.Name ?? "failure", "RetryOn"));
                return null;
            }

            foreach (var key in new[] { "exit_codes", "error_codes", "exceptions", "output" })
            {
                locations.Add((key, failure.Syntax.GetLocation()));
            }

            if (arguments.Count < 2 || arguments[1].ArgumentKind == ArgumentKind.DefaultValue || arguments[1].Value.ConstantValue is { HasValue: true, Value: null })
            {
                return rule;
            }

            var lambda = arguments[1];
            var calls = LambdaChain(lambda.Value, known.RetryRuleBuilder);
            if (calls is null)
            {
                parsed.NonConstant.Add((lambda.Syntax.GetLocation(), lambda.Parameter?.Name ?? "rule", "RetryOn"));
                return null;
            }

            foreach (var call in calls)
            {
                if (!TryEvaluateArguments(call, known, parsed, out var args, out var values))
                {
                    return null;
                }

                var tasks = parsed.Definition.Tasks;
                var taskIndex = tasks.Count - 1;
                rule = DslCall.ApplyToRule(rule, taskIndex < 0 ? null : tasks[taskIndex].TaskType, taskIndex, call.TargetMethod.Name, values, out var problem);
                if (problem is not null)
                {
                    parsed.CallProblems.Add((problem, NameLocation(call)));
                }

                var at = args.FirstOrDefault(a => a.ArgumentKind != ArgumentKind.DefaultValue)?.Syntax.GetLocation() ?? NameLocation(call);
                locations.Add((call.TargetMethod.Name switch
                {
                    "Retry" or "RetryForever" => "retry",
                    "Fatal" => "action",
                    _ => DslCall.KeyOf(call.TargetMethod.Name) ?? call.TargetMethod.Name,
                }, at));
            }

            return rule;
        }

        /// <summary>The calls on <paramref name="builder"/> of <c>rule => rule.Retry(10).Backoff(…)</c>, innermost first; null when the lambda does more.</summary>
        private static List<IInvocationOperation>? LambdaChain(IOperation value, INamedTypeSymbol? builder)
        {
            while (value is IConversionOperation conversion)
            {
                value = conversion.Operand;
            }

            if (value is not IDelegateCreationOperation { Target: IAnonymousFunctionOperation function } || function.Symbol.Parameters.Length != 1)
            {
                return null;
            }

            var statements = function.Body.Operations;
            if (statements.Length != 1 || statements[0] is not IReturnOperation { ReturnedValue: { } returned })
            {
                return null;
            }

            var calls = new List<IInvocationOperation>();
            var current = returned;
            while (current is IInvocationOperation invocation && SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, builder))
            {
                calls.Add(invocation);
                current = invocation.Instance!;
            }

            if (current is not IParameterReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Parameter, function.Symbol.Parameters[0]))
            {
                return null;
            }

            calls.Reverse();
            return calls;
        }

        /// <summary>The criteria of a <c>Failure</c> expression: its static factories with constant arguments, joined by <c>And</c>.</summary>
        private static RetryRule? FailureOf(IOperation operation, KnownTypes known)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            if (operation is not IInvocationOperation invocation || !SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, known.Failure))
            {
                return null;
            }

            var target = invocation.TargetMethod;
            if (!target.IsStatic)
            {
                return target.Name == "And" && invocation.Instance is { } instance && invocation.Arguments.Length == 1
                    && FailureOf(instance, known) is { } left && FailureOf(invocation.Arguments[0].Value, known) is { } right
                    ? left.And(right)
                    : null;
            }

            if (target.Name == "Exception" && target.IsGenericMethod)
            {
                return DslCall.Failure("Exception", new object?[] { new[] { MetadataName(target.TypeArguments[0]) } });
            }

            if (invocation.Arguments.Length != 1 || !Evaluate(invocation.Arguments[0].Value, invocation.Arguments[0].Parameter?.Type, known, out var value))
            {
                return null;
            }

            return DslCall.Failure(target.Name, new[] { value });
        }

        /// <summary>A type's name as <c>Type.FullName</c> writes it: <c>System.TimeoutException</c>, <c>Outer+Inner</c>.</summary>
        private static string MetadataName(ITypeSymbol type)
        {
            var name = type.MetadataName;
            for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                name = outer.MetadataName + "+" + name;
            }

            return type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + name : name;
        }
    }
}
