using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Workflows.Definitions;

namespace Workflows.Analyzers
{
    /// <summary>
    /// Reads the fluent chain in a workflow's <c>Define</c> through <see cref="IOperation"/> (only calls on the DSL's
    /// own builder types count) and replays each call through <see cref="DslCall"/>, the same semantics the runtime
    /// builder uses. Arguments must be compile-time constants; others are recorded, never guessed.
    /// </summary>
    internal static partial class WorkflowParser
    {
        public static ParsedWorkflow Parse(INamedTypeSymbol type, IMethodSymbol define, ImmutableArray<IOperation> bodies, KnownTypes known, CancellationToken cancellationToken)
        {
            var attribute = known.WorkflowAttributeOf(type);
            var jobType = attribute?.ConstructorArguments.FirstOrDefault().Value as string ?? string.Empty;
            var attributeSyntax = attribute?.ApplicationSyntaxReference?.GetSyntax(cancellationToken);
            var fallback = attributeSyntax?.GetLocation() ?? type.Locations.FirstOrDefault() ?? Location.None;
            var parsed = new ParsedWorkflow(jobType, fallback);
            var parameter = define.Parameters.FirstOrDefault();

            var statements = bodies.SelectMany(Statements).ToList();
            foreach (var statement in statements)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (statement is IReturnOperation { ReturnedValue: null } && statement.IsImplicit)
                {
                    continue;
                }

                var chain = statement is IExpressionStatementOperation { Operation: IInvocationOperation invocation }
                    ? Chain(invocation, parameter, known)
                    : null;
                if (chain is null)
                {
                    parsed.DoesMore = (Describe(statement), statement.Syntax.GetLocation());
                    return parsed;
                }

                Replay(parsed, chain, known);
            }

            return parsed;
        }

        private static IEnumerable<IOperation> Statements(IOperation body) => body switch
        {
            IMethodBodyOperation method => Statements((IOperation?)method.BlockBody ?? method.ExpressionBody!),
            IBlockOperation block => block.Operations.SelectMany(Statements),
            _ => new[] { body },
        };

        private static string Describe(IOperation statement) => statement.Kind switch
        {
            OperationKind.Loop => "a loop",
            OperationKind.VariableDeclarationGroup => "a local variable",
            OperationKind.Conditional => "a condition",
            OperationKind.Return => "a return",
            _ => "a statement that is not a call on the JobBuilder",
        };

        /// <summary>The calls from the builder parameter outwards, or null when the chain does not start at it or leaves the DSL.</summary>
        private static List<IInvocationOperation>? Chain(IInvocationOperation outermost, IParameterSymbol? parameter, KnownTypes known)
        {
            var calls = new List<IInvocationOperation>();
            IOperation? current = outermost;
            while (current is IInvocationOperation invocation)
            {
                var owner = invocation.TargetMethod.ContainingType;
                if (!SymbolEqualityComparer.Default.Equals(owner, known.JobBuilder) && !SymbolEqualityComparer.Default.Equals(owner, known.TaskBuilder))
                {
                    return null;
                }

                calls.Add(invocation);
                current = invocation.Instance;
            }

            if (current is not IParameterReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Parameter, parameter))
            {
                return null;
            }

