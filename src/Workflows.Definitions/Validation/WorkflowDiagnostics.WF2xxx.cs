namespace Workflows.Definitions
{
    /// <summary>WF2xxx: retry, backoff, timeouts and counts.</summary>
    public static partial class WorkflowDiagnostics
    {
        /// <summary>Id of <see cref="RestartTaskWithoutRetry"/>.</summary>
        public const string RestartTaskWithoutRetryId = "WF2001";

        /// <summary>Id of <see cref="RestartJobWithoutRetry"/>.</summary>
        public const string RestartJobWithoutRetryId = "WF2002";

        /// <summary>Id of <see cref="NegativeCount"/>.</summary>
        public const string NegativeCountId = "WF2003";

        /// <summary>Id of <see cref="InvalidDuration"/>.</summary>
        public const string InvalidDurationId = "WF2004";

        /// <summary>Id of <see cref="InvalidBackoff"/>.</summary>
        public const string InvalidBackoffId = "WF2005";

        /// <summary>Id of <see cref="InvalidMaxConcurrency"/>.</summary>
        public const string InvalidMaxConcurrencyId = "WF2006";

        /// <summary>WF2001: RESTART_TASK on a task with no retries can never restart it.</summary>
        public static readonly ProblemDescriptor RestartTaskWithoutRetry = Rule(RestartTaskWithoutRetryId, "RESTART_TASK without task retries",
            "Task '{0}' maps exit code {1} to RESTART_TASK but has no retries, so it can never restart: it fails with ERR_RESTART_TASK. Add .Retry(1) or more to the task (YAML: 'retry: 1').",
            ProblemSeverity.Warning, RetryCategory);

        /// <summary>WF2002: RESTART_JOB in a job with no retries can never restart it.</summary>
        public static readonly ProblemDescriptor RestartJobWithoutRetry = Rule(RestartJobWithoutRetryId, "RESTART_JOB without job retries",
            "Task '{0}' maps exit code {1} to RESTART_JOB but job '{2}' has no retries, so it can never restart: it fails with ERR_RESTART_JOB. Add .Retry(1) or more to the job (YAML: job-level 'retry: 1').",
            ProblemSeverity.Warning, RetryCategory);

        /// <summary>WF2003: a count below zero.</summary>
        public static readonly ProblemDescriptor NegativeCount = Rule(NegativeCountId, "Negative count",
            "{0} has {1} = {2}, which is negative. Use 0 or more.",
            ProblemSeverity.Error, RetryCategory);

        /// <summary>WF2004: a negative duration, or a timeout that is not positive.</summary>
        public static readonly ProblemDescriptor InvalidDuration = Rule(InvalidDurationId, "Invalid duration",
            "{0} has {1} = {2}, which is {3}. Use a positive duration such as TimeSpan.FromSeconds(5) in C#, or '5s' in YAML.",
            ProblemSeverity.Error, RetryCategory);

        /// <summary>WF2005: a backoff policy that cannot work as written.</summary>
        public static readonly ProblemDescriptor InvalidBackoff = Rule(InvalidBackoffId, "Invalid retry backoff",
            "{0} has a retry backoff whose {1}. {2}",
            ProblemSeverity.Error, RetryCategory);

        /// <summary>WF2006: a max_concurrency under which no run could start.</summary>
        public static readonly ProblemDescriptor InvalidMaxConcurrency = Rule(InvalidMaxConcurrencyId, "Invalid max_concurrency",
            "Job '{0}' has max_concurrency = {1}, so no run could ever start. Use 1 or more, or leave it unset for no limit.",
            ProblemSeverity.Error, RetryCategory);
    }
}
