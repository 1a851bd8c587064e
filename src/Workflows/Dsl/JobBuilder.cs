using Workflows.Definitions;

namespace Workflows;

/// <summary>
/// Describes a job: job-level settings first, then <see cref="Task(string)"/> for each task. Single-use: it is
/// sealed when the workflow is built. Every method mirrors a key of the formicary job format (named in its docs).
/// </summary>
public sealed class JobBuilder
{
    private readonly List<TaskDefinition> _tasks = [];
    private readonly Dictionary<string, TaskHandler> _handlers = new(StringComparer.Ordinal);
    private readonly List<Problem> _builderProblems = [];
    private JobDefinition _job;
    private bool _built;

    internal JobBuilder(string jobType)
    {
        _job = new JobDefinition { JobType = jobType };
    }

    /// <summary>Free text (<c>description</c>).</summary>
    /// <param name="description">The description.</param>
    public JobBuilder Description(string description) => Apply(nameof(Description), [description]);

    /// <summary>Semantic version, <c>major.minor[.patch]</c> (<c>sem_version</c>).</summary>
    /// <param name="version">The version.</param>
    public JobBuilder SemVersion(string version) => Apply(nameof(SemVersion), [version]);

    /// <summary>Platform label copied to requests (<c>platform</c>).</summary>
    /// <param name="platform">The platform.</param>
    public JobBuilder Platform(string platform) => Apply(nameof(Platform), [platform]);

    /// <summary>Informational URL (<c>url</c>).</summary>
    /// <param name="url">The URL.</param>
    public JobBuilder Url(string url) => Apply(nameof(Url), [url]);

    /// <summary>Cron schedule (<c>cron_trigger</c>).</summary>
    /// <param name="cron">The cron expression.</param>
    public JobBuilder CronTrigger(string cron) => Apply(nameof(CronTrigger), [cron]);

    /// <summary>
    /// Runs the job on a cron schedule (<c>cron_trigger</c>, and <c>cron_time_zone</c>): formicary's 5 fields (minute
    /// hour day-of-month month day-of-week), 6 (the same and a year) or 7 (a second first), or a macro such as
    /// <c>@daily</c>. Each scheduled job gets its instant as the param <c>ScheduledAt</c>.
    /// </summary>
    /// <param name="cron">The cron expression, e.g. <c>"0 2 * * *"</c> (daily at 02:00).</param>
    /// <param name="timeZone">The time zone it is read in (an IANA id such as <c>"Europe/Paris"</c>); null = UTC.</param>
    public JobBuilder Cron(string cron, string? timeZone = null) => Apply(nameof(Cron), [cron, timeZone]);

    /// <summary>The limit on the whole job (<c>timeout</c>).</summary>
    /// <param name="timeout">A positive duration.</param>
    public JobBuilder Timeout(TimeSpan timeout) => Apply(nameof(Timeout), [timeout]);

    /// <summary>Extra job attempts after a failure or RESTART_JOB (<c>retry</c>).</summary>
    /// <param name="retries">0 or more.</param>
    /// <value>Default: 0.</value>
    public JobBuilder Retry(int retries) => Apply(nameof(Retry), [retries]);

    /// <summary>The wait between job attempts (<c>delay_between_retries</c>).</summary>
    /// <param name="delay">0 or more.</param>
    public JobBuilder DelayBetweenRetries(TimeSpan delay) => Apply(nameof(DelayBetweenRetries), [delay]);

    /// <summary>Exponential backoff between job attempts (<c>retry_backoff_policy</c>).</summary>
    /// <param name="min">The first delay (positive).</param>
    /// <param name="max">The cap applied after jitter; null = no cap.</param>
    /// <param name="factor">Multiplier per attempt (≥ 1).</param>
    /// <param name="jitter">Draw each delay between min and the computed delay.</param>
    public JobBuilder Backoff(TimeSpan min, TimeSpan? max = null, double factor = 2, bool jitter = false) => Apply(nameof(Backoff), [min, max, factor, jitter]);

    /// <summary>Procrastinate's <c>linear_wait</c> between job attempts: the wait, then twice it, three times, … (<c>linear_wait: 5s</c>: 5 s, 10 s, 15 s).</summary>
    /// <param name="wait">The first wait (positive).</param>
    public JobBuilder LinearWait(TimeSpan wait) => Apply(nameof(LinearWait), [wait]);

