// One file on purpose (~510 lines): the emitter writes one DSL call per model key, in the order the DSL reads them; the parallel with DslCall is easier to check in one file.
using System.Collections;
using System.Globalization;
using Workflows.Definitions;

namespace Workflows.Yaml.Translation;

public static partial class CSharpTranslator
{
    /// <summary>Turns the model into DSL calls; records what cannot be expressed and whether model types are named.</summary>
    private sealed class Emitter
    {
        public List<string> Problems { get; } = [];

        /// <summary>True once a type of <c>Workflows.Definitions</c> is named (a spec record, <c>TaskMethod</c>, …).</summary>
        public bool UsesDefinitions { get; private set; }

        /// <summary>The job-level calls, in the order of <see cref="JobDefinition"/>'s properties.</summary>
        public List<(Expr.Call Call, bool IsTask)> Job(JobDefinition job)
        {
            var calls = new List<Expr.Call>();
            Add(calls, "Description", job.Description);
            Add(calls, "SemVersion", job.SemVersion);
            Add(calls, "Platform", job.Platform);
            Add(calls, "Url", job.Url);
            if (job.CronTimeZone is not null)
            {
                calls.Add(Call("Cron", Text(job.CronTrigger), Text(job.CronTimeZone)));
            }
            else
            {
                Add(calls, "CronTrigger", job.CronTrigger);
            }

            Add(calls, "Timeout", job.Timeout);
            if (job.Retry != 0)
            {
                calls.Add(Call("Retry", Int(job.Retry)));
            }

            Add(calls, "DelayBetweenRetries", job.DelayBetweenRetries);
            Backoff(calls, job.Backoff);
            if (job.HardResetAfterRetries != 0)
            {
                calls.Add(Call("HardResetAfterRetries", Int(job.HardResetAfterRetries)));
            }

            if (job.MaxManualRetries is { } manual)
            {
                calls.Add(Call("MaxManualRetries", Int(manual)));
            }

            Add(calls, "PauseTime", job.PauseTime);
            if (job.MaxConcurrency is { } max)
            {
                calls.Add(Call("MaxConcurrency", Int(max)));
            }

            if (job.RetentionDaysForCompleted is not null || job.RetentionDaysForFailed is not null || job.RetentionDaysForCancelled is not null)
            {
                // One call sets all three (DslCall "RetentionDays"): name only those written.
                var days = new List<Expr.Arg>();
                AddNamed(days, "completed", job.RetentionDaysForCompleted);
                AddNamed(days, "failed", job.RetentionDaysForFailed);
                AddNamed(days, "cancelled", job.RetentionDaysForCancelled);
                calls.Add(new Expr.Call(".RetentionDays", days));
            }

            Flag(calls, "PublicPlugin", job.PublicPlugin);
            Strings(calls, "RequiredParams", job.RequiredParams);
            Flag(calls, "DynamicTemplateTasks", job.DynamicTemplateTasks);
            Pairs(calls, "Variable", job.JobVariables);
            Add(calls, "SkipIf", job.SkipIf);
            if (job.Webhook is { } webhook)
            {
                calls.Add(Call("Webhook", Record(webhook)));
            }

            foreach (var notify in job.Notify)
            {
                calls.Add(Call("Notify", [Text(notify.Channel), Text(notify.When), .. notify.Recipients.Select(Text)]));
            }

            if (job.Resources is { } resources)
            {
                calls.Add(Call("Resources", Record(resources)));
            }

            foreach (var trigger in job.Triggers)
            {
                calls.Add(Call("Trigger", Record(trigger)));
            }

            return calls.Select(c => (c, false)).ToList();
        }

