// One file on purpose (~510 lines): one writer per model key in formicary's key order (a test utility mirroring the loader).
using System.Globalization;
using System.Text.Json;
using Workflows.Definitions;

namespace Workflows.Yaml.Writing;

/// <summary>
/// Writes a <see cref="JobDefinition"/> as formicary YAML that <see cref="YamlJobLoader.Load"/> reads back into an equal
/// definition: every property, durations in Go form (<c>1m30s</c>), text quoted where needed, JSON-text options
/// (<see cref="TaskDefinition.ExecutorOptions"/>, <see cref="ContainerSpec.Options"/>, <see cref="ServiceSpec.Options"/>)
/// written back as YAML structures.
/// </summary>
/// <remarks>
/// Scriban templates are written as Go templates when the inverse translation is verified (variables, calls,
/// <c>if</c>/<c>else</c> over one comparison); other templates are written as they are, and the loader then reads them as Go.
/// Option values must be the compact JSON the loader produces to read back identically. Default values are not written.
/// </remarks>
public static class YamlJobWriter
{
    /// <summary>The definition as formicary YAML.</summary>
    /// <param name="job">The definition to write.</param>
    public static string Write(JobDefinition job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var map = new OutMap();
        Add(map, "job_type", job.JobType);
        Add(map, "description", job.Description);
        Add(map, "sem_version", job.SemVersion);
        Add(map, "platform", job.Platform);
        Add(map, "url", job.Url);
        Add(map, "cron_trigger", job.CronTrigger);
        Add(map, "cron_time_zone", job.CronTimeZone);
        Add(map, "timeout", job.Timeout);
        Add(map, "retry", job.Retry, 0);
        Add(map, "delay_between_retries", job.DelayBetweenRetries);
        AddBackoff(map, job.Backoff);
        Add(map, "hard_reset_after_retries", job.HardResetAfterRetries, 0);
        Add(map, "max_manual_retries", job.MaxManualRetries);
        Add(map, "pause_time", job.PauseTime);
        Add(map, "max_concurrency", job.MaxConcurrency);
        Add(map, "retention_days_for_failed", job.RetentionDaysForFailed);
        Add(map, "retention_days_for_completed", job.RetentionDaysForCompleted);
        Add(map, "retention_days_for_cancelled", job.RetentionDaysForCancelled);
        Add(map, "public_plugin", job.PublicPlugin);
        Add(map, "required_params", job.RequiredParams);
        Add(map, "dynamic_template_tasks", job.DynamicTemplateTasks);
        Add(map, "job_variables", job.JobVariables);
        Add(map, "skip_if", job.SkipIf);
        Add(map, "webhook", Webhook(job.Webhook));
        if (!job.Notify.IsEmpty)
        {
            var notify = new OutMap();
            foreach (var channel in job.Notify)
            {
                var settings = new OutMap();
                settings.Entries.Add(("recipients", Strings(channel.Recipients)));
                Add(settings, "when", channel.When);
                notify.Entries.Add((channel.Channel, settings));
            }

            map.Entries.Add(("notify", notify));
        }

        Add(map, "resources", Resources(job.Resources));
        if (!job.Triggers.IsEmpty)
        {
            map.Entries.Add(("triggers", new OutSeq(job.Triggers.Select(Trigger).ToList())));
        }

        map.Entries.Add(("tasks", new OutSeq(job.Tasks.Select(Task).ToList<OutNode>())));
        return YamlText.Render(map);
    }

