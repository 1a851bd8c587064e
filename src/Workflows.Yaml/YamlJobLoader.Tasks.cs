using Workflows.Definitions;

namespace Workflows.Yaml;

public static partial class YamlJobLoader
{
    private static EquatableArray<TaskDefinition> ReadTasks(YamlNode node, Scope scope, LoadContext context, List<YamlMappingNode> taskNodes)
    {
        var list = context.Sequence(node, scope, "tasks", "a list of tasks, each starting '- task_type: name'");
        if (list is null)
        {
            return default;
        }

        var tasks = new List<TaskDefinition>();
        foreach (var item in list.Items)
        {
            if (item is not YamlMappingNode map)
            {
                context.WrongType(scope, "tasks", item, "a task (a mapping)", "'- task_type: build' with the task's keys below it");
                continue;
            }

            taskNodes.Add(map);
            tasks.Add(ReadTask(map, tasks.Count, context));
        }

        return tasks.ToEquatableArray();
    }

    private static TaskDefinition ReadTask(YamlMappingNode map, int index, LoadContext context)
    {
        var scope = Scope.ForTask(PeekText(map, "task_type") ?? string.Empty, index);
        var task = new TaskDefinition();
        var options = new List<NamedValue>();
        foreach (var (key, keyNode, value) in context.Entries(map, scope, KnownKeys.Task))
        {
            if (KnownKeys.TaskNotRunYet.TryGetValue(key, out var reason) && IsSet(value))
            {
                context.Report(WorkflowDiagnostics.NotRunYet, scope, key, keyNode, scope.Subject, key, reason);
            }

            if (KnownKeys.TaskOptions.Contains(key))
            {
                options.Add(new NamedValue(key, context.Json(value, scope, key)));
                continue;
            }

            if (SecondWait(key, task.Backoff, keyNode, scope, context))
            {
                continue;
            }

            task = key switch
            {
                "task_type" => task with { TaskType = context.String(value, scope, key) ?? string.Empty },
                "description" => task with { Description = context.String(value, scope, key) },
                "method" => task with { Method = ReadMethod(value, scope, key, context) },
                "container" => task with { Container = ReadContainer(value, scope, key, context) },
                "before_script" => task with { BeforeScript = context.Script(value, scope, key) },
                "script" => task with { Script = context.Script(value, scope, key) },
                "after_script" => task with { AfterScript = context.Script(value, scope, key) },
                "environment" => task with { Environment = context.NamedValues(value, scope, key) },
                "variables" => task with { Variables = context.NamedValues(value, scope, key) },
                "url" => task with { Url = context.String(value, scope, key) },
                "headers" => task with { Headers = context.NamedValues(value, scope, key) },
                "query" => task with { Query = context.NamedValues(value, scope, key) },
                "timeout" => task with { Timeout = context.Duration(value, scope, key) },
                "retry" => ReadTaskRetry(task, value, scope, key, context),
                "retry_on" => task with { RetryRules = ReadRetryRules(value, scope, key, context) },
                "retry_strategy" => task with { RetryStrategy = context.String(value, scope, key) },
                "delay_between_retries" => task with { DelayBetweenRetries = context.Duration(value, scope, key) },
                "retry_backoff_policy" => task with { Backoff = ReadBackoff(value, scope, key, context) },
                "linear_wait" => task with { Backoff = Wait(BackoffPolicy.LinearWait, context.WaitDuration(value, scope, key)) },
                "exponential_wait" => task with { Backoff = Wait(BackoffPolicy.ExponentialWait, context.WaitDuration(value, scope, key)) },
                "allow_failure" => task with { AllowFailure = context.Bool(value, scope, key) ?? false },
                "always_run" => task with { AlwaysRun = context.Bool(value, scope, key) ?? false },
                "allow_start_if_completed" => task with { AllowStartIfCompleted = context.Bool(value, scope, key) ?? false },
                "artifacts" => task with { Artifacts = ReadArtifacts(value, scope, key, context) },
                "cache" => task with { Cache = ReadCache(value, scope, key, context) },
                "dependencies" => task with { Dependencies = context.Strings(value, scope, key) },
                "artifact_ids" => task with { ArtifactIds = context.Strings(value, scope, key, allowCsv: true) },
                "tags" => task with { Tags = context.Strings(value, scope, key).Select(t => t.ToLowerInvariant()).ToEquatableArray() },
                "on_completed" => task with { OnCompleted = context.String(value, scope, key) },
                "on_failed" => task with { OnFailed = context.String(value, scope, key) },
                "on_exit" => task with { OnExit = context.String(value, scope, key) },
                "on_exit_code" => task with { ExitCodes = ReadExitCodes(value, scope, key, context) },
                "working_dir" => task with { WorkingDirectory = context.String(value, scope, key) },
                "except" => task with { Except = context.String(value, scope, key) },
                "report_stdout" => task with { ReportStdout = context.Bool(value, scope, key) ?? false },
                "fork_job_type" => task with { ForkJobType = context.String(value, scope, key) },
                "fork_job_version" => task with { ForkJobVersion = context.String(value, scope, key) },
                "job_version" => task with { JobVersion = context.String(value, scope, key) },
                "await_forked_tasks" => task with { AwaitForkedTasks = context.Strings(value, scope, key) },
                "sub_workflow" => task with { SubWorkflow = ReadSubWorkflow(value, scope, key, context) },
                "fan_out" => task with { FanOut = ReadFanOut(value, scope, key, context) },
                "messaging_request_queue" => task with { MessagingRequestQueue = context.String(value, scope, key) },
                "messaging_reply_queue" => task with { MessagingReplyQueue = context.String(value, scope, key) },
                "approval_policy" => task with { ApprovalPolicy = ReadApproval(value, scope, key, context) },
                "webhook" => task with { Webhook = ReadWebhook(value, scope, key, context) },
                "resources" => task with { Resources = ReadResources(value, scope, key, context) },
                "services" => task with { Services = ReadServices(value, scope, key, context) },
                "privileged" => task with { Privileged = context.Bool(value, scope, key) ?? false },
                "host_network" => task with { HostNetwork = context.Bool(value, scope, key) ?? false },
                "network_mode" => task with { NetworkMode = context.String(value, scope, key) },
                "helper_environment" => task with { HelperEnvironment = context.NamedValues(value, scope, key) },
                "artifacts_dir" => task with { ArtifactsDirectory = context.String(value, scope, key) },
                "cache_dir" => task with { CacheDirectory = context.String(value, scope, key) },
                "artifact_key_prefix" => task with { ArtifactKeyPrefix = context.String(value, scope, key) },
                "cost_factor" => task with { CostFactor = context.Double(value, scope, key) },
                "execute_command_without_shell" => task with { ExecuteCommandWithoutShell = context.Bool(value, scope, key) ?? false },
                "debug" => task with { Debug = context.Bool(value, scope, key) ?? false },
                "node_selector" => task with { NodeSelector = context.NamedValues(value, scope, key) },
                "pod_labels" => task with { PodLabels = context.NamedValues(value, scope, key) },
                "pod_annotations" => task with { PodAnnotations = context.NamedValues(value, scope, key) },
                _ => throw new InvalidOperationException($"Task key '{key}' is listed as known but not read."),
            };

            if (key == "method" && task.Method is { } method && KnownKeys.MethodNotRunYet.TryGetValue(method, out var methodReason))
            {
                context.Report(WorkflowDiagnostics.NotRunYet, scope, key, value, scope.Subject, $"method: {method.ToYaml()}", methodReason);
            }
        }

        return options.Count == 0 ? task : task with { ExecutorOptions = options.ToEquatableArray() };
    }