        /// <summary>
        /// <c>.Task("name")</c> and the task's calls: the executor, what the task is given (HTTP, environment), how it
        /// fails and retries, its script, what it keeps, the executor's options, then where it goes next.
        /// </summary>
        public IEnumerable<(Expr.Call Call, bool IsTask)> Task(TaskDefinition task)
        {
            var calls = new List<Expr.Call>();
            var script = Executor(task, calls);
            Add(calls, "Description", task.Description);
            Add(calls, "Url", task.Url);
            Pairs(calls, "Header", task.Headers);
            Pairs(calls, "Query", task.Query);
            Pairs(calls, "Environment", task.Environment);
            Pairs(calls, "Variable", task.Variables);
            Add(calls, "WorkingDirectory", task.WorkingDirectory);
            Flag(calls, "AllowFailure", task.AllowFailure);
            Flag(calls, "AlwaysRun", task.AlwaysRun);
            Flag(calls, "AllowStartIfCompleted", task.AllowStartIfCompleted);

            Add(calls, "Timeout", task.Timeout);
            if (task.Retry != 0)
            {
                calls.Add(Call("Retry", Int(task.Retry)));
            }

            if (task.UnlimitedRetries)
            {
                calls.Add(Call("RetryForever"));
            }

            Add(calls, "DelayBetweenRetries", task.DelayBetweenRetries);
            Backoff(calls, task.Backoff);
            foreach (var rule in task.RetryRules)
            {
                calls.Add(RetryOn(rule));
            }

            Add(calls, "RetryStrategy", task.RetryStrategy);
            Strings(calls, "BeforeScript", task.BeforeScript);
            Strings(calls, "Script", script);
            Strings(calls, "AfterScript", task.AfterScript);

            if (task.Artifacts is { } artifacts)
            {
                // .Artifacts("a", "b") appends paths to an ArtifactsSpec with the defaults; anything else needs the record.
                calls.Add(artifacts.ExpiresAfter is null && artifacts.When == ArtifactsWhen.Always
                    ? Call("Artifacts", [.. artifacts.Paths.Select(Text)])
                    : Call("Artifacts", Record(artifacts)));
            }

            if (task.Cache is { } cache)
            {
                calls.Add(Call("Cache", Record(cache)));
            }

            Strings(calls, "Dependencies", task.Dependencies);
            Strings(calls, "ArtifactIds", task.ArtifactIds);
            if (task.Tags.Any(t => !string.Equals(t, t.ToLowerInvariant(), StringComparison.Ordinal)))
            {
                Problems.Add($"Task '{task.TaskType}' has upper-case tags ({string.Join(", ", task.Tags)}), but .Tags(...) lower-cases them.");
            }

            Strings(calls, "Tags", task.Tags);
            Add(calls, "Except", task.Except);
            Flag(calls, "ReportStdout", task.ReportStdout);
            Add(calls, "JobVersion", task.JobVersion);
            AddRecord(calls, "SubWorkflow", task.SubWorkflow);
            AddRecord(calls, "FanOut", task.FanOut);
            AddRecord(calls, "Webhook", task.Webhook);
            AddRecord(calls, "Resources", task.Resources);
            foreach (var service in task.Services)
            {
                calls.Add(Call("Service", Record(service)));
            }

            Flag(calls, "Privileged", task.Privileged);
            Flag(calls, "HostNetwork", task.HostNetwork);
            Add(calls, "NetworkMode", task.NetworkMode);
            Pairs(calls, "HelperEnvironment", task.HelperEnvironment);
            Add(calls, "ArtifactsDirectory", task.ArtifactsDirectory);
            Add(calls, "CacheDirectory", task.CacheDirectory);
            Add(calls, "ArtifactKeyPrefix", task.ArtifactKeyPrefix);
            if (task.CostFactor is { } cost)
            {
                calls.Add(Call("CostFactor", new Expr.Atom(CSharpLiterals.Double(cost))));
            }

            Flag(calls, "ExecuteCommandWithoutShell", task.ExecuteCommandWithoutShell);
            Flag(calls, "Debug", task.Debug);
            Pairs(calls, "NodeSelector", task.NodeSelector);
            Pairs(calls, "PodLabel", task.PodLabels);
            Pairs(calls, "PodAnnotation", task.PodAnnotations);
            Pairs(calls, "ExecutorOption", task.ExecutorOptions);

            foreach (var route in task.ExitCodes)
            {
                calls.Add(Call("OnExitCode", ExitCode(route.Code), Target(route.Action)));
            }

            Add(calls, "OnCompleted", task.OnCompleted);
            Add(calls, "OnFailed", task.OnFailed);
            Add(calls, "OnExit", task.OnExit);

            return [(Call("Task", Text(task.TaskType)), false), .. calls.Select(c => (c, true))];
        }