            calls.Reverse();
            return calls;
        }

        private static void Replay(ParsedWorkflow parsed, List<IInvocationOperation> calls, KnownTypes known)
        {
            foreach (var call in calls)
            {
                var method = call.TargetMethod.Name;
                var arguments = call.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).ToList();
                var values = new object?[arguments.Count];
                var constant = true;
                var lambdaLocations = new List<(string Key, Location Location)>();
                for (var i = 0; i < arguments.Count; i++)
                {
                    if (method == "RetryOn" && i == 0)
                    {
                        // RetryOn(failure, rule => rule.Retry(10)…): both arguments make one rule (the lambda is read, not run).
                        if (RetryRuleOf(arguments, known, parsed, lambdaLocations) is { } rule)
                        {
                            values = new object?[] { rule };
                        }
                        else
                        {
                            constant = false;
                            parsed.UnknownCategories.UnionWith(CategoriesOf(method));
                        }

                        break;
                    }

                    if (method == "Manual" && IsApprovalLambda(arguments[i], known))
                    {
                        // Manual(approvals => approvals.MinApprovals(2)…): the lambda is read, not run, into the policy.
                        if (ApprovalPolicyOf(arguments[i], known, parsed, lambdaLocations) is { } policy)
                        {
                            values[i] = policy;
                            continue;
                        }

                        constant = false;
                        parsed.UnknownCategories.UnionWith(CategoriesOf(method));
                        continue;
                    }

                    if (Evaluate(arguments[i].Value, arguments[i].Parameter?.Type, known, out var value))
                    {
                        values[i] = value;
                        continue;
                    }

                    constant = false;
                    parsed.NonConstant.Add((arguments[i].Syntax.GetLocation(), arguments[i].Parameter?.Name ?? "?", method));
                    parsed.UnknownCategories.UnionWith(CategoriesOf(method));
                }

                var isJob = SymbolEqualityComparer.Default.Equals(call.TargetMethod.ContainingType, known.JobBuilder);
                var tasks = parsed.Definition.Tasks;
                if (method == "Task")
                {
                    var name = values.Length > 0 && values[0] is string s ? s : string.Empty;
                    parsed.Definition = parsed.Definition with { Tasks = tasks.Concat(new[] { new TaskDefinition { TaskType = name } }).ToEquatableArray() };
                    parsed.Remember(tasks.Count, "task_type", null, arguments[0].Syntax.GetLocation());
                    continue;
                }

                if (!constant)
                {
                    continue;
                }

                var taskIndex = isJob ? -1 : tasks.Count - 1;
                if (isJob)
                {
                    parsed.Definition = DslCall.ApplyToJob(parsed.Definition, method, values, out var problem);
                    if (problem is not null)
                    {
                        parsed.CallProblems.Add((problem, NameLocation(call)));
                    }
                }
                else
                {
                    var task = DslCall.ApplyToTask(tasks[taskIndex], taskIndex, method, values, out var problem);
                    parsed.Definition = parsed.Definition with { Tasks = tasks.Select((t, i) => i == taskIndex ? task : t).ToEquatableArray() };
                    if (problem is not null)
                    {
                        parsed.CallProblems.Add((problem, NameLocation(call)));
                    }
                }

                RememberLocations(parsed, taskIndex, method, call, arguments, values);
                if (method == "Manual")
                {
                    if (arguments.Count > 0 && arguments[0].ArgumentKind != ArgumentKind.DefaultValue)
                    {
                        parsed.Remember(taskIndex, "approval_policy", null, arguments[0].Syntax.GetLocation());
                    }

                    foreach (var (key, location) in lambdaLocations)
                    {
                        parsed.Remember(taskIndex, "approval_policy", key, location);
                    }
                }

                if (method == "RetryOn")
                {
                    var item = "[" + (parsed.Definition.Tasks[taskIndex].RetryRules.Count - 1).ToString(CultureInfo.InvariantCulture) + "]";
                    parsed.Remember(taskIndex, "retry_on", item, arguments[0].Syntax.GetLocation());
                    foreach (var (key, location) in lambdaLocations)
                    {
                        parsed.Remember(taskIndex, "retry_on", item + "." + key, location);
                    }
                }
            }
        }

        private static void RememberLocations(ParsedWorkflow parsed, int taskIndex, string method, IInvocationOperation call, List<IArgumentOperation> arguments, object?[] values)
        {
            var key = DslCall.KeyOf(method) ?? method;
            var first = arguments.FirstOrDefault(a => a.ArgumentKind != ArgumentKind.DefaultValue);
            var location = first?.Syntax.GetLocation() ?? NameLocation(call);
            switch (method)
            {
                case "OnExitCode":
                    var code = values[0] is string word ? word : Convert.ToString(values[0], CultureInfo.InvariantCulture);
                    parsed.Remember(taskIndex, "on_exit_code", code, arguments[0].Syntax.GetLocation());
                    parsed.Remember(taskIndex, "on_exit_code>target", code, arguments[1].Syntax.GetLocation());
                    break;
                case "OnCompleted":
                case "OnFailed":
                case "OnExit":
                    parsed.Remember(taskIndex, key, values[0] as string, location);
                    break;
                case "HttpGet" or "HttpPostForm" or "HttpPostJson" or "HttpPutForm" or "HttpPutJson" or "HttpDelete":
                    parsed.Remember(taskIndex, key, values[0] as string, location);
                    break;
                case "Environment" or "Variable" or "Header" or "Query" or "HelperEnvironment" when taskIndex >= 0:
                    parsed.Remember(taskIndex, key, values[0] as string, arguments[1].Syntax.GetLocation());
                    break;
                case "Trigger" or "WebhookTrigger":
                    parsed.Remember(taskIndex, key, "[" + (parsed.Definition.Triggers.Count - 1).ToString(CultureInfo.InvariantCulture) + "]", location);
                    break;
                case "Cron" when arguments.Count > 1 && arguments[1].ArgumentKind != ArgumentKind.DefaultValue:
                    parsed.Remember(taskIndex, "cron_time_zone", null, arguments[1].Syntax.GetLocation());
                    break;
                case "RetentionDays":
                    // One call sets three keys: retention_days_for_completed, _failed and _cancelled, each at its own argument.
                    foreach (var argument in arguments.Where(a => a.ArgumentKind != ArgumentKind.DefaultValue && a.Parameter is not null))
                    {
                        parsed.Remember(taskIndex, "retention_days_for_" + argument.Parameter!.Name, null, argument.Syntax.GetLocation());
                    }

                    break;
                case "Script" or "BeforeScript" or "AfterScript":
                case "Dependencies":
                case "AwaitForkedJobs":
                    var elements = ParamsElements(arguments[0]);
                    var items = values[0] as string[] ?? Array.Empty<string>();
                    for (var i = 0; i < items.Length; i++)
                    {
                        parsed.Remember(taskIndex, key, items[i], i < elements.Count ? elements[i].Syntax.GetLocation() : location);
                    }

                    break;
            }

            parsed.Remember(taskIndex, key, null, location);
        }

        private static Location NameLocation(IInvocationOperation call) =>
            call.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax { Expression: Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax member }
                ? member.Name.GetLocation()
                : call.Syntax.GetLocation();

        private static IReadOnlyList<IOperation> ParamsElements(IArgumentOperation argument) =>
            argument.Value is IArrayCreationOperation { Initializer: { } initializer } ? initializer.ElementValues : (IReadOnlyList<IOperation>)Array.Empty<IOperation>();

        /// <summary>Which rule families depend on a method's arguments (their problems are dropped when an argument is unknown).</summary>
        private static string[] CategoriesOf(string method) => method switch
        {
            "Task" => new[] { "Dag", "ExitCodes", "Retry", "Executors" },
            "OnCompleted" or "OnFailed" or "OnExit" or "Dependencies" or "AwaitForkedJobs" => new[] { "Dag" },
            "OnExitCode" => new[] { "Dag", "ExitCodes", "Retry" },
            "RetryOn" or "RetryForever" or "RetryStrategy" => new[] { "Retry", "ExitCodes" },
            "Retry" or "Timeout" or "DelayBetweenRetries" or "Backoff" or "LinearWait" or "ExponentialWait" or "MaxConcurrency" or "HardResetAfterRetries" or "MaxManualRetries" or "PauseTime" or "RetentionDays" => new[] { "Retry", "ExitCodes" },
            "Variable" or "RequiredParams" => new[] { "Templates" },
            "Cron" or "CronTrigger" => new[] { "Schedule" },
            _ => new[] { "Executors", "Templates" },
        };
    }
}
