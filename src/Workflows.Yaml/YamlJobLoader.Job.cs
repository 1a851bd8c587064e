using Workflows.Definitions;

namespace Workflows.Yaml;

public static partial class YamlJobLoader
{
    private static readonly string[] JobKeys = KnownKeys.Job.Concat(KnownKeys.JobComputed).ToArray();

    private static JobDefinition ReadJob(YamlMappingNode map, LoadContext context, List<YamlMappingNode> taskNodes)
    {
        var scope = Scope.ForJob(PeekText(map, "job_type") ?? string.Empty);
        var job = new JobDefinition();
        foreach (var (key, keyNode, value) in context.Entries(map, scope, JobKeys))
        {
            if (KnownKeys.JobNotRunYet.TryGetValue(key, out var reason) && IsSet(value))
            {
                context.Report(WorkflowDiagnostics.NotRunYet, scope, key, keyNode, scope.Subject, key, reason);
            }

            if (SecondWait(key, job.Backoff, keyNode, scope, context))
            {
                continue;
            }

            job = key switch
            {
                "job_type" => job with { JobType = context.String(value, scope, key) ?? string.Empty },
                "description" => job with { Description = context.String(value, scope, key) },
                "sem_version" => job with { SemVersion = context.String(value, scope, key) },
                "platform" => job with { Platform = context.String(value, scope, key) },
                "url" => job with { Url = context.String(value, scope, key) },
                "cron_trigger" => job with { CronTrigger = context.String(value, scope, key) },
                "cron_time_zone" => job with { CronTimeZone = context.String(value, scope, key) },
                "timeout" => job with { Timeout = context.Duration(value, scope, key) },
                "retry" => job with { Retry = context.Int(value, scope, key) ?? 0 },
                "delay_between_retries" => job with { DelayBetweenRetries = context.Duration(value, scope, key) },
                "retry_backoff_policy" => job with { Backoff = ReadBackoff(value, scope, key, context) },
                "linear_wait" => job with { Backoff = Wait(BackoffPolicy.LinearWait, context.WaitDuration(value, scope, key)) },
                "exponential_wait" => job with { Backoff = Wait(BackoffPolicy.ExponentialWait, context.WaitDuration(value, scope, key)) },
                "hard_reset_after_retries" => job with { HardResetAfterRetries = context.Int(value, scope, key) ?? 0 },
                "pause_time" => job with { PauseTime = context.Duration(value, scope, key) },
                "max_concurrency" => job with { MaxConcurrency = context.Int(value, scope, key) },
                "retention_days_for_failed" => job with { RetentionDaysForFailed = context.Int(value, scope, key) },
                "retention_days_for_completed" => job with { RetentionDaysForCompleted = context.Int(value, scope, key) },
                "retention_days_for_cancelled" => job with { RetentionDaysForCancelled = context.Int(value, scope, key) },
                "max_manual_retries" => job with { MaxManualRetries = context.Int(value, scope, key) },
                "public_plugin" => job with { PublicPlugin = context.Bool(value, scope, key) ?? false },
                "required_params" => job with { RequiredParams = context.Strings(value, scope, key) },
                "dynamic_template_tasks" => job with { DynamicTemplateTasks = context.Bool(value, scope, key) ?? false },
                "job_variables" => job with { JobVariables = context.NamedValues(value, scope, key) },
                "skip_if" => job with { SkipIf = context.String(value, scope, key) },
                "webhook" => job with { Webhook = ReadWebhook(value, scope, key, context) },
                "notify" => job with { Notify = ReadNotify(value, scope, key, context) },
                "resources" => job with { Resources = ReadResources(value, scope, key, context) },
                "triggers" => job with { Triggers = ReadTriggers(value, scope, key, context) },
                "tasks" => job with { Tasks = ReadTasks(value, scope, context, taskNodes) },
                _ => Computed(job, scope, key, keyNode, context),
            };
        }

        return job;
    }

    /// <summary>Job-level <c>tags</c> and <c>methods</c>: formicary computes them from the tasks, so a written value is ignored.</summary>
    private static JobDefinition Computed(JobDefinition job, Scope scope, string key, YamlNode keyNode, LoadContext context)
    {
        context.UnknownKey(scope, key, keyNode, Array.Empty<string>(), " formicary computes it from the tasks; write 'tags' and 'method' on each task instead.");
        return job;
    }

    /// <summary>The text under a key, without reporting anything (for naming the job or task in messages).</summary>
    private static string? PeekText(YamlMappingNode map, string key) =>
        map.Entries.FirstOrDefault(e => e.Key is YamlScalarNode k && k.Value == key).Value is YamlScalarNode { IsNull: false } v ? v.Value : null;

    /// <summary>True when a value is written (not empty, not <c>false</c>): only then is "not run yet" worth saying.</summary>
    private static bool IsSet(YamlNode value) => value switch
    {
        YamlScalarNode s => !s.IsNull && !string.Equals(s.Value, "false", StringComparison.OrdinalIgnoreCase),
        YamlMappingNode m => m.Entries.Count > 0,
        YamlSequenceNode l => l.Items.Count > 0,
        _ => true,
    };
}
