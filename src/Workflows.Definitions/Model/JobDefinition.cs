using System;

namespace Workflows.Definitions
{
    /// <summary>
    /// A job: its tasks and the job-level retry, timeout, concurrency and variables. The one model shared by the
    /// C# DSL, the source generator, the analyzers, the YAML importer, the HTTP API and the runtime.
    /// </summary>
    /// <remarks>
    /// Immutable and equatable (the source generator caches on it). Holds only strings, numbers, enums,
    /// <see cref="TimeSpan"/>, records and <see cref="EquatableArray{T}"/> — never symbols, syntax or locations.
    /// The first task in <see cref="Tasks"/> is where the job starts.
    /// </remarks>
    public sealed record JobDefinition
    {
        /// <summary>The job's name, unique per installation (<c>job_type</c>).</summary>
        public string JobType { get; init; } = string.Empty;

        /// <summary>Free text (<c>description</c>).</summary>
        public string? Description { get; init; }

        /// <summary>Semantic version, <c>major.minor[.patch]</c> (<c>sem_version</c>).</summary>
        public string? SemVersion { get; init; }

        /// <summary>Platform label copied to requests (<c>platform</c>).</summary>
        public string? Platform { get; init; }

        /// <summary>Informational URL (<c>url</c>).</summary>
        public string? Url { get; init; }

        /// <summary>Cron schedule (<c>cron_trigger</c>): formicary's 5, 6 (with a year) or 7 (seconds and a year) fields, or a macro such as <c>@daily</c>.</summary>
        public string? CronTrigger { get; init; }

        /// <summary>
        /// The time zone the cron schedule is read in, an IANA or Windows id (<c>cron_time_zone</c>, a Workflows extension
        /// of the format); null = UTC.
        /// </summary>
        public string? CronTimeZone { get; init; }

        /// <summary>The limit on the whole job (<c>timeout</c>); null = server default.</summary>
        public TimeSpan? Timeout { get; init; }

        /// <summary>Extra job attempts after a failure or RESTART_JOB (<c>retry</c>); 0 = none.</summary>
        public int Retry { get; init; }

        /// <summary>The wait between job attempts (<c>delay_between_retries</c>).</summary>
        public TimeSpan? DelayBetweenRetries { get; init; }

        /// <summary>Backoff between job attempts (<c>retry_backoff_policy</c>).</summary>
        public BackoffPolicy? Backoff { get; init; }

        /// <summary>Every N+1 job retries, restart from scratch instead of resuming (<c>hard_reset_after_retries</c>).</summary>
        public int HardResetAfterRetries { get; init; }

        /// <summary>
        /// At most this many manual retries of one job (its root) (<c>max_manual_retries</c>, a Workflows extension of
        /// the format); null = no limit.
        /// </summary>
        public int? MaxManualRetries { get; init; }

        /// <summary>How long a paused job waits before resuming (<c>pause_time</c>).</summary>
        public TimeSpan? PauseTime { get; init; }

        /// <summary>At most this many runs of the job type at once (<c>max_concurrency</c>); null = unlimited.</summary>
        public int? MaxConcurrency { get; init; }

        /// <summary>Days a completed job is kept (<c>retention_days_for_completed</c>).</summary>
        public int? RetentionDaysForCompleted { get; init; }

        /// <summary>Days a failed job is kept (<c>retention_days_for_failed</c>).</summary>
        public int? RetentionDaysForFailed { get; init; }

        /// <summary>Days a cancelled job is kept (<c>retention_days_for_cancelled</c>).</summary>
        public int? RetentionDaysForCancelled { get; init; }

        /// <summary>Published for other organisations (<c>public_plugin</c>).</summary>
        public bool PublicPlugin { get; init; }

        /// <summary>Parameters a request must supply (<c>required_params</c>).</summary>
        public EquatableArray<string> RequiredParams { get; init; }

        /// <summary>Render the whole file at upload (<c>dynamic_template_tasks</c>).</summary>
        public bool DynamicTemplateTasks { get; init; }

        /// <summary>Template variables for all tasks (<c>job_variables</c>).</summary>
        public EquatableArray<NamedValue> JobVariables { get; init; }

        /// <summary>Template; when it renders <c>true</c> the request is skipped (<c>skip_if</c>).</summary>
        public string? SkipIf { get; init; }

        /// <summary>Posted on each job lifecycle event (<c>webhook</c>).</summary>
        public WebhookSpec? Webhook { get; init; }

        /// <summary>Notification channels (<c>notify</c>).</summary>
        public EquatableArray<NotifySpec> Notify { get; init; }

        /// <summary>Quota held while the job runs (<c>resources</c>).</summary>
        public ResourceSpec? Resources { get; init; }

        /// <summary>Events that submit the job (<c>triggers</c>).</summary>
        public EquatableArray<TriggerSpec> Triggers { get; init; }

        /// <summary>The tasks, in written order; the first is where the job starts (<c>tasks</c>).</summary>
        public EquatableArray<TaskDefinition> Tasks { get; init; }

        /// <summary>The first task, where the job starts; null for an empty job.</summary>
        public TaskDefinition? FirstTask => Tasks.IsEmpty ? null : Tasks[0];

        /// <summary>The task with the given name, or null.</summary>
        /// <param name="taskType">The task's name.</param>
        public TaskDefinition? FindTask(string taskType)
        {
            foreach (var task in Tasks)
            {
                if (string.Equals(task.TaskType, taskType, StringComparison.Ordinal))
                {
                    return task;
                }
            }

            return null;
        }
    }
}
