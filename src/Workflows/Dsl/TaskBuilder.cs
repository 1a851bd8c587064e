using System.Globalization;
using Workflows.Definitions;

namespace Workflows;

/// <summary>
/// Describes one task: its executor, script, exit-code routes, retries and the next task. Every method mirrors a key
/// of the formicary task format (named in its docs). Call <see cref="Task(string)"/> to start the next task.
/// </summary>
public sealed partial class TaskBuilder
{
    private readonly JobBuilder _job;
    private readonly int _index;

    internal TaskBuilder(JobBuilder job, int index)
    {
        _job = job;
        _index = index;
    }

    private TaskDefinition Current => _job.GetTask(_index);

    /// <summary>Starts the next task (<c>task_type</c>).</summary>
    /// <param name="taskType">The task's name, unique within the job.</param>
    public TaskBuilder Task(string taskType) => _job.Task(taskType);

    /// <summary>Free text (<c>description</c>).</summary>
    /// <param name="description">The description.</param>
    public TaskBuilder Description(string description) => Apply(nameof(Description), [description]);

    /// <summary>Commands run one per line in one shell; the first failing line's exit code is the task's (<c>script</c>).
    /// For HTTP tasks, each line is a URL. Lines may be templates, e.g. <c>exit {{ Random 0 3 }}</c>.</summary>
    /// <param name="lines">The lines, appended in order.</param>
    public TaskBuilder Script(params string[] lines) => Apply(nameof(Script), [lines]);

    /// <summary>Lines run before the script; a failure fails the task (<c>before_script</c>).</summary>
    /// <param name="lines">The lines, appended in order.</param>
    public TaskBuilder BeforeScript(params string[] lines) => Apply(nameof(BeforeScript), [lines]);

    /// <summary>Lines always run after the script; failures are recorded as warnings (<c>after_script</c>).</summary>
    /// <param name="lines">The lines, appended in order.</param>
    public TaskBuilder AfterScript(params string[] lines) => Apply(nameof(AfterScript), [lines]);

    /// <summary>An environment variable of the process or container (<c>environment</c>).</summary>
    /// <param name="name">The variable's name.</param>
    /// <param name="value">Its value (may be a template).</param>
    public TaskBuilder Environment(string name, string value) => Apply(nameof(Environment), [name, value]);

    /// <summary>A task variable: template data and request variable (<c>variables</c>).</summary>
    /// <param name="name">The variable's name.</param>
    /// <param name="value">Its value.</param>
    public TaskBuilder Variable(string name, string value) => Apply(nameof(Variable), [name, value]);

    /// <summary>The URL of an HTTP task (<c>url</c>); the HTTP methods set it too.</summary>
    /// <param name="url">An absolute http(s) URL, or a template.</param>
    public TaskBuilder Url(string url) => Apply(nameof(Url), [url]);

    /// <summary>An HTTP request header (<c>headers</c>).</summary>
    /// <param name="name">The header's name.</param>
    /// <param name="value">Its value.</param>
    public TaskBuilder Header(string name, string value) => Apply(nameof(Header), [name, value]);

    /// <summary>An HTTP query parameter (<c>query</c>).</summary>
    /// <param name="name">The parameter's name.</param>
    /// <param name="value">Its value.</param>
    public TaskBuilder Query(string name, string value) => Apply(nameof(Query), [name, value]);

    /// <summary>The limit on one attempt (<c>timeout</c>); a timed-out attempt fails and retries apply.</summary>
    /// <param name="timeout">A positive duration.</param>
    public TaskBuilder Timeout(TimeSpan timeout) => Apply(nameof(Timeout), [timeout]);

    /// <summary>Extra attempts after a failure or RESTART_TASK (<c>retry</c>).</summary>
    /// <param name="retries">0 or more.</param>
    /// <value>Default: 0.</value>
    public TaskBuilder Retry(int retries) => Apply(nameof(Retry), [retries]);

    /// <summary>The wait between attempts and between EXECUTING polls (<c>delay_between_retries</c>).</summary>
    /// <param name="delay">0 or more.</param>
    public TaskBuilder DelayBetweenRetries(TimeSpan delay) => Apply(nameof(DelayBetweenRetries), [delay]);

    /// <summary>Exponential backoff between task attempts (<c>retry_backoff_policy</c>).</summary>
    /// <param name="min">The first delay (positive).</param>
    /// <param name="max">The cap applied after jitter; null = no cap.</param>
    /// <param name="factor">Multiplier per attempt (≥ 1).</param>
    /// <param name="jitter">Draw each delay between min and the computed delay.</param>
    public TaskBuilder Backoff(TimeSpan min, TimeSpan? max = null, double factor = 2, bool jitter = false) => Apply(nameof(Backoff), [min, max, factor, jitter]);

