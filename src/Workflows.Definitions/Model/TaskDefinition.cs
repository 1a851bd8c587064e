using System;

namespace Workflows.Definitions
{
    /// <summary>
    /// One task of a job: what runs, how its exit code is read, how it is retried and where the job goes next.
    /// Every key of a formicary task has a property here, so nothing is lost on import.
    /// </summary>
    /// <remarks>
    /// Immutable and equatable (the source generator caches on it). Holds only strings, numbers, enums,
    /// <see cref="TimeSpan"/>, records and <see cref="EquatableArray{T}"/> — never symbols, syntax or locations.
    /// </remarks>
    public sealed record TaskDefinition
    {
        /// <summary>The task's name, unique within its job (<c>task_type</c>).</summary>
        public string TaskType { get; init; } = string.Empty;

        /// <summary>Free text (<c>description</c>).</summary>
        public string? Description { get; init; }

        /// <summary>The executor as written (<c>method</c>); null when not written. See <see cref="EffectiveMethod"/>.</summary>
        public TaskMethod? Method { get; init; }

        /// <summary>The container for DOCKER/KUBERNETES tasks (<c>container</c>).</summary>
        public ContainerSpec? Container { get; init; }

        /// <summary>Lines run before <see cref="Script"/>; a failure fails the task (<c>before_script</c>).</summary>
        public EquatableArray<string> BeforeScript { get; init; }

        /// <summary>The commands, one per line, or the URLs of an HTTP task (<c>script</c>). Lines may be templates.</summary>
        public EquatableArray<string> Script { get; init; }

        /// <summary>Lines always run after <see cref="Script"/>; failures are recorded as warnings (<c>after_script</c>).</summary>
        public EquatableArray<string> AfterScript { get; init; }

        /// <summary>Environment variables of the process or container (<c>environment</c>).</summary>
        public EquatableArray<NamedValue> Environment { get; init; }

        /// <summary>Task variables: template data and request variables (<c>variables</c>).</summary>
        public EquatableArray<NamedValue> Variables { get; init; }

        /// <summary>The URL of an HTTP task (<c>url</c>); used when <see cref="Script"/> is empty.</summary>
        public string? Url { get; init; }

        /// <summary>HTTP request headers (<c>headers</c>).</summary>
        public EquatableArray<NamedValue> Headers { get; init; }

        /// <summary>HTTP query parameters (<c>query</c>).</summary>
        public EquatableArray<NamedValue> Query { get; init; }

        /// <summary>The limit on one attempt (<c>timeout</c>); null = server default.</summary>
        public TimeSpan? Timeout { get; init; }

        /// <summary>Extra attempts after a failure (<c>retry</c>); 0 = no retry. See <see cref="UnlimitedRetries"/>.</summary>
        public int Retry { get; init; }

        /// <summary>Failures are retried without limit (<c>retry: unlimited</c>, a Workflows extension); <see cref="Retry"/> is then ignored.</summary>
        public bool UnlimitedRetries { get; init; }

        /// <summary>
        /// Per-failure-class retry rules, first match wins (<c>retry_on</c>, a Workflows extension). A failure that matches
        /// no rule uses <see cref="Retry"/>, <see cref="DelayBetweenRetries"/> and <see cref="Backoff"/>.
        /// </summary>
        public EquatableArray<RetryRule> RetryRules { get; init; }

        /// <summary>
        /// The name of a custom retry strategy the worker asks before a failure is recorded (<c>retry_strategy</c>, a
        /// Workflows extension); registered with <c>services.AddRetryStrategy&lt;T&gt;(name)</c>.
        /// </summary>
        public string? RetryStrategy { get; init; }

        /// <summary>The wait between attempts and between EXECUTING polls (<c>delay_between_retries</c>).</summary>
        public TimeSpan? DelayBetweenRetries { get; init; }

        /// <summary>Backoff between task attempts (<c>retry_backoff_policy</c>).</summary>
        public BackoffPolicy? Backoff { get; init; }