    private static TaskMethod? ReadMethod(YamlNode value, Scope scope, string key, LoadContext context) =>
        context.OneOf(value, scope, key, KnownKeys.Methods) is { } text && TaskMethods.TryParse(text, out var method) ? method : null;

    /// <summary>
    /// The <c>on_exit_code</c> map in written order, keys as written. Read entry by entry (not as a dictionary) so that
    /// a repeated code reaches the validator, which reports it as WF1001.
    /// </summary>
    private static EquatableArray<ExitCodeRoute> ReadExitCodes(YamlNode value, Scope scope, string key, LoadContext context)
    {
        if (context.Mapping(value, scope, key, "'on_exit_code:' with lines such as '2: RESTART_TASK' below it") is not { } map)
        {
            return default;
        }

        var routes = new List<ExitCodeRoute>();
        var inner = scope.Nested(key);
        foreach (var (codeNode, targetNode) in map.Entries)
        {
            if (codeNode is not YamlScalarNode { IsNull: false } code)
            {
                context.WrongType(scope, key, codeNode, "an exit code or a state", "'2: RESTART_TASK'");
                continue;
            }

            if (targetNode is not YamlScalarNode { IsNull: false } target)
            {
                context.WrongType(inner, code.Value, targetNode, "a task name or an action (COMPLETED, FAILED, FATAL, RESTART_TASK, RESTART_JOB, EXECUTING, PAUSE_JOB, ERR_*)", $"'{code.Value}: RESTART_TASK'");
                continue;
            }

            routes.Add(new ExitCodeRoute(code.Value, ExitAction.Parse(context.Translate(target, inner, code.Value).Trim())));
        }

        return routes.ToEquatableArray();
    }
}