    /// <summary>Procrastinate's <c>linear_wait</c> between task attempts: the wait, then twice it, three times, … (<c>linear_wait: 5s</c>: 5 s, 10 s, 15 s).</summary>
    /// <param name="wait">The first wait (positive).</param>
    public TaskBuilder LinearWait(TimeSpan wait) => Apply(nameof(LinearWait), [wait]);

    /// <summary>Procrastinate's <c>exponential_wait</c> between task attempts: the wait's seconds to the power of the retry number (<c>exponential_wait: 5s</c>: 5 s, 25 s, 125 s).</summary>
    /// <param name="wait">The first wait (1 s or more).</param>
    public TaskBuilder ExponentialWait(TimeSpan wait) => Apply(nameof(ExponentialWait), [wait]);

    /// <summary>Retry failures without limit (<c>retry: unlimited</c>, a Workflows extension); give the task a delay or a backoff.</summary>
    public TaskBuilder RetryForever() => Apply(nameof(RetryForever), []);

    /// <summary>
    /// A retry rule for one class of failures (<c>retry_on</c>, a Workflows extension), e.g.
    /// <c>.RetryOn(Failure.ExitCode(75), rule => rule.Retry(10).Backoff(TimeSpan.FromSeconds(1)))</c>. The first matching
    /// rule wins; a failure that matches none uses <see cref="Retry(int)"/>.
    /// </summary>
    /// <param name="failure">The failure class.</param>
    /// <param name="rule">Its retries, delay, backoff, FATAL action or resource change; omitted = the class is not retried.</param>
    public TaskBuilder RetryOn(Failure failure, Func<RetryRuleBuilder, RetryRuleBuilder>? rule = null)
    {
        ArgumentNullException.ThrowIfNull(failure);
        if (rule is null)
        {
            return Apply(nameof(RetryOn), [failure.Criteria]);
        }

        var built = rule(new RetryRuleBuilder(failure.Criteria, Current.TaskType, _index));
        foreach (var problem in built.Problems)
        {
            _job.Report(problem);
        }

        return Apply(nameof(RetryOn), [built.Rule]);
    }

    /// <summary>
    /// Ask the retry strategy registered under this name before a failure is recorded (<c>retry_strategy</c>, a
    /// Workflows extension); register it with <c>services.AddRetryStrategy&lt;T&gt;(name)</c>.
    /// </summary>
    /// <param name="name">The strategy's name.</param>
    public TaskBuilder RetryStrategy(string name) => Apply(nameof(RetryStrategy), [name]);

    /// <summary>A failure of this task does not fail the job; the path goes on via on_completed (<c>allow_failure</c>).</summary>
    /// <param name="value">True to allow failure.</param>
    public TaskBuilder AllowFailure(bool value = true) => Apply(nameof(AllowFailure), [value]);

    /// <summary>Run once after the job's path ends in failure or cancellation, for cleanup (<c>always_run</c>).</summary>
    /// <param name="value">True to always run.</param>
    public TaskBuilder AlwaysRun(bool value = true) => Apply(nameof(AlwaysRun), [value]);

    /// <summary>Parsed by formicary but never used (<c>allow_start_if_completed</c>).</summary>
    /// <param name="value">The flag.</param>
    public TaskBuilder AllowStartIfCompleted(bool value = true) => Apply(nameof(AllowStartIfCompleted), [value]);

    /// <summary>Files collected after the task, relative to its working directory (<c>artifacts.paths</c>).</summary>
    /// <param name="paths">The paths.</param>
    public TaskBuilder Artifacts(params string[] paths) => Apply(nameof(Artifacts), [paths]);

    /// <summary>Files collected after the task, with expiry and condition (<c>artifacts</c>).</summary>
    /// <param name="artifacts">The artifacts.</param>
    public TaskBuilder Artifacts(ArtifactsSpec artifacts) => Apply(nameof(Artifacts), [artifacts]);

    /// <summary>Folders cached between runs (<c>cache</c>).</summary>
    /// <param name="cache">The cache.</param>
    public TaskBuilder Cache(CacheSpec cache) => Apply(nameof(Cache), [cache]);

    /// <summary>Earlier tasks whose artifacts this task receives (<c>dependencies</c>).</summary>
    /// <param name="taskTypes">The tasks.</param>
    public TaskBuilder Dependencies(params string[] taskTypes) => Apply(nameof(Dependencies), [taskTypes]);