    private static OutMap Task(TaskDefinition task)
    {
        var map = new OutMap();
        Add(map, "task_type", task.TaskType);
        Add(map, "description", task.Description);
        if (task.Method is { } method)
        {
            map.Entries.Add(("method", new OutScalar(method.ToYaml())));
        }

        Add(map, "container", Container(task.Container));
        Add(map, "before_script", task.BeforeScript);
        Add(map, "script", task.Script);
        Add(map, "after_script", task.AfterScript);
        Add(map, "environment", task.Environment);
        Add(map, "variables", task.Variables);
        Add(map, "url", task.Url);
        Add(map, "headers", task.Headers);
        Add(map, "query", task.Query);
        Add(map, "timeout", task.Timeout);
        AddRetry(map, task.Retry, task.UnlimitedRetries);

        Add(map, "delay_between_retries", task.DelayBetweenRetries);
        AddBackoff(map, task.Backoff);
        if (!task.RetryRules.IsEmpty)
        {
            map.Entries.Add(("retry_on", new OutSeq(task.RetryRules.Select(r => (OutNode)RetryRule(r)).ToList())));
        }

        Add(map, "retry_strategy", task.RetryStrategy);
        Add(map, "allow_failure", task.AllowFailure);
        Add(map, "always_run", task.AlwaysRun);
        Add(map, "allow_start_if_completed", task.AllowStartIfCompleted);
        if (task.Artifacts is { } artifacts)
        {
            var spec = new OutMap();
            spec.Entries.Add(("paths", Strings(artifacts.Paths)));
            Add(spec, "expires_after", artifacts.ExpiresAfter);
            spec.Entries.Add(("when", new OutScalar(artifacts.When switch
            {
                ArtifactsWhen.OnSuccess => "onSuccess",
                ArtifactsWhen.OnFailure => "onFailure",
                _ => "always",
            })));
            map.Entries.Add(("artifacts", spec));
        }

        if (task.Cache is { } cache)
        {
            var spec = new OutMap();
            spec.Entries.Add(("paths", Strings(cache.Paths)));
            Add(spec, "key", cache.Key);
            Add(spec, "key_paths", cache.KeyPaths);
            Add(spec, "expires_after", cache.ExpiresAfter);
            map.Entries.Add(("cache", spec));
        }

        Add(map, "dependencies", task.Dependencies);
        Add(map, "artifact_ids", task.ArtifactIds);
        Add(map, "tags", task.Tags);
        Add(map, "on_completed", task.OnCompleted);
        Add(map, "on_failed", task.OnFailed);
        Add(map, "on_exit", task.OnExit);
        if (!task.ExitCodes.IsEmpty)
        {
            var codes = new OutMap();
            foreach (var route in task.ExitCodes)
            {
                codes.Entries.Add((route.Code, Text(route.Action.ToString())));
            }

            map.Entries.Add(("on_exit_code", codes));
        }

        Add(map, "working_dir", task.WorkingDirectory);
        Add(map, "except", task.Except);
        Add(map, "report_stdout", task.ReportStdout);
        Add(map, "fork_job_type", task.ForkJobType);
        Add(map, "fork_job_version", task.ForkJobVersion);
        Add(map, "job_version", task.JobVersion);
        Add(map, "await_forked_tasks", task.AwaitForkedTasks);
        if (task.SubWorkflow is { } sub)
        {
            var spec = new OutMap();
            Add(spec, "input_params", sub.InputParams);
            Add(spec, "output_variables", sub.OutputVariables);
            Add(spec, "wait_for_completion", sub.WaitForCompletion);
            map.Entries.Add(("sub_workflow", spec));
        }

        if (task.FanOut is { } fan)
        {
            var spec = new OutMap();
            Add(spec, "source", fan.Source);
            Add(spec, "item_var", fan.ItemVariable);
            Add(spec, "max_parallel", fan.MaxParallel, 0);
            Add(spec, "fail_fast", fan.FailFast);
            Add(spec, "fork_job_type", fan.ForkJobType);
            Add(spec, "fork_job_version", fan.ForkJobVersion);
            map.Entries.Add(("fan_out", spec));
        }

        Add(map, "messaging_request_queue", task.MessagingRequestQueue);
        Add(map, "messaging_reply_queue", task.MessagingReplyQueue);
        if (task.ApprovalPolicy is { } policy)
        {
            var spec = new OutMap();
            Add(spec, "min_approvals", policy.MinApprovals, 1);
            Add(spec, "allowed_roles", policy.AllowedRoles);
            Add(spec, "allowed_users", policy.AllowedUsers);
            Add(spec, "require_unanimous", policy.RequireUnanimous);
            Add(spec, "sla_deadline", policy.SlaDeadline);
            Add(spec, "timeout_action", policy.TimeoutAction);
            Add(spec, "escalation_recipients", policy.EscalationRecipients);
            Add(spec, "escalation_message", policy.EscalationMessage);
            map.Entries.Add(("approval_policy", spec));
        }

        Add(map, "webhook", Webhook(task.Webhook));
        Add(map, "resources", Resources(task.Resources));
        if (!task.Services.IsEmpty)
        {
            map.Entries.Add(("services", new OutSeq(task.Services.Select(Service).ToList())));
        }

        Add(map, "privileged", task.Privileged);
        Add(map, "host_network", task.HostNetwork);
        Add(map, "network_mode", task.NetworkMode);
        Add(map, "helper_environment", task.HelperEnvironment);
        Add(map, "artifacts_dir", task.ArtifactsDirectory);
        Add(map, "cache_dir", task.CacheDirectory);
        Add(map, "artifact_key_prefix", task.ArtifactKeyPrefix);
        if (task.CostFactor is { } cost)
        {
            map.Entries.Add(("cost_factor", new OutScalar(cost.ToString("R", CultureInfo.InvariantCulture))));
        }

        Add(map, "execute_command_without_shell", task.ExecuteCommandWithoutShell);
        Add(map, "debug", task.Debug);
        Add(map, "node_selector", task.NodeSelector);
        Add(map, "pod_labels", task.PodLabels);
        Add(map, "pod_annotations", task.PodAnnotations);
        AddOptions(map, task.ExecutorOptions);
        return map;
    }

