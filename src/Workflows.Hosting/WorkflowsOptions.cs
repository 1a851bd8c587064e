using System.ComponentModel.DataAnnotations;

namespace Workflows;

/// <summary>Settings of the Workflows runtime in a host; validated when the host starts, every bad field listed at once.</summary>
public sealed class WorkflowsOptions
{
    /// <summary>
    /// The PostgreSQL connection string (<c>ConnectionStrings:Workflows</c>). When not set, the host starts (or reuses)
    /// a private PostgreSQL cluster under <see cref="DataDirectory"/> and logs where it is.
    /// </summary>
    /// <value>Default: null (the embedded cluster).</value>
    public string? ConnectionString { get; set; }

    /// <summary>Where the host keeps its files: the embedded PostgreSQL cluster, artifacts and task work folders.</summary>
    /// <value>
    /// Default: <c>/var/lib/workflows</c> when running as root (the embedded cluster runs as the <c>postgres</c> user, which
    /// must reach the folder; a home folder such as <c>/root</c> is private), else <c>workflows</c> under the user's local
    /// application data folder (<c>~/.local/share/workflows</c> on Linux).
    /// </value>
    [Required(ErrorMessage = "DataDirectory is required: set Workflows:DataDirectory to a folder the host may write.")]
    public string DataDirectory { get; set; } = DefaultDataDirectory();

    private static string DefaultDataDirectory() => OperatingSystem.IsLinux() && Environment.UserName == "root"
        ? "/var/lib/workflows"
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "workflows");

    /// <summary>The database schema of the job streams, views and due-task rows.</summary>
    /// <value>Default: <c>workflows</c>.</value>
    [Required]
    [RegularExpression("^[a-z_][a-z0-9_]*$", ErrorMessage = "Schema must be a lower-case PostgreSQL identifier, e.g. 'workflows'.")]
    public string Schema { get; set; } = "workflows";

    /// <summary>
    /// How many task attempts run at once in this process; 0 makes a submit-only host (an API front end, a client). The
    /// host runs eight worker loops per slot: a loop waiting for its writes to commit does not hold a slot.
    /// </summary>
    /// <value>Default: 2.</value>
    [Range(0, 256, ErrorMessage = "WorkerCount must be between 0 (a submit-only host) and 256.")]
    public int WorkerCount { get; set; } = 2;

    /// <summary>How long a claim holds before another worker may take the attempt (a dead worker's tasks run again after it).</summary>
    /// <value>Default: 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Lease must be between 1 second and 1 day.")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an idle worker waits before looking for due work again.</summary>
    /// <value>Default: 200 ms.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00", ErrorMessage = "PollInterval must be between 10 ms and 1 minute.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The Docker engine that DOCKER tasks run on.</summary>
    /// <value>Default: <c>unix:///var/run/docker.sock</c>.</value>
    public Uri DockerEndpoint { get; set; } = new("unix:///var/run/docker.sock");

    /// <summary>
    /// What tasks may do on this machine (<c>Workflows:Execution</c>): SHELL tasks are off unless <c>AllowShell</c>; on a
    /// root host they run as <c>RunAs</c> (<c>nobody</c>) unless <c>AllowRoot</c>; containers are not privileged and not
    /// on the host's network unless <c>AllowPrivilegedContainers</c> / <c>AllowHostNetwork</c>. See docs/executors.md.
    /// </summary>
    /// <value>Default: least privilege (every Allow… false, RunAs <c>nobody</c>).</value>
    public Workflows.Executors.ExecutionPolicy Execution { get; set; } = new();

    /// <summary>
    /// Run KUBERNETES tasks as DOCKER containers (no cluster executor is built in; for local runs). When false, a job
    /// that reaches a KUBERNETES task fails it with <c>ERR_METHOD_NOT_SUPPORTED</c>.
    /// </summary>
    /// <value>Default: false.</value>
    public bool KubernetesAsDocker { get; set; }

    /// <summary>
    /// URL prefixes HTTP tasks are sent to instead (e.g. <c>https://jsonplaceholder.typicode.com</c> → a local stand-in), to
    /// run jobs offline without editing them. Each redirect is written to the task's log.
    /// </summary>
    public IDictionary<string, string> HttpRedirects { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Images to use instead of others that cannot be pulled (e.g. <c>alpine</c> → a local stand-in), for offline machines.</summary>
    public IDictionary<string, string> ImageFallbacks { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// How long a finished job (completed, failed or cancelled) is kept in the lists before it is archived: its stream
    /// stays in the database, no longer listed or served. Null keeps jobs forever.
    /// </summary>
    /// <value>Default: null (kept).</value>
    public TimeSpan? Retention { get; set; }

    /// <summary>Retention per job type (configuration <c>Workflows:RetentionByJobType:retry-job=7.00:00:00</c>), over <see cref="Retention"/>.</summary>
    public IDictionary<string, TimeSpan> RetentionByJobType { get; } = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);

    /// <summary>How often finished jobs past their retention are archived.</summary>
    /// <value>Default: 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "7.00:00:00", ErrorMessage = "RetentionSweep must be between 10 ms and 7 days.")]
    public TimeSpan RetentionSweep { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The reaper cancels jobs still queued this long after they were due (requested, or scheduled for), with a reason
    /// on the event: work nobody ran for days is usually work nobody wants any more. Null turns the reaper off.
    /// </summary>
    /// <value>Default: 7 days.</value>
    public TimeSpan? ReapQueuedAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the reaper looks.</summary>
    /// <value>Default: 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00", ErrorMessage = "ReaperSweep must be between 10 ms and 1 day.")]
    public TimeSpan ReaperSweep { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Whether this host fires cron schedules (<c>cron_trigger</c>). Any number of hosts on one database may: each
    /// instant creates one job whichever hosts race for it.
    /// </summary>
    /// <value>Default: true.</value>
    public bool RunSchedules { get; set; } = true;

    /// <summary>The longest the scheduler sleeps between looks (it wakes earlier for a schedule's next instant), so it sees new definitions, pauses and resumes.</summary>
    /// <value>Default: 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "ScheduleCheck must be between 10 ms and 1 hour.")]
    public TimeSpan ScheduleCheck { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Secrets every job of this host sees as template variables (configuration <c>Workflows:Secrets:API_TOKEN=…</c>, e.g.
    /// from environment variables <c>Workflows__Secrets__API_TOKEN</c>), masked in task logs, never served by the API,
    /// kept out of HTTP bodies and forked jobs. A job type's configs of the same name win.
    /// </summary>
    public IDictionary<string, string> Secrets { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The named queues this host's workers take work from (configuration <c>Workflows:Queues:0=gpu</c>); empty takes
    /// every queue. A job's queue is set when it is submitted (<c>"queue"</c>).
    /// </summary>
    public IList<string> Queues { get; } = new List<string>();

    /// <summary>
    /// This host's tags (configuration <c>Workflows:Tags:0=gpu</c>, or <c>workflows serve --tags gpu,linux</c>): its
    /// workers run tasks whose <c>tags</c> are all among them (case-insensitive, as formicary routes tasks to ants), and
    /// tasks without tags. Empty: only tasks without tags. Its heartbeat shows them in the dashboard's hosts.
    /// </summary>
    public IList<string> Tags { get; } = new List<string>();

    /// <summary>
    /// How notifications are sent (<c>Workflows:Notifications</c>): SMTP server, slack webhook URL, webhook signing secret,
    /// retries. See docs/notifications.md.
    /// </summary>
    /// <value>Default: nothing configured (webhooks are posted unsigned; emails and slack messages are recorded as not sent).</value>
    public NotificationOptions Notifications { get; set; } = new();
}