    /// <summary>Explicit artifact ids to download (<c>artifact_ids</c>).</summary>
    /// <param name="ids">The ids.</param>
    public TaskBuilder ArtifactIds(params string[] ids) => Apply(nameof(ArtifactIds), [ids]);

    /// <summary>Worker routing tags, lower-cased (<c>tags</c>).</summary>
    /// <param name="tags">The tags.</param>
    public TaskBuilder Tags(params string[] tags) => Apply(nameof(Tags), [tags]);

    /// <summary>The next task after success (<c>on_completed</c>).</summary>
    /// <param name="taskType">The next task's name.</param>
    public TaskBuilder OnCompleted(string taskType) => Apply(nameof(OnCompleted), [taskType]);

    /// <summary>The next task after failure (<c>on_failed</c>).</summary>
    /// <param name="taskType">The next task's name.</param>
    public TaskBuilder OnFailed(string taskType) => Apply(nameof(OnFailed), [taskType]);

    /// <summary>The next task whatever the outcome (<c>on_exit</c>), when <see cref="OnCompleted"/> or <see cref="OnFailed"/> does not say.</summary>
    /// <param name="taskType">The next task's name.</param>
    public TaskBuilder OnExit(string taskType) => Apply(nameof(OnExit), [taskType]);

    /// <summary>Maps an exit code to an action (<c>on_exit_code</c>), e.g. <c>OnExitCode(2, RestartTask)</c>.</summary>
    /// <param name="exitCode">The exit code (0–255 for processes and containers, 100–599 for HTTP).</param>
    /// <param name="action">The action.</param>
    public TaskBuilder OnExitCode(int exitCode, ExitAction action) => Apply(nameof(OnExitCode), [exitCode, action]);

    /// <summary>Maps an exit code to a custom error code (<c>"ERR_XYZ"</c>) or to the next task's name (<c>on_exit_code</c>).</summary>
    /// <param name="exitCode">The exit code.</param>
    /// <param name="target">An <c>ERR_*</c> code or a task name.</param>
    public TaskBuilder OnExitCode(int exitCode, string target) => Apply(nameof(OnExitCode), [exitCode, target]);

    /// <summary>Maps a state key (<c>"APPROVED"</c>, <c>"COMPLETED"</c>, …) to an action (<c>on_exit_code</c>).</summary>
    /// <param name="key">The state key.</param>
    /// <param name="action">The action.</param>
    public TaskBuilder OnExitCode(string key, ExitAction action) => Apply(nameof(OnExitCode), [key, action]);

    /// <summary>Maps a state key to a custom error code or the next task's name (<c>on_exit_code</c>).</summary>
    /// <param name="key">The state key.</param>
    /// <param name="target">An <c>ERR_*</c> code or a task name.</param>
    public TaskBuilder OnExitCode(string key, string target) => Apply(nameof(OnExitCode), [key, target]);

    /// <summary>Working directory of the process or container (<c>working_dir</c>).</summary>
    /// <param name="path">The directory.</param>
    public TaskBuilder WorkingDirectory(string path) => Apply(nameof(WorkingDirectory), [path]);

    /// <summary>Template; when it renders <c>true</c> the task is skipped as COMPLETED (<c>except</c>).</summary>
    /// <param name="template">The template.</param>
    public TaskBuilder Except(string template) => Apply(nameof(Except), [template]);

    /// <summary>Keep stdout in the task result (<c>report_stdout</c>).</summary>
    /// <param name="value">True to keep it.</param>
    public TaskBuilder ReportStdout(bool value = true) => Apply(nameof(ReportStdout), [value]);

    /// <summary>Version for a forked job or task request (<c>job_version</c>).</summary>
    /// <param name="version">The version.</param>
    public TaskBuilder JobVersion(string version) => Apply(nameof(JobVersion), [version]);

    /// <summary>Parameter mapping of a forked child job (<c>sub_workflow</c>).</summary>
    /// <param name="subWorkflow">The mapping.</param>
    public TaskBuilder SubWorkflow(SubWorkflowSpec subWorkflow) => Apply(nameof(SubWorkflow), [subWorkflow]);

    /// <summary>Run once per element of a JSON array variable (<c>fan_out</c>).</summary>
    /// <param name="fanOut">The fan-out.</param>
    public TaskBuilder FanOut(FanOutSpec fanOut) => Apply(nameof(FanOut), [fanOut]);

    /// <summary>Posted on each task lifecycle event (<c>webhook</c>).</summary>
    /// <param name="webhook">The webhook.</param>
    public TaskBuilder Webhook(WebhookSpec webhook) => Apply(nameof(Webhook), [webhook]);