    private static OutMap? Container(ContainerSpec? container)
    {
        if (container is null)
        {
            return null;
        }

        var map = new OutMap();
        Add(map, "image", container.Image);
        Add(map, "cpu_limit", container.CpuLimit);
        Add(map, "cpu_request", container.CpuRequest);
        Add(map, "memory_limit", container.MemoryLimit);
        Add(map, "memory_request", container.MemoryRequest);
        Add(map, "ephemeral_storage_limit", container.EphemeralStorageLimit);
        Add(map, "ephemeral_storage_request", container.EphemeralStorageRequest);
        Add(map, "service_account", container.ServiceAccount);
        AddOptions(map, container.Options);
        return map;
    }

    private static OutNode Service(ServiceSpec service)
    {
        var map = new OutMap();
        Add(map, "name", service.Name);
        Add(map, "image", service.Image);
        Add(map, "alias", service.Alias);
        Add(map, "instances", service.Instances, 1);
        Add(map, "working_directory", service.WorkingDirectory);
        Add(map, "command", service.Command);
        Add(map, "entrypoint", service.Entrypoint);
        Add(map, "ports", service.Ports);
        Add(map, "cpu_limit", service.CpuLimit);
        Add(map, "cpu_request", service.CpuRequest);
        Add(map, "memory_limit", service.MemoryLimit);
        Add(map, "memory_request", service.MemoryRequest);
        Add(map, "ephemeral_storage_limit", service.EphemeralStorageLimit);
        Add(map, "ephemeral_storage_request", service.EphemeralStorageRequest);
        if (!service.Volumes.IsEmpty)
        {
            var kinds = new OutMap();
            foreach (var kind in service.Volumes.GroupBy(v => v.Kind))
            {
                kinds.Entries.Add((VolumeSpec.KeyOf(kind.Key), new OutSeq(kind.Select(Volume).ToList())));
            }

            map.Entries.Add(("volumes", kinds));
        }

        AddOptions(map, service.Options);
        return map;
    }

    private static OutNode Volume(VolumeSpec volume)
    {
        var map = new OutMap();
        Add(map, "name", volume.Name);
        Add(map, "mount_path", volume.MountPath);
        Add(map, "host_path", volume.HostPath);
        Add(map, "sub_path", volume.SubPath);
        Add(map, "read_only", volume.ReadOnly);
        Add(map, "medium", volume.Medium);
        AddOptions(map, volume.Options);
        return map;
    }

