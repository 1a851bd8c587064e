using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace Workflows.Definitions
{
    public static partial class WorkflowValidator
    {
        /// <summary>How long a retry rule's output pattern may search the output tail before the match gives up.</summary>
        public static readonly TimeSpan OutputMatchTimeout = TimeSpan.FromMilliseconds(250);

        private static void CheckRetryRules(JobDefinition job, List<Problem> problems)
        {
            for (var i = 0; i < job.Tasks.Count; i++)
            {
                var task = job.Tasks[i];
                if (task.UnlimitedRetries && !Waits(task.DelayBetweenRetries, task.Backoff))
                {
                    problems.Add(WorkflowDiagnostics.UnlimitedRetriesWithoutDelay.Create(At(task, i, "retry"), Subject(task)));
                }

                var shadowing = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var r = 0; r < task.RetryRules.Count; r++)
                {
                    CheckRule(task, i, r, task.RetryRules[r], shadowing, problems);
                }
            }
        }

        private static void CheckRule(TaskDefinition task, int index, int r, RetryRule rule, Dictionary<string, int> shadowing, List<Problem> problems)
        {
            var name = RuleName(r);
            var subject = $"{Subject(task)} {name}";
            DefinitionPointer Part(string? key) => At(task, index, "retry_on", key is null ? $"[{r}]" : $"[{r}].{key}");

            if (rule.MatchesNothing)
            {
                problems.Add(WorkflowDiagnostics.RetryRuleMatchesNothing.Create(Part(null), subject));
            }

            if (rule.Output is { } pattern && PatternError(pattern) is { } error)
            {
                problems.Add(WorkflowDiagnostics.InvalidRetryOutputPattern.Create(Part("output"), subject, pattern, error));
            }

            Count(subject, Part("retry"), "retry", rule.Retry, problems);
            Delay(subject, Part("delay_between_retries"), "delay_between_retries", rule.DelayBetweenRetries, problems);
            Backoff(subject, Part(rule.Backoff?.Key ?? "retry_backoff_policy"), rule.Backoff, problems);
            var ownWait = rule.DelayBetweenRetries is not null || rule.Backoff is not null;
            if (rule.Action == RetryRuleAction.Retry && rule.UnlimitedRetries
                && !(ownWait ? Waits(rule.DelayBetweenRetries, rule.Backoff) : Waits(task.DelayBetweenRetries, task.Backoff)))
            {
                problems.Add(WorkflowDiagnostics.UnlimitedRetriesWithoutDelay.Create(Part("retry"), subject));
            }

            foreach (var code in rule.ExitCodes)
            {
                var mapped = task.ExitCodes.LastOrDefault(e => int.TryParse(e.Code.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var key) && key == code)?.Action;
                if (mapped is { } action && action.Kind is not (ExitActionKind.Failed or ExitActionKind.ErrorCode or ExitActionKind.RestartTask))
                {
                    problems.Add(WorkflowDiagnostics.RetryRuleShadowedByExitCode.Create(Part("exit_codes"), task.TaskType, code, action, name));
                }
            }

            CheckResources(task, rule, subject, Part, problems);
            CheckShadowing(task, rule, r, shadowing, Part, problems);
        }

        private static void CheckResources(TaskDefinition task, RetryRule rule, string subject, Func<string?, DefinitionPointer> part, List<Problem> problems)
        {
            if (!rule.ChangesResources)
            {
                return;
            }

            if (task.Container is null)
            {
                var key = rule.MemoryFactor is not null ? "memory_factor" : rule.MemoryLimit is not null ? "memory_limit" : "cpu_limit";
                problems.Add(WorkflowDiagnostics.InvalidRetryResources.Create(part(key), subject, "changes container limits, but the task runs no container",
                    "Only DOCKER tasks apply container limits: run the task in a container, or remove memory_factor, memory_limit and cpu_limit from the rule."));
                return;
            }

            if (rule.MemoryFactor is { } factor)
            {
                var text = factor.ToString(CultureInfo.InvariantCulture);
                if (double.IsNaN(factor) || double.IsInfinity(factor) || factor <= 1)
                {
                    problems.Add(WorkflowDiagnostics.InvalidRetryResources.Create(part("memory_factor"), subject, $"has memory_factor = {text}, which would not raise the memory",
                        "Use a factor above 1, e.g. 2 to double the memory limit after an out-of-memory kill (exit code 137)."));
                }
                else if (rule.MemoryLimit is null && !ResourceQuantities.TryParseMemory(task.Container.MemoryLimit, out _))
                {
                    problems.Add(WorkflowDiagnostics.InvalidRetryResources.Create(part("memory_factor"), subject, $"has memory_factor = {text}, but the task's container sets no memory_limit to multiply",
                        "Set the container's memory_limit (e.g. 512Mi), or give the rule a fixed memory_limit such as 2Gi."));
                }
            }

            if (rule.MemoryLimit is { } memory && !ResourceQuantities.TryParseMemory(memory, out _))
            {
                problems.Add(WorkflowDiagnostics.InvalidRetryResources.Create(part("memory_limit"), subject, $"has memory_limit = '{memory}', which is not a size",
                    "Use a size such as 512Mi, 1Gi or 256m."));
            }

            if (rule.CpuLimit is { } cpu && !ResourceQuantities.TryParseCpu(cpu, out _))
            {
                problems.Add(WorkflowDiagnostics.InvalidRetryResources.Create(part("cpu_limit"), subject, $"has cpu_limit = '{cpu}', which is not a CPU count",
                    "Use a CPU count such as 0.5, 2 or 500m."));
            }
        }

        /// <summary>
        /// A rule that names one kind of failure class only (say, only exit codes) takes every failure of those values,
        /// so a later rule listing one of them never applies to it (WF2010).
        /// </summary>
        private static void CheckShadowing(TaskDefinition task, RetryRule rule, int r, Dictionary<string, int> shadowing, Func<string?, DefinitionPointer> part, List<Problem> problems)
        {
            var classes = rule.ExitCodes.Select(c => ("exit_codes", "exit code " + c.ToString(CultureInfo.InvariantCulture)))
                .Concat(rule.ErrorCodes.Select(c => ("error_codes", "error code " + c)))
                .Concat(rule.Exceptions.Select(e => ("exceptions", "exception " + e)))
                .Concat(rule.Output is { } o ? new[] { ("output", $"output '{o}'") } : Array.Empty<(string, string)>())
                .ToList();
            foreach (var (key, failureClass) in classes)
            {
                if (shadowing.TryGetValue(failureClass, out var earlier))
                {
                    problems.Add(WorkflowDiagnostics.DuplicateRetryRuleClass.Create(part(key), task.TaskType, failureClass, earlier, r));
                }
            }

            if (classes.Select(c => c.Item1).Distinct(StringComparer.Ordinal).Count() == 1)
            {
                foreach (var (_, failureClass) in classes)
                {
                    if (!shadowing.ContainsKey(failureClass))
                    {
                        shadowing[failureClass] = r;
                    }
                }
            }
        }

        /// <summary>How a rule is named in messages: <c>retry_on[0]</c>.</summary>
        /// <param name="index">The rule's position in the task's <c>retry_on</c>.</param>
        public static string RuleName(int index) => "retry_on[" + index.ToString(CultureInfo.InvariantCulture) + "]";

        private static bool Waits(TimeSpan? delay, BackoffPolicy? backoff) => delay > TimeSpan.Zero || backoff?.Min > TimeSpan.Zero;

        private static string? PatternError(string pattern)
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.None, OutputMatchTimeout);
                return null;
            }
            catch (ArgumentException e)
            {
                return e.Message.TrimEnd('.');
            }
        }
    }
}
