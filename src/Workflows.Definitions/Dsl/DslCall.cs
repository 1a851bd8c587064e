using System;
using System.Collections.Generic;
using System.Linq;

namespace Workflows.Definitions
{
    /// <summary>
    /// What each method of the fluent C# DSL does to the model, in one place. The runtime builder
    /// (<c>JobBuilder</c>/<c>TaskBuilder</c>) calls it with typed arguments; the source generator and the analyzers
    /// replay the same calls with the constant arguments they read from <c>Define</c>, so a workflow means the same
    /// thing at compile time and at run time.
    /// </summary>
    public static partial class DslCall
    {
        /// <summary>Applies a job-level DSL method.</summary>
        /// <param name="job">The job so far.</param>
        /// <param name="method">The method's name, e.g. <c>Retry</c>.</param>
        /// <param name="args">Its arguments (optional ones included).</param>
        /// <param name="problem">Set when the call is itself a mistake (a second retry wait, WF4012).</param>
        /// <returns>The job after the call.</returns>
        /// <exception cref="ArgumentException">The method is not a job-level DSL method.</exception>
        public static JobDefinition ApplyToJob(JobDefinition job, string method, IReadOnlyList<object?> args, out Problem? problem)
        {
            problem = null;
            switch (method)
            {
                case "Description": return job with { Description = S(args, 0) };
                case "SemVersion": return job with { SemVersion = S(args, 0) };
                case "Platform": return job with { Platform = S(args, 0) };
                case "Url": return job with { Url = S(args, 0) };
                case "CronTrigger": return job with { CronTrigger = S(args, 0) };
                case "Cron": return job with { CronTrigger = S(args, 0), CronTimeZone = args.Count > 1 ? S(args, 1) : null };
                case "Timeout": return job with { Timeout = T(args, 0) };
                case "Retry": return job with { Retry = I(args, 0) };
                case "DelayBetweenRetries": return job with { DelayBetweenRetries = T(args, 0) };
                case "Backoff" or "LinearWait" or "ExponentialWait":
                    return SecondWait(job.Backoff, method, $"Job '{job.JobType}'", new DefinitionPointer(null, KeyOf(method)!), ref problem)
                        ? job
                        : job with { Backoff = Wait(method, args) };
                case "HardResetAfterRetries": return job with { HardResetAfterRetries = I(args, 0) };
                case "MaxManualRetries": return job with { MaxManualRetries = I(args, 0) };
                case "PauseTime": return job with { PauseTime = T(args, 0) };
                case "MaxConcurrency": return job with { MaxConcurrency = I(args, 0) };
                case "RetentionDays": return job with { RetentionDaysForCompleted = (int?)args[0], RetentionDaysForFailed = (int?)args[1], RetentionDaysForCancelled = (int?)args[2] };
                case "PublicPlugin": return job with { PublicPlugin = B(args, 0) };
                case "RequiredParams": return job with { RequiredParams = job.RequiredParams.Concat(L(args, 0)).ToEquatableArray() };
                case "DynamicTemplateTasks": return job with { DynamicTemplateTasks = B(args, 0) };
                case "Variable": return job with { JobVariables = Append(job.JobVariables, args) };
                case "SkipIf": return job with { SkipIf = S(args, 0) };
                case "Webhook": return job with { Webhook = (WebhookSpec?)args[0] };
                case "Notify": return job with { Notify = job.Notify.Concat(new[] { new NotifySpec(S(args, 0)!, L(args, 2).ToEquatableArray(), S(args, 1)!) }).ToEquatableArray() };
                case "Resources": return job with { Resources = (ResourceSpec?)args[0] };
                case "Trigger": return job with { Triggers = job.Triggers.Concat(new[] { (TriggerSpec)args[0]! }).ToEquatableArray() };
                case "WebhookTrigger": return job with { Triggers = job.Triggers.Concat(new[] { WebhookTrigger(args) }).ToEquatableArray() };
                case "TriggerParam": return job.Triggers.Count == 0 ? job : job with { Triggers = WithLastParam(job.Triggers, args) };
                default: throw new ArgumentException($"'{method}' is not a job-level DSL method.", nameof(method));
            }
        }