        /// <summary>A failure of this task does not fail the job; the path goes on via <see cref="OnCompleted"/> (<c>allow_failure</c>).</summary>
        public bool AllowFailure { get; init; }

        /// <summary>The task runs once after the job's path ends in failure or cancellation (cleanup) (<c>always_run</c>).</summary>
        public bool AlwaysRun { get; init; }

        /// <summary>Parsed by formicary but never used (<c>allow_start_if_completed</c>).</summary>
        public bool AllowStartIfCompleted { get; init; }

        /// <summary>Files collected after the task (<c>artifacts</c>).</summary>
        public ArtifactsSpec? Artifacts { get; init; }

        /// <summary>Folders cached between runs (<c>cache</c>).</summary>
        public CacheSpec? Cache { get; init; }

        /// <summary>Earlier tasks whose artifacts this task receives (<c>dependencies</c>).</summary>
        public EquatableArray<string> Dependencies { get; init; }

        /// <summary>Explicit artifact ids to download (<c>artifact_ids</c>).</summary>
        public EquatableArray<string> ArtifactIds { get; init; }

        /// <summary>Routing tags for workers (<c>tags</c>), lower-cased.</summary>
        public EquatableArray<string> Tags { get; init; }

        /// <summary>The next task after success (<c>on_completed</c>).</summary>
        public string? OnCompleted { get; init; }

        /// <summary>The next task after failure (<c>on_failed</c>).</summary>
        public string? OnFailed { get; init; }

        /// <summary>
        /// The next task whatever the outcome (<c>on_exit</c>, the seeds' third next-task key): taken after success when
        /// <see cref="OnCompleted"/> is not set and after failure when <see cref="OnFailed"/> is not set.
        /// </summary>
        public string? OnExit { get; init; }

        /// <summary>Exit code (or state word) → action, in written order (<c>on_exit_code</c>).</summary>
        public EquatableArray<ExitCodeRoute> ExitCodes { get; init; }

        /// <summary>Working directory of the process or container (<c>working_dir</c>).</summary>
        public string? WorkingDirectory { get; init; }

        /// <summary>Template; when it renders <c>true</c> the task is skipped as COMPLETED (<c>except</c>).</summary>
        public string? Except { get; init; }

        /// <summary>Keep stdout in the task result (<c>report_stdout</c>).</summary>
        public bool ReportStdout { get; init; }

        /// <summary>The job type a FORK_JOB task starts (<c>fork_job_type</c>).</summary>
        public string? ForkJobType { get; init; }

        /// <summary>The version of the forked job (<c>fork_job_version</c>).</summary>
        public string? ForkJobVersion { get; init; }

        /// <summary>Version for a forked job or task request (<c>job_version</c>).</summary>
        public string? JobVersion { get; init; }

        /// <summary>FORK_JOB tasks whose child jobs an AWAIT_FORKED_JOB task waits for (<c>await_forked_tasks</c>).</summary>
        public EquatableArray<string> AwaitForkedTasks { get; init; }

        /// <summary>Parameter mapping of a forked child job (<c>sub_workflow</c>).</summary>
        public SubWorkflowSpec? SubWorkflow { get; init; }

        /// <summary>Dynamic fan-out (<c>fan_out</c>).</summary>
        public FanOutSpec? FanOut { get; init; }

        /// <summary>MESSAGING request topic (<c>messaging_request_queue</c>).</summary>
        public string? MessagingRequestQueue { get; init; }

        /// <summary>MESSAGING reply topic (<c>messaging_reply_queue</c>).</summary>
        public string? MessagingReplyQueue { get; init; }

        /// <summary>Approval rules of a MANUAL task (<c>approval_policy</c>).</summary>
        public ApprovalPolicy? ApprovalPolicy { get; init; }

        /// <summary>Posted on each task lifecycle event (<c>webhook</c>).</summary>
        public WebhookSpec? Webhook { get; init; }

        /// <summary>Quota held while the task runs (<c>resources</c>).</summary>
        public ResourceSpec? Resources { get; init; }

        /// <summary>Sidecar containers (<c>services</c>).</summary>
        public EquatableArray<ServiceSpec> Services { get; init; }