    private static OutNode Trigger(TriggerSpec trigger)
    {
        var map = new OutMap();
        Add(map, "name", trigger.Name);
        Add(map, "type", trigger.Type);
        Add(map, "path", trigger.Path);
        if (trigger.AuthMethod is not null || trigger.AuthSecretConfig is not null || trigger.AuthHeader is not null)
        {
            var auth = new OutMap();
            Add(auth, "method", trigger.AuthMethod);
            Add(auth, "secret_config", trigger.AuthSecretConfig);
            Add(auth, "header", trigger.AuthHeader);
            map.Entries.Add(("auth", auth));
        }

        Add(map, "mode", trigger.Mode);
        Add(map, "bucket", trigger.Bucket);
        Add(map, "prefix", trigger.Prefix);
        Add(map, "suffix", trigger.Suffix);
        Add(map, "poll_interval", trigger.PollInterval);
        Add(map, "topic", trigger.Topic);
        Add(map, "group", trigger.Group);
        Add(map, "shared", trigger.Shared);
        Add(map, "params", trigger.Params);
        Add(map, "filter", trigger.Filter);
        Add(map, "dedup_key", trigger.DedupKey);
        if (trigger.RateLimitMax is not null || trigger.RateLimitWindow is not null)
        {
            var rate = new OutMap();
            Add(rate, "max", trigger.RateLimitMax);
            Add(rate, "window", trigger.RateLimitWindow);
            map.Entries.Add(("rate_limit", rate));
        }

        return map;
    }

    private static OutMap RetryRule(RetryRule rule)
    {
        var map = new OutMap();
        if (!rule.ExitCodes.IsEmpty)
        {
            map.Entries.Add(("exit_codes", new OutSeq(rule.ExitCodes.Select(c => (OutNode)new OutScalar(c.ToString(CultureInfo.InvariantCulture))).ToList())));
        }

        Add(map, "error_codes", rule.ErrorCodes);
        Add(map, "exceptions", rule.Exceptions);
        if (rule.Output is { } output)
        {
            map.Entries.Add(("output", new OutScalar(QuoteAlways(output))));
        }

        if (rule.Action == RetryRuleAction.Fatal)
        {
            map.Entries.Add(("action", new OutScalar("FATAL")));
        }

        AddRetry(map, rule.Retry, rule.UnlimitedRetries);

        Add(map, "delay_between_retries", rule.DelayBetweenRetries);
        AddBackoff(map, rule.Backoff);
        if (rule.MemoryFactor is { } factor)
        {
            map.Entries.Add(("memory_factor", new OutScalar(factor.ToString("R", CultureInfo.InvariantCulture))));
        }

        Add(map, "memory_limit", rule.MemoryLimit);
        Add(map, "cpu_limit", rule.CpuLimit);
        return map;
    }

    /// <summary><c>retry_backoff_policy</c>, or Procrastinate's <c>linear_wait</c> / <c>exponential_wait</c> as written.</summary>
    private static void AddBackoff(OutMap map, BackoffPolicy? policy)
    {
        if (policy is { Shape: not BackoffShape.Exponential })
        {
            Add(map, policy.Key, policy.Min);
            return;
        }

        Add(map, "retry_backoff_policy", Backoff(policy));
    }

    private static OutMap? Backoff(BackoffPolicy? policy)
    {
        if (policy is null)
        {
            return null;
        }

        var map = new OutMap();
        Add(map, "min", policy.Min);
        Add(map, "max", policy.Max);
        map.Entries.Add(("factor", new OutScalar(policy.Factor.ToString("R", CultureInfo.InvariantCulture))));
        Add(map, "jitter", policy.Jitter);
        return map;
    }

    private static OutMap? Webhook(WebhookSpec? webhook)
    {
        if (webhook is null)
        {
            return null;
        }

        var map = new OutMap();
        Add(map, "url", webhook.Url);
        Add(map, "headers", webhook.Headers);
        Add(map, "query", webhook.Query);
        return map;
    }

    private static OutMap? Resources(ResourceSpec? resources)
    {
        if (resources is null)
        {
            return null;
        }

        var map = new OutMap();
        Add(map, "resource_type", resources.ResourceType);
        Add(map, "value", resources.Value, 0);
        Add(map, "description", resources.Description);
        Add(map, "platform", resources.Platform);
        Add(map, "category", resources.Category);
        Add(map, "tags", resources.Tags);
        if (!resources.ExtractProperties.IsEmpty || resources.ContextPrefix is not null)
        {
            var extract = new OutMap();
            Add(extract, "properties", resources.ExtractProperties);
            Add(extract, "context_prefix", resources.ContextPrefix);
            map.Entries.Add(("extract_config", extract));
        }

        return map;
    }