    /// <summary>Procrastinate's <c>exponential_wait</c> between job attempts: the wait's seconds to the power of the retry number (<c>exponential_wait: 5s</c>: 5 s, 25 s, 125 s).</summary>
    /// <param name="wait">The first wait (1 s or more).</param>
    public JobBuilder ExponentialWait(TimeSpan wait) => Apply(nameof(ExponentialWait), [wait]);

    /// <summary>Every N+1 job retries, restart from scratch instead of resuming (<c>hard_reset_after_retries</c>).</summary>
    /// <param name="retries">0 or more.</param>
    public JobBuilder HardResetAfterRetries(int retries) => Apply(nameof(HardResetAfterRetries), [retries]);

    /// <summary>At most this many manual retries of one job, counted on its root (<c>max_manual_retries</c>); a retry past it is refused (409).</summary>
    /// <param name="retries">0 or more.</param>
    public JobBuilder MaxManualRetries(int retries) => Apply(nameof(MaxManualRetries), [retries]);

    /// <summary>How long a paused job waits before resuming (<c>pause_time</c>).</summary>
    /// <param name="pause">0 or more.</param>
    public JobBuilder PauseTime(TimeSpan pause) => Apply(nameof(PauseTime), [pause]);

    /// <summary>At most this many runs of the job type at once (<c>max_concurrency</c>).</summary>
    /// <param name="max">1 or more.</param>
    /// <value>Default: unlimited.</value>
    public JobBuilder MaxConcurrency(int max) => Apply(nameof(MaxConcurrency), [max]);

    /// <summary>Days finished jobs are kept (<c>retention_days_for_completed/_failed/_cancelled</c>).</summary>
    /// <param name="completed">Days a completed job is kept.</param>
    /// <param name="failed">Days a failed job is kept.</param>
    /// <param name="cancelled">Days a cancelled job is kept.</param>
    public JobBuilder RetentionDays(int? completed = null, int? failed = null, int? cancelled = null) => Apply(nameof(RetentionDays), [completed, failed, cancelled]);

    /// <summary>Publish for other organisations (<c>public_plugin</c>).</summary>
    /// <param name="value">True to publish.</param>
    public JobBuilder PublicPlugin(bool value = true) => Apply(nameof(PublicPlugin), [value]);

    /// <summary>Parameters a request must supply (<c>required_params</c>).</summary>
    /// <param name="names">Parameter names.</param>
    public JobBuilder RequiredParams(params string[] names) => Apply(nameof(RequiredParams), [names]);

    /// <summary>Render the whole definition at upload (<c>dynamic_template_tasks</c>).</summary>
    /// <param name="value">True to render.</param>
    public JobBuilder DynamicTemplateTasks(bool value = true) => Apply(nameof(DynamicTemplateTasks), [value]);

    /// <summary>A template variable for all tasks (<c>job_variables</c>).</summary>
    /// <param name="name">The variable's name.</param>
    /// <param name="value">Its value.</param>
    public JobBuilder Variable(string name, string value) => Apply(nameof(Variable), [name, value]);

    /// <summary>Template; when it renders <c>true</c> the request is skipped (<c>skip_if</c>).</summary>
    /// <param name="template">The template.</param>
    public JobBuilder SkipIf(string template) => Apply(nameof(SkipIf), [template]);

    /// <summary>Posted on each job lifecycle event (<c>webhook</c>).</summary>
    /// <param name="webhook">The webhook.</param>
    public JobBuilder Webhook(WebhookSpec webhook) => Apply(nameof(Webhook), [webhook]);

    /// <summary>A notification channel (<c>notify</c>).</summary>
    /// <param name="channel"><c>email</c> or <c>slack</c>.</param>
    /// <param name="when"><c>always</c>, <c>onSuccess</c>, <c>onFailure</c> or <c>never</c>.</param>
    /// <param name="recipients">Who is told.</param>
    public JobBuilder Notify(string channel, string when, params string[] recipients) => Apply(nameof(Notify), [channel, when, recipients]);

    /// <summary>Quota held while the job runs (<c>resources</c>).</summary>
    /// <param name="resources">The resource.</param>
    public JobBuilder Resources(ResourceSpec resources) => Apply(nameof(Resources), [resources]);

    /// <summary>An event that submits the job (<c>triggers</c>).</summary>
    /// <param name="trigger">The trigger.</param>
    public JobBuilder Trigger(TriggerSpec trigger) => Apply(nameof(Trigger), [trigger]);