        /// <summary>The YAML key a DSL method sets (for locations); null when it sets none (e.g. <c>Task</c>).</summary>
        /// <param name="method">The method's name.</param>
        public static string? KeyOf(string method) => method switch
        {
            "Task" => "task_type",
            "Container" or "Docker" or "Kubernetes" => "container",
            "Shell" or "Run" or "Method" or "Websocket" or "ExpireArtifacts" or "Manual" or "Messaging" => "method",
            "HttpGet" or "HttpPostForm" or "HttpPostJson" or "HttpPutForm" or "HttpPutJson" or "HttpDelete" => "script",
            "ForkJob" => "fork_job_type",
            "AwaitForkedJobs" => "await_forked_tasks",
            "OnExitCode" => "on_exit_code",
            "Backoff" => "retry_backoff_policy",
            "RetryForever" => "retry",
            "RetryOn" => "retry_on",
            "Variable" => "variables",
            "Header" => "headers",
            "Service" => "services",
            "PodLabel" => "pod_labels",
            "PodAnnotation" => "pod_annotations",
            "ExecutorOption" => "executor_options",
            "RetentionDays" => "retention_days_for_completed",
            "Notify" => "notify",
            "Trigger" or "WebhookTrigger" or "TriggerParam" => "triggers",
            "Cron" => "cron_trigger",
            _ => Snake(method),
        };

        private static string Snake(string name)
        {
            var text = new System.Text.StringBuilder();
            for (var i = 0; i < name.Length; i++)
            {
                if (char.IsUpper(name[i]) && i > 0)
                {
                    text.Append('_');
                }

                text.Append(char.ToLowerInvariant(name[i]));
            }

            return text.ToString();
        }

        /// <summary><c>WebhookTrigger(name, auth, secretConfig, header, filter, dedupKey, rateLimitMax, rateLimitWindow)</c>; the auth may arrive as the enum or (from the analyzer) as its number.</summary>
        private static TriggerSpec WebhookTrigger(IReadOnlyList<object?> args) => new TriggerSpec(
            S(args, 0) ?? string.Empty,
            "webhook",
            AuthMethod: args.Count > 1 && args[1] is not null ? ((WebhookAuth)Convert.ToInt32(args[1], System.Globalization.CultureInfo.InvariantCulture)).ToYaml() : null,
            AuthSecretConfig: args.Count > 2 ? S(args, 2) : null,
            AuthHeader: args.Count > 3 ? S(args, 3) : null,
            Filter: args.Count > 4 ? S(args, 4) : null,
            DedupKey: args.Count > 5 ? S(args, 5) : null,
            RateLimitMax: args.Count > 6 && args[6] is not null ? Convert.ToInt32(args[6], System.Globalization.CultureInfo.InvariantCulture) : (int?)null,
            RateLimitWindow: args.Count > 7 ? (TimeSpan?)args[7] : null);

        /// <summary>The triggers with a param (name, template) added to the last one (<c>TriggerParam</c> follows its <c>WebhookTrigger</c>).</summary>
        private static EquatableArray<TriggerSpec> WithLastParam(EquatableArray<TriggerSpec> triggers, IReadOnlyList<object?> args)
        {
            var last = triggers[triggers.Count - 1];
            return triggers.Take(triggers.Count - 1).Concat(new[] { last with { Params = Append(last.Params, args) } }).ToEquatableArray();
        }

        private static string? S(IReadOnlyList<object?> args, int i) => (string?)args[i];

        private static int I(IReadOnlyList<object?> args, int i) => Convert.ToInt32(args[i], System.Globalization.CultureInfo.InvariantCulture);

        private static bool B(IReadOnlyList<object?> args, int i) => args.Count <= i || args[i] is null || (bool)args[i]!;

        private static TimeSpan T(IReadOnlyList<object?> args, int i) => (TimeSpan)args[i]!;

        private static IEnumerable<string> L(IReadOnlyList<object?> args, int i) => (IEnumerable<string>?)args[i] ?? Array.Empty<string>();

        private static BackoffPolicy Backoff(IReadOnlyList<object?> args) => new BackoffPolicy(
            T(args, 0),
            args.Count > 1 ? (TimeSpan?)args[1] : null,
            args.Count > 2 && args[2] is not null ? Convert.ToDouble(args[2], System.Globalization.CultureInfo.InvariantCulture) : 2,
            args.Count > 3 && args[3] is bool jitter && jitter);

        private static EquatableArray<NamedValue> Append(EquatableArray<NamedValue> values, IReadOnlyList<object?> args) =>
            values.Concat(new[] { new NamedValue(S(args, 0)!, S(args, 1)!) }).ToEquatableArray();
    }
}