        /// <summary>
        /// The executor calls (method and container), checked against the keys only an executor's method sets.
        /// Returns the script lines still to write (an HTTP method's call writes the first).
        /// </summary>
        private EquatableArray<string> Executor(TaskDefinition task, List<Expr.Call> calls)
        {
            var method = task.Method;
            var script = task.Script;
            var container = task.Container;
            var imageOnly = container is not null && container == new ContainerSpec(container.Image);
            CrossKey(task, "fork_job_type/fork_job_version", ".ForkJob(...)", TaskMethod.ForkJob, task.ForkJobType is not null || task.ForkJobVersion is not null);
            CrossKey(task, "await_forked_tasks", ".AwaitForkedJobs(...)", TaskMethod.AwaitForkedJob, !task.AwaitForkedTasks.IsEmpty);
            CrossKey(task, "approval_policy", ".Manual(...)", TaskMethod.Manual, task.ApprovalPolicy is not null);
            CrossKey(task, "messaging_request_queue/messaging_reply_queue", ".Messaging(...)", TaskMethod.Messaging,
                task.MessagingRequestQueue is not null || task.MessagingReplyQueue is not null);

            switch (method)
            {
                case TaskMethod.Docker or TaskMethod.Kubernetes when container is not null && imageOnly:
                    calls.Add(Call(method == TaskMethod.Docker ? "Docker" : "Kubernetes", Text(container.Image)));
                    return script;
                case TaskMethod.HttpGet or TaskMethod.HttpPostForm or TaskMethod.HttpPostJson or TaskMethod.HttpPutForm
                    or TaskMethod.HttpPutJson or TaskMethod.HttpDelete when !script.IsEmpty:
                    calls.Add(Call(method.Value.ToString(), Text(script[0])));
                    script = script.Skip(1).ToEquatableArray();
                    break;
                case TaskMethod.Shell:
                    calls.Add(Call("Shell"));
                    break;
                case TaskMethod.ForkJob when task.ForkJobType is not null || task.ForkJobVersion is not null:
                    calls.Add(task.ForkJobVersion is null
                        ? Call("ForkJob", Text(task.ForkJobType))
                        : Call("ForkJob", Text(task.ForkJobType), Text(task.ForkJobVersion)));
                    break;
                case TaskMethod.AwaitForkedJob:
                    calls.Add(Call("AwaitForkedJobs", [.. task.AwaitForkedTasks.Select(Text)]));
                    break;
                case TaskMethod.Manual:
                    calls.Add(task.ApprovalPolicy is { } policy ? Manual(policy) : Call("Manual"));
                    break;
                case TaskMethod.Messaging when task.MessagingRequestQueue is not null || task.MessagingReplyQueue is not null:
                    calls.Add(Call("Messaging", Text(task.MessagingRequestQueue), Text(task.MessagingReplyQueue)));
                    break;
                case TaskMethod.Websocket:
                    calls.Add(Call("Websocket"));
                    break;
                case TaskMethod.ExpireArtifacts:
                    calls.Add(Call("ExpireArtifacts"));
                    break;
                case { } other:
                    // A method with nothing else to say (Docker with a full container, HTTP with no URL, IN_PROCESS, ...).
                    calls.Add(Call("Method", Atom(Definitions("TaskMethod." + other))));
                    break;
            }

            if (container is not null)
            {
                calls.Add(imageOnly ? Call("Container", Text(container.Image)) : Call("Container", Record(container)));
            }

            return script;
        }

        private void CrossKey(TaskDefinition task, string keys, string call, TaskMethod owner, bool isSet)
        {
            if (isSet && task.Method != owner)
            {
                var method = task.Method is { } m ? "is " + m.ToYaml() : "is not set";
                Problems.Add($"Task '{task.TaskType}' sets {keys} but its method {method}; the DSL sets them only with {call}, which makes the method {owner.ToYaml()}.");
            }
        }