    /// <summary>Quota held while the task runs (<c>resources</c>).</summary>
    /// <param name="resources">The resource.</param>
    public TaskBuilder Resources(ResourceSpec resources) => Apply(nameof(Resources), [resources]);

    /// <summary>A sidecar container (<c>services</c>).</summary>
    /// <param name="service">The service.</param>
    public TaskBuilder Service(ServiceSpec service) => Apply(nameof(Service), [service]);

    /// <summary>Run the container privileged (<c>privileged</c>).</summary>
    /// <param name="value">True for privileged.</param>
    public TaskBuilder Privileged(bool value = true) => Apply(nameof(Privileged), [value]);

    /// <summary>Use the host's network (<c>host_network</c>).</summary>
    /// <param name="value">True for the host network.</param>
    public TaskBuilder HostNetwork(bool value = true) => Apply(nameof(HostNetwork), [value]);

    /// <summary>Docker network mode (<c>network_mode</c>).</summary>
    /// <param name="mode">The mode, e.g. <c>bridge</c>.</param>
    public TaskBuilder NetworkMode(string mode) => Apply(nameof(NetworkMode), [mode]);

    /// <summary>An environment variable of the helper container (<c>helper_environment</c>).</summary>
    /// <param name="name">The variable's name.</param>
    /// <param name="value">Its value.</param>
    public TaskBuilder HelperEnvironment(string name, string value) => Apply(nameof(HelperEnvironment), [name, value]);

    /// <summary>Where artifacts are collected from (<c>artifacts_dir</c>).</summary>
    /// <param name="path">The directory.</param>
    public TaskBuilder ArtifactsDirectory(string path) => Apply(nameof(ArtifactsDirectory), [path]);

    /// <summary>Where the cache is restored (<c>cache_dir</c>).</summary>
    /// <param name="path">The directory.</param>
    public TaskBuilder CacheDirectory(string path) => Apply(nameof(CacheDirectory), [path]);

    /// <summary>Prefix of stored artifact keys (<c>artifact_key_prefix</c>).</summary>
    /// <param name="prefix">The prefix.</param>
    public TaskBuilder ArtifactKeyPrefix(string prefix) => Apply(nameof(ArtifactKeyPrefix), [prefix]);

    /// <summary>Cost multiplier for accounting (<c>cost_factor</c>).</summary>
    /// <param name="factor">The factor.</param>
    public TaskBuilder CostFactor(double factor) => Apply(nameof(CostFactor), [factor]);

    /// <summary>Run script lines without a shell (<c>execute_command_without_shell</c>).</summary>
    /// <param name="value">True to run without a shell.</param>
    public TaskBuilder ExecuteCommandWithoutShell(bool value = true) => Apply(nameof(ExecuteCommandWithoutShell), [value]);

    /// <summary>Verbose executor logging (<c>debug</c>).</summary>
    /// <param name="value">True for verbose logging.</param>
    public TaskBuilder Debug(bool value = true) => Apply(nameof(Debug), [value]);

    /// <summary>A Kubernetes node selector entry (<c>node_selector</c>).</summary>
    /// <param name="name">The label.</param>
    /// <param name="value">Its value.</param>
    public TaskBuilder NodeSelector(string name, string value) => Apply(nameof(NodeSelector), [name, value]);

    /// <summary>A Kubernetes pod label (<c>pod_labels</c>).</summary>
    /// <param name="name">The label.</param>
    /// <param name="value">Its value.</param>
    public TaskBuilder PodLabel(string name, string value) => Apply(nameof(PodLabel), [name, value]);

    /// <summary>A Kubernetes pod annotation (<c>pod_annotations</c>).</summary>
    /// <param name="name">The annotation.</param>
    /// <param name="value">Its value.</param>
    public TaskBuilder PodAnnotation(string name, string value) => Apply(nameof(PodAnnotation), [name, value]);

    /// <summary>Another executor key (<c>affinity</c>, <c>node_tolerations</c>, <c>helper</c>, …) as JSON text.</summary>
    /// <param name="name">The YAML key.</param>
    /// <param name="json">Its value as JSON.</param>
    public TaskBuilder ExecutorOption(string name, string json) => Apply(nameof(ExecutorOption), [name, json]);

    private TaskBuilder Apply(string method, object?[] args)
    {
        var task = DslCall.ApplyToTask(Current, _index, method, args, out var problem);
        if (problem is not null)
        {
            _job.Report(problem);
        }

        _job.SetTask(_index, task);
        return this;
    }
}