    /// <summary>Text the loader translates: Scriban templates go back to Go where that is verified.</summary>
    private static OutScalar Text(string text) => new(YamlText.Quote(ScribanToGo.TryConvert(text) ?? text));

    private static OutSeq Strings(EquatableArray<string> values) => new(values.Select(v => (OutNode)Text(v)).ToList());

    private static void Add(OutMap map, string key, OutNode? node)
    {
        if (node is not null)
        {
            map.Entries.Add((key, node));
        }
    }

    private static void Add(OutMap map, string key, string? text)
    {
        if (text is not null)
        {
            map.Entries.Add((key, Text(text)));
        }
    }

    private static void Add(OutMap map, string key, TimeSpan? duration)
    {
        if (duration is { } d)
        {
            map.Entries.Add((key, new OutScalar(GoDurations.Format(d))));
        }
    }

    /// <summary><c>retry</c>: <c>unlimited</c>, or the count unless it is 0 (a task's and a retry rule's alike).</summary>
    private static void AddRetry(OutMap map, int retry, bool unlimited)
    {
        if (unlimited)
        {
            map.Entries.Add(("retry", new OutScalar("unlimited")));
        }
        else
        {
            Add(map, "retry", retry, 0);
        }
    }

    private static void Add(OutMap map, string key, int? number)
    {
        if (number is { } n)
        {
            map.Entries.Add((key, new OutScalar(n.ToString(CultureInfo.InvariantCulture))));
        }
    }

    private static void Add(OutMap map, string key, int number, int byDefault)
    {
        if (number != byDefault)
        {
            map.Entries.Add((key, new OutScalar(number.ToString(CultureInfo.InvariantCulture))));
        }
    }

    private static void Add(OutMap map, string key, bool flag)
    {
        if (flag)
        {
            map.Entries.Add((key, new OutScalar("true")));
        }
    }

    private static void Add(OutMap map, string key, EquatableArray<string> values)
    {
        if (!values.IsEmpty)
        {
            map.Entries.Add((key, Strings(values)));
        }
    }

    /// <summary>Names and values: a mapping, or a list of name/value pairs when a name repeats.</summary>
    private static void Add(OutMap map, string key, EquatableArray<NamedValue> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        if (values.Select(v => v.Name).Distinct(StringComparer.Ordinal).Count() == values.Count)
        {
            map.Entries.Add((key, new OutMap(values.Select(v => (v.Name, (OutNode)Text(v.Value))).ToList())));
            return;
        }

        map.Entries.Add((key, new OutSeq(values.Select(v => (OutNode)new OutMap(new List<(string, OutNode)>
        {
            ("name", Text(v.Name)),
            ("value", Text(v.Value)),
        })).ToList())));
    }

    /// <summary>Options kept as JSON text, written back as the YAML they were read from.</summary>
    private static void AddOptions(OutMap map, EquatableArray<NamedValue> options)
    {
        foreach (var option in options)
        {
            map.Entries.Add((option.Name, FromJson(option.Value)));
        }
    }

    private static OutNode FromJson(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return FromJson(document.RootElement);
        }
        catch (JsonException)
        {
            return Text(json);
        }
    }

    private static OutNode FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new OutMap(element.EnumerateObject().Select(p => (p.Name, FromJson(p.Value))).ToList()),
        JsonValueKind.Array => new OutSeq(element.EnumerateArray().Select(FromJson).ToList()),
        JsonValueKind.String => new OutScalar(QuoteAlways(ScribanToGo.TryConvert(element.GetString()!) ?? element.GetString()!)),
        JsonValueKind.Null => new OutScalar("null"),
        _ => new OutScalar(element.GetRawText()),
    };

    /// <summary>Quoted even when plain would do, so that a JSON string such as <c>"1"</c> stays a string.</summary>
    private static string QuoteAlways(string text)
    {
        var quoted = YamlText.Quote(text);
        return quoted.StartsWith('"') ? quoted : "\"" + quoted + "\"";
    }
}
