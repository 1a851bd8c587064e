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

        /// <summary>Id of <see cref="InvalidRetryOutputPattern"/>.</summary>
        public const string InvalidRetryOutputPatternId = "WF2007";

        /// <summary>Id of <see cref="RetryRuleMatchesNothing"/>.</summary>
        public const string RetryRuleMatchesNothingId = "WF2008";

        /// <summary>Id of <see cref="RetryRuleShadowedByExitCode"/>.</summary>
        public const string RetryRuleShadowedByExitCodeId = "WF2009";

        /// <summary>Id of <see cref="DuplicateRetryRuleClass"/>.</summary>
        public const string DuplicateRetryRuleClassId = "WF2010";

        /// <summary>Id of <see cref="InvalidRetryResources"/>.</summary>
        public const string InvalidRetryResourcesId = "WF2011";

        /// <summary>Id of <see cref="UnlimitedRetriesWithoutDelay"/>.</summary>
        public const string UnlimitedRetriesWithoutDelayId = "WF2012";

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

        /// <summary>WF2007: a retry rule's output pattern is not a regular expression.</summary>
        public static readonly ProblemDescriptor InvalidRetryOutputPattern = Rule(InvalidRetryOutputPatternId, "Invalid retry output pattern",
            "{0} has output pattern '{1}', which is not a valid regular expression: {2}. Fix the pattern, escaping characters such as '(' and '[' with a backslash when they are meant literally.",
            ProblemSeverity.Error, RetryCategory);

        /// <summary>WF2008: a retry rule that names no failure class.</summary>
        public static readonly ProblemDescriptor RetryRuleMatchesNothing = Rule(RetryRuleMatchesNothingId, "Retry rule matches nothing",
            "{0} names no failure class, so it can never apply. Give it exit_codes, error_codes, exceptions or output (C#: Failure.ExitCode(75), Failure.ErrorCode(\"ERR_X\"), Failure.Exception<TimeoutException>(), Failure.Output(\"regex\")).",
            ProblemSeverity.Error, RetryCategory);

        /// <summary>WF2009: a retry rule's exit code is mapped in on_exit_code to an action that is not a retried failure.</summary>
        public static readonly ProblemDescriptor RetryRuleShadowedByExitCode = Rule(RetryRuleShadowedByExitCodeId, "Retry rule exit code mapped to another action",
            "Task '{0}' maps exit code {1} to {2} in on_exit_code, so {3} can never see it: retry rules apply only to failures (FAILED, RESTART_TASK, ERR_*). Remove exit code {1} from the rule or from on_exit_code.",
            ProblemSeverity.Error, RetryCategory);

        /// <summary>WF2010: the same failure class in two retry rules; the second never applies to it.</summary>
        public static readonly ProblemDescriptor DuplicateRetryRuleClass = Rule(DuplicateRetryRuleClassId, "Failure class in two retry rules",
            "Task '{0}' lists {1} in retry_on[{2}] and again in retry_on[{3}]. The first matching rule wins, so retry_on[{3}] never applies to it. Remove it from one of the rules.",
            ProblemSeverity.Warning, RetryCategory);

        /// <summary>WF2011: a retry rule's resource change cannot be applied.</summary>
        public static readonly ProblemDescriptor InvalidRetryResources = Rule(InvalidRetryResourcesId, "Invalid retry resource change",
            "{0} {1}. {2}",
            ProblemSeverity.Error, RetryCategory);

        /// <summary>WF2012: unlimited retries with no wait between attempts.</summary>
        public static readonly ProblemDescriptor UnlimitedRetriesWithoutDelay = Rule(UnlimitedRetriesWithoutDelayId, "Unlimited retries without a delay",
            "{0} retries without limit and waits nothing between attempts, so a failure that never clears retries in a hot loop. Add a delay (delay_between_retries: 5s, C# .DelayBetweenRetries(TimeSpan.FromSeconds(5))) or a backoff (retry_backoff_policy, C# .Backoff(...)).",
            ProblemSeverity.Warning, RetryCategory);
    }
}