    /// <summary>
    /// A webhook trigger (<c>triggers:</c> with <c>type: webhook</c>): an event posted to
    /// <c>POST /api/triggers/{job_type}/{name}</c> submits the job, with the params <see cref="TriggerParam"/> reads from it.
    /// </summary>
    /// <param name="name">The trigger's name, unique within the job (the URL's last segment).</param>
    /// <param name="auth">How events authenticate (<c>auth.method</c>); <see cref="WebhookAuth.None"/> takes every event.</param>
    /// <param name="secretConfig">The job config holding the secret (<c>auth.secret_config</c>); required with an auth.</param>
    /// <param name="header">The header carrying the signature or key (<c>auth.header</c>); default <c>X-Hub-Signature-256</c> for HMAC, <c>X-API-Key</c> for an API key.</param>
    /// <param name="filter">Template over the event (<c>Body</c>, <c>Headers</c>, <c>Query</c>); the event submits a job only when it renders <c>true</c>.</param>
    /// <param name="dedupKey">Template for a key: a second event with the same key submits no job (the first job's id is answered).</param>
    /// <param name="rateLimitMax">At most this many events per <paramref name="rateLimitWindow"/> submit jobs (<c>rate_limit.max</c>).</param>
    /// <param name="rateLimitWindow">The rate limit's window (<c>rate_limit.window</c>).</param>
    public JobBuilder WebhookTrigger(
        string name, WebhookAuth auth = WebhookAuth.None, string? secretConfig = null, string? header = null, string? filter = null, string? dedupKey = null,
        int? rateLimitMax = null, TimeSpan? rateLimitWindow = null) =>
        Apply(nameof(WebhookTrigger), [name, auth, secretConfig, header, filter, dedupKey, rateLimitMax, rateLimitWindow]);

    /// <summary>A job param the last trigger sets from its event (<c>params:</c>), e.g. <c>TriggerParam("branch", "{{ trimPrefix Body.ref \"refs/heads/\" }}")</c>.</summary>
    /// <param name="name">The param's name.</param>
    /// <param name="template">Template over the event (<c>Body</c>, <c>Headers</c>, <c>Query</c>).</param>
    /// <exception cref="InvalidOperationException">No trigger was added before it.</exception>
    public JobBuilder TriggerParam(string name, string template)
    {
        if (_job.Triggers.Count == 0)
        {
            throw new InvalidOperationException($"TriggerParam(\"{name}\", …) sets a param of the trigger before it: call WebhookTrigger(...) (or Trigger(...)) first.");
        }

        return Apply(nameof(TriggerParam), [name, template]);
    }

    /// <summary>Starts the next task (<c>task_type</c>). The first task is where the job starts.</summary>
    /// <param name="taskType">The task's name, unique within the job.</param>
    public TaskBuilder Task(string taskType)
    {
        EnsureOpen();
        _tasks.Add(new TaskDefinition { TaskType = taskType });
        return new TaskBuilder(this, _tasks.Count - 1);
    }

    internal TaskDefinition GetTask(int index) => _tasks[index];

    internal void SetTask(int index, TaskDefinition task)
    {
        EnsureOpen();
        _tasks[index] = task;
    }

    internal void SetHandler(string taskType, TaskHandler handler) => _handlers[taskType] = handler;

    internal void Report(Problem problem) => _builderProblems.Add(problem);

    internal void EnsureOpen()
    {
        if (_built)
        {
            throw new InvalidOperationException("This JobBuilder was already built; builders are single-use. Describe the job again in a new Define call.");
        }
    }

    /// <summary>Seals the builder, validates, and returns the definition; throws listing every error.</summary>
    internal BuiltWorkflow Build()
    {
        EnsureOpen();
        _built = true;
        var definition = _job with { Tasks = _tasks.ToEquatableArray() };
        var problems = _builderProblems.Concat(Templates.DefinitionChecks.Validate(definition)).ToList();
        if (problems.Any(p => p.IsError))
        {
            throw new InvalidWorkflowDefinitionException(definition.JobType, problems);
        }

        return new BuiltWorkflow(definition, problems, new Dictionary<string, TaskHandler>(_handlers, StringComparer.Ordinal));
    }

    private JobBuilder Apply(string method, object?[] args)
    {
        var job = DslCall.ApplyToJob(_job, method, args, out var problem);
        if (problem is not null)
        {
            Report(problem);
        }

        return Set(job);
    }

    private JobBuilder Set(JobDefinition job)
    {
        EnsureOpen();
        if (_tasks.Count > 0)
        {
            throw new InvalidOperationException("Job-level settings come before the first .Task(...): move this call above the tasks.");
        }

        _job = job;
        return this;
    }
}
