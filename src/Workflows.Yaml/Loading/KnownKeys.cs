using Workflows.Definitions;

namespace Workflows.Yaml;

/// <summary>The keys of each part of a formicary job definition (FORMICARY-FORMAT.md part 2 §2), and what is not run yet.</summary>
internal static class KnownKeys
{
    public static readonly string[] Job =
    {
        "job_type", "description", "sem_version", "platform", "url", "cron_trigger", "cron_time_zone", "timeout", "retry",
        "delay_between_retries", "retry_backoff_policy", "linear_wait", "exponential_wait", "hard_reset_after_retries", "max_manual_retries", "pause_time", "max_concurrency",
        "retention_days_for_failed", "retention_days_for_completed", "retention_days_for_cancelled", "public_plugin",
        "required_params", "dynamic_template_tasks", "job_variables", "skip_if", "webhook", "notify", "resources",
        "triggers", "tasks",
    };

    /// <summary>Job keys formicary computes from the tasks; a value written for them is ignored.</summary>
    public static readonly string[] JobComputed = { "tags", "methods" };

    public static readonly string[] Task =
    {
        "task_type", "description", "method", "container", "before_script", "script", "after_script", "environment",
        "variables", "url", "headers", "query", "timeout", "retry", "delay_between_retries", "retry_backoff_policy",
        "allow_failure", "always_run", "allow_start_if_completed", "artifacts", "cache", "dependencies", "artifact_ids",
        "tags", "on_completed", "on_failed", "on_exit_code", "working_dir", "except", "report_stdout", "fork_job_type",
        "fork_job_version", "job_version", "await_forked_tasks", "sub_workflow", "fan_out", "messaging_request_queue",
        "messaging_reply_queue", "approval_policy", "webhook", "resources", "services", "privileged", "host_network",
        "network_mode", "helper_environment", "artifacts_dir", "cache_dir", "artifact_key_prefix", "cost_factor",
        "execute_command_without_shell", "debug", "node_selector", "pod_labels", "pod_annotations",

        // Workflows extensions of the format (docs/yaml.md).
        "retry_on", "retry_strategy",

        // Keys of the seed documents that formicary's code lacks: on_exit (retry-job and sensor-job docs), and
        // Procrastinate's linear_wait and exponential_wait (its retry strategies).
        "on_exit", "linear_wait", "exponential_wait",

        // Executor options with no typed property: kept as JSON text in TaskDefinition.ExecutorOptions.
        "affinity", "node_tolerations", "helper", "dependent_artifact_ids",
    };

    /// <summary>Task keys kept verbatim (as JSON text) in <see cref="TaskDefinition.ExecutorOptions"/>.</summary>
    public static readonly string[] TaskOptions = { "affinity", "node_tolerations", "helper", "dependent_artifact_ids" };

    public static readonly string[] Container =
    {
        "image", "imageDefinition", "volumes", "volume_driver", "volumes_from", "devices", "bind_dir", "cpu_limit",
        "cpu_request", "memory_limit", "memory_request", "ephemeral_storage_limit", "ephemeral_storage_request",
        "service_account", "env_from", "env_value_from",
    };

    /// <summary>The keys of one <c>retry_on</c> rule (a Workflows extension).</summary>
    public static readonly string[] RetryRule =
    {
        "exit_codes", "error_codes", "exceptions", "output", "action", "retry", "delay_between_retries", "retry_backoff_policy",
        "linear_wait", "exponential_wait", "memory_factor", "memory_limit", "cpu_limit",
    };

    public static readonly string[] Artifacts = { "paths", "expires_after", "when" };

    public static readonly string[] Cache = { "paths", "key", "key_paths", "expires_after" };

    public static readonly string[] Service =
    {
        "name", "image", "alias", "instances", "working_directory", "command", "entrypoint", "ports", "volumes",
        "cpu_limit", "cpu_request", "memory_limit", "memory_request", "ephemeral_storage_limit", "ephemeral_storage_request",
    };

    /// <summary>The keys of one volume of any kind (formicary's Kubernetes volume types).</summary>
    public static readonly string[] Volume = { "name", "mount_path", "host_path", "sub_path", "read_only", "medium", "items", "sources" };

    public static readonly string[] Webhook = { "url", "headers", "query" };

    public static readonly string[] NotifyChannel = { "recipients", "when" };

    public static readonly string[] Resource = { "resource_type", "description", "platform", "category", "tags", "value", "extract_config" };

    public static readonly string[] ExtractConfig = { "properties", "context_prefix" };

    public static readonly string[] Trigger =
    {
        "name", "type", "path", "auth", "mode", "bucket", "prefix", "suffix", "poll_interval", "topic", "group", "shared",
        "params", "filter", "dedup_key", "rate_limit",
    };

    public static readonly string[] TriggerAuth = { "method", "secret_config", "header" };

    public static readonly string[] RateLimit = { "max", "window" };

    public static readonly string[] Approval =
    {
        "min_approvals", "allowed_roles", "allowed_users", "require_unanimous", "sla_deadline", "timeout_action",
        "escalation_recipients", "escalation_message",
    };

    public static readonly string[] FanOut = { "source", "item_var", "max_parallel", "fail_fast", "fork_job_type", "fork_job_version" };

    public static readonly string[] SubWorkflow = { "input_params", "output_variables", "wait_for_completion" };

    public static readonly string[] Backoff = { "min", "max", "factor", "jitter" };

    public static readonly string[] NameValue = { "name", "value" };

    /// <summary>Keys written in formicary's own examples or docs that do not exist, and the key meant (used when it is known where it was written).</summary>
    public static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["variables"] = "job_variables",
        ["task_variables"] = "variables",
        ["image"] = "container",
        ["exit_codes"] = "on_exit_code",
    };

    /// <summary>Job keys that are loaded but not run yet, and why (the one list: <see cref="NotRunYetKeys"/>).</summary>
    public static IReadOnlyDictionary<string, string> JobNotRunYet => NotRunYetKeys.Job;

    /// <summary>Task keys that are loaded but not run yet, and why.</summary>
    public static IReadOnlyDictionary<string, string> TaskNotRunYet => NotRunYetKeys.Task;

    /// <summary>Trigger types that are loaded but not run yet, and why.</summary>
    public static IReadOnlyDictionary<string, string> TriggerTypeNotRunYet => NotRunYetKeys.TriggerTypes;

    /// <summary>Methods that are loaded but not run yet, and why.</summary>
    public static IReadOnlyDictionary<TaskMethod, string> MethodNotRunYet => NotRunYetKeys.Methods;

    /// <summary>The methods a YAML task may name (every formicary method; IN_PROCESS needs a C# delegate).</summary>
    public static readonly string[] Methods = Enum.GetValues<TaskMethod>().Where(m => m != TaskMethod.InProcess).Select(m => m.ToYaml()).ToArray();
}