        /// <summary>Run the container privileged (<c>privileged</c>).</summary>
        public bool Privileged { get; init; }

        /// <summary>Use the host's network (<c>host_network</c>).</summary>
        public bool HostNetwork { get; init; }

        /// <summary>Docker network mode (<c>network_mode</c>).</summary>
        public string? NetworkMode { get; init; }

        /// <summary>Environment of the helper container (<c>helper_environment</c>).</summary>
        public EquatableArray<NamedValue> HelperEnvironment { get; init; }

        /// <summary>Where artifacts are collected from (<c>artifacts_dir</c>).</summary>
        public string? ArtifactsDirectory { get; init; }

        /// <summary>Where the cache is restored (<c>cache_dir</c>).</summary>
        public string? CacheDirectory { get; init; }

        /// <summary>Prefix of stored artifact keys (<c>artifact_key_prefix</c>).</summary>
        public string? ArtifactKeyPrefix { get; init; }

        /// <summary>Cost multiplier for accounting (<c>cost_factor</c>).</summary>
        public double? CostFactor { get; init; }

        /// <summary>Run script lines without a shell (<c>execute_command_without_shell</c>).</summary>
        public bool ExecuteCommandWithoutShell { get; init; }

        /// <summary>Verbose executor logging (<c>debug</c>).</summary>
        public bool Debug { get; init; }

        /// <summary>Kubernetes node selector (<c>node_selector</c>).</summary>
        public EquatableArray<NamedValue> NodeSelector { get; init; }

        /// <summary>Kubernetes pod labels (<c>pod_labels</c>).</summary>
        public EquatableArray<NamedValue> PodLabels { get; init; }

        /// <summary>Kubernetes pod annotations (<c>pod_annotations</c>).</summary>
        public EquatableArray<NamedValue> PodAnnotations { get; init; }

        /// <summary>
        /// Other executor keys (<c>affinity</c>, <c>node_tolerations</c>, <c>helper</c>, …) kept verbatim as JSON
        /// text, so an import loses nothing even where no executor reads them yet.
        /// </summary>
        public EquatableArray<NamedValue> ExecutorOptions { get; init; }

        /// <summary>
        /// The executor that runs the task: <see cref="Method"/> when written, else DOCKER for a task with a
        /// container, else null (no executor: the validator reports WF5001).
        /// </summary>
        public TaskMethod? EffectiveMethod => Method ?? (Container is not null ? TaskMethod.Docker : null);

        /// <summary>
        /// The most attempts this task can get in one job attempt: 1 + <see cref="Retry"/> + the retries of every
        /// retrying <see cref="RetryRules"/> entry; null when that has no bound (unlimited retries, or a
        /// <see cref="RetryStrategy"/>, which decides at run time). An attempt with this number is surely the last.
        /// </summary>
        public int? MaxAttempts
        {
            get
            {
                if (UnlimitedRetries || RetryStrategy is not null)
                {
                    return null;
                }

                long total = 1L + Math.Max(0, Retry);
                foreach (var rule in RetryRules)
                {
                    if (rule.Action != RetryRuleAction.Retry)
                    {
                        continue;
                    }

                    if (rule.UnlimitedRetries)
                    {
                        return null;
                    }

                    total += Math.Max(0, rule.Retry);
                }

                return (int)Math.Min(int.MaxValue, total);
            }
        }

        /// <summary>Every task name this task routes to: on_completed, on_failed, on_exit and branch targets, in that order.</summary>
        public System.Collections.Generic.IEnumerable<string> RouteTargets()
        {
            if (OnCompleted is not null)
            {
                yield return OnCompleted;
            }

            if (OnFailed is not null)
            {
                yield return OnFailed;
            }

            if (OnExit is not null)
            {
                yield return OnExit;
            }

            foreach (var route in ExitCodes)
            {
                if (route.Action.Kind == ExitActionKind.GoToTask && route.Action.Value is not null)
                {
                    yield return route.Action.Value;
                }
            }
        }
    }
}