        private static Expr ExitCode(string code) =>
            int.TryParse(code, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            && number.ToString(CultureInfo.InvariantCulture) == code
                ? Int(number)
                : Text(code);

        /// <summary>
        /// A reserved word by name (<c>Fatal</c>, through <c>using static</c>); an error code or task name as the string
        /// <see cref="ExitAction.Parse"/> reads back as the same action (<c>"ERR_XYZ"</c>, <c>"third"</c>), else the factory.
        /// </summary>
        private static Expr Target(ExitAction action)
        {
            switch (action.Kind)
            {
                case ExitActionKind.ErrorCode or ExitActionKind.GoToTask:
                    if (action.Value is { } value && ExitAction.Parse(value) == action)
                    {
                        return Text(value);
                    }

                    return new Expr.Call(action.Kind == ExitActionKind.ErrorCode ? "ExitAction.Error" : "ExitAction.GoTo", [new Expr.Arg(Text(action.Value))]);
                default:
                    return Atom(action.Kind.ToString());
            }
        }

        /// <summary><c>.Manual(approvals => approvals.MinApprovals(2).AllowedUsers("carol", "dave")…)</c>: each key of the policy that is not its default.</summary>
        private static Expr.Call Manual(ApprovalPolicy policy)
        {
            var settings = new List<Expr.Call>();
            if (policy.MinApprovals != 1)
            {
                settings.Add(Call("MinApprovals", Int(policy.MinApprovals)));
            }

            Strings(settings, "AllowedUsers", policy.AllowedUsers);
            Strings(settings, "AllowedRoles", policy.AllowedRoles);

            Flag(settings, "RequireUnanimous", policy.RequireUnanimous);
            Add(settings, "SlaDeadline", policy.SlaDeadline);
            var recipients = policy.EscalationRecipients.Select(Text).ToArray();
            switch (policy.TimeoutAction)
            {
                case "AUTO_APPROVE":
                    settings.Add(Call("AutoApprove"));
                    break;
                case "AUTO_REJECT":
                    settings.Add(Call("AutoReject"));
                    break;
                case "ESCALATE":
                    settings.Add(Call("Escalate", recipients));
                    recipients = [];
                    break;
                default:
                    // None (ESCALATE by default, kept unset as the YAML has it), or a word the validator reports (WF5005).
                    Add(settings, "TimeoutAction", policy.TimeoutAction);
                    break;
            }

            if (recipients.Length > 0)
            {
                settings.Add(Call("EscalationRecipients", recipients));
            }

            Add(settings, "EscalationMessage", policy.EscalationMessage);
            return new Expr.Call(".Manual", [new Expr.Arg(new Expr.Lambda("approvals", settings))]);
        }

        /// <summary><c>.RetryOn(Failure.ExitCode(75).And(Failure.Output("…")), rule => rule.Retry(10)…)</c> for one <c>retry_on</c> rule.</summary>
        private static Expr.Call RetryOn(RetryRule rule)
        {
            static string Strings(IEnumerable<string> values) => string.Join(", ", values.Select(CSharpLiterals.String));
            var parts = new List<string>();
            if (!rule.ExitCodes.IsEmpty)
            {
                parts.Add($"Failure.ExitCode({string.Join(", ", rule.ExitCodes.Select(CSharpLiterals.Int))})");
            }

            if (!rule.ErrorCodes.IsEmpty)
            {
                parts.Add($"Failure.ErrorCode({Strings(rule.ErrorCodes)})");
            }

            if (!rule.Exceptions.IsEmpty)
            {
                parts.Add($"Failure.Exception({Strings(rule.Exceptions)})");
            }

            if (rule.Output is { } output)
            {
                parts.Add($"Failure.Output({CSharpLiterals.String(output)})");
            }

            var failure = parts.Count == 0 ? "Failure.ExitCode()" : parts[0] + string.Concat(parts.Skip(1).Select(p => $".And({p})"));
            var settings = new List<Expr.Call>();
            if (rule.Action == RetryRuleAction.Fatal)
            {
                settings.Add(Call("Fatal"));
            }

            if (rule.UnlimitedRetries)
            {
                settings.Add(Call("RetryForever"));
            }
            else if (rule.Retry != 0)
            {
                settings.Add(Call("Retry", Int(rule.Retry)));
            }

            Add(settings, "DelayBetweenRetries", rule.DelayBetweenRetries);
            Backoff(settings, rule.Backoff);
            if (rule.MemoryFactor is { } factor)
            {
                settings.Add(Call("MemoryFactor", Atom(CSharpLiterals.Double(factor))));
            }

            Add(settings, "MemoryLimit", rule.MemoryLimit);
            Add(settings, "CpuLimit", rule.CpuLimit);
            var args = new List<Expr.Arg> { new(Atom(failure)) };
            if (settings.Count > 0)
            {
                args.Add(new Expr.Arg(Atom("rule => rule" + string.Concat(settings.Select(c => c.Inline)))));
            }

            return new Expr.Call(".RetryOn", args);
        }

        private static void Backoff(List<Expr.Call> calls, BackoffPolicy? backoff)
        {
            if (backoff is null)
            {
                return;
            }

            if (backoff.Shape != BackoffShape.Exponential)
            {
                calls.Add(new Expr.Call(backoff.Shape == BackoffShape.LinearWait ? ".LinearWait" : ".ExponentialWait", [new Expr.Arg(Time(backoff.Min))]));
                return;
            }

            var args = new List<Expr.Arg> { new(Time(backoff.Min)) };
            if (backoff.Max is { } max)
            {
                args.Add(new Expr.Arg(Time(max), "max"));
            }

            if (!backoff.Factor.Equals(2.0))
            {
                args.Add(new Expr.Arg(Atom(CSharpLiterals.Double(backoff.Factor)), "factor"));
            }

            if (backoff.Jitter)
            {
                args.Add(new Expr.Arg(Atom("true"), "jitter"));
            }

            calls.Add(new Expr.Call(".Backoff", args));
        }

        private static void Add(List<Expr.Call> calls, string method, string? value)
        {
            if (value is not null)
            {
                calls.Add(Call(method, Text(value)));
            }
        }

        private static void Add(List<Expr.Call> calls, string method, TimeSpan? value)
        {
            if (value is { } time)
            {
                calls.Add(Call(method, Time(time)));
            }
        }

        private void AddRecord(List<Expr.Call> calls, string method, object? record)
        {
            if (record is not null)
            {
                calls.Add(Call(method, Record(record)));
            }
        }

        private static void AddNamed(List<Expr.Arg> args, string name, int? value)
        {
            if (value is { } number)
            {
                args.Add(new Expr.Arg(Int(number), name));
            }
        }

        /// <summary><c>.AllowFailure()</c> for true; nothing for false, the model's default.</summary>
        private static void Flag(List<Expr.Call> calls, string method, bool value)
        {
            if (value)
            {
                calls.Add(Call(method));
            }
        }

        private static void Strings(List<Expr.Call> calls, string method, EquatableArray<string> values)
        {
            if (!values.IsEmpty)
            {
                calls.Add(Call(method, [.. values.Select(Text)]));
            }
        }

        /// <summary>One call per pair, in order: <c>.Environment("A", "1")</c>.</summary>
        private static void Pairs(List<Expr.Call> calls, string method, EquatableArray<NamedValue> values)
        {
            foreach (var value in values)
            {
                calls.Add(Call(method, Text(value.Name), Text(value.Value)));
            }
        }

        /// <summary>
        /// A record of the model as <c>new T(required, Optional: value)</c>: the primary constructor's parameters in
        /// order, the required ones positional, the optional ones named and left out when they hold their default.
        /// </summary>
        private Expr.Call Record(object record)
        {
            var type = record.GetType();
            UsesDefinitions = true;
            var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
            var args = new List<Expr.Arg>();
            foreach (var parameter in constructor.GetParameters())
            {
                var value = type.GetProperty(parameter.Name!)!.GetValue(record);
                if (parameter.HasDefaultValue && IsDefault(value, parameter.DefaultValue))
                {
                    continue;
                }

                args.Add(new Expr.Arg(Value(value), parameter.HasDefaultValue ? parameter.Name : null));
            }

            return new Expr.Call("new " + type.Name, args);
        }

        private static bool IsDefault(object? value, object? defaultValue) => value switch
        {
            null => defaultValue is null,
            IEnumerable and not string when value.GetType().IsValueType => defaultValue is null && !((IEnumerable)value).Cast<object>().Any(),
            Enum => defaultValue is not null && Convert.ToInt64(value, CultureInfo.InvariantCulture) == Convert.ToInt64(defaultValue, CultureInfo.InvariantCulture),
            _ => Equals(value, defaultValue),
        };

        private Expr Value(object? value)
        {
            switch (value)
            {
                case null:
                    return Atom("null!");
                case string text:
                    return Text(text);
                case int number:
                    return Int(number);
                case bool flag:
                    return Atom(CSharpLiterals.Bool(flag));
                case double real:
                    return Atom(CSharpLiterals.Double(real));
                case TimeSpan time:
                    return Time(time);
                case Enum member:
                    var name = member.GetType().Name;
                    return Atom(Definitions(Enum.IsDefined(member.GetType(), member) ? $"{name}.{member}" : $"({name}){Convert.ToInt64(member, CultureInfo.InvariantCulture)}"));
                case IEnumerable items when value.GetType().IsValueType:
                    // EquatableArray<T>: EquatableArray.Create(...) reads as a list; an empty one is default.
                    var elements = items.Cast<object?>().Select(Value).ToList();
                    return elements.Count == 0 ? Atom("default") : new Expr.Call(Definitions("EquatableArray.Create"), [.. elements.Select(e => new Expr.Arg(e))]);
                default:
                    return Record(value);
            }
        }

        private string Definitions(string code)
        {
            UsesDefinitions = true;
            return code;
        }

        private static Expr.Call Call(string method, params Expr[] args) => new("." + method, [.. args.Select(a => new Expr.Arg(a))]);

        private static Expr Text(string? value) => value is null ? Atom("null!") : CSharpLiterals.Text(value);

        private static Expr.Atom Int(int value) => Atom(CSharpLiterals.Int(value));

        private static Expr.Atom Time(TimeSpan value) => Atom(CSharpLiterals.TimeSpan(value));

        private static Expr.Atom Atom(string code) => new(code);
    }
}
