namespace Workflows.Definitions
{
    /// <summary>WF1xxx: exit-code maps (<c>on_exit_code</c>).</summary>
    public static partial class WorkflowDiagnostics
    {
        /// <summary>Id of <see cref="DuplicateExitCode"/>.</summary>
        public const string DuplicateExitCodeId = "WF1001";

        /// <summary>Id of <see cref="ExitCodeOutOfRange"/>.</summary>
        public const string ExitCodeOutOfRangeId = "WF1002";

        /// <summary>Id of <see cref="UnknownAction"/>.</summary>
        public const string UnknownActionId = "WF1003";

        /// <summary>Id of <see cref="MalformedErrorCode"/>.</summary>
        public const string MalformedErrorCodeId = "WF1004";

        /// <summary>Id of <see cref="SuccessMappedToFailure"/>.</summary>
        public const string SuccessMappedToFailureId = "WF1005";

        /// <summary>Id of <see cref="InvalidExitCodeKey"/>.</summary>
        public const string InvalidExitCodeKeyId = "WF1006";

        /// <summary>Id of <see cref="ExecutingWithoutTimeout"/>.</summary>
        public const string ExecutingWithoutTimeoutId = "WF1007";

        /// <summary>WF1001: the same exit code mapped twice.</summary>
        public static readonly ProblemDescriptor DuplicateExitCode = Rule(DuplicateExitCodeId, "Duplicate exit code",
            "Task '{0}' maps exit code {1} more than once (to {2} and to {3}). Keep one mapping.",
            ProblemSeverity.Error, ExitCodes);

        /// <summary>WF1002: an exit code the task's executor can never produce (a dead mapping, so only info: the seed retry-job, the card's own example, maps HTTP exit 10 and must build clean).</summary>
        public static readonly ProblemDescriptor ExitCodeOutOfRange = Rule(ExitCodeOutOfRangeId, "Exit code out of range",
            "Task '{0}' maps exit code {1}, but {2} tasks exit with {3}, so this mapping can never apply. Use a code in that range, or remove the mapping.",
            ProblemSeverity.Info, ExitCodes);

        /// <summary>WF1003: a target that is neither a task nor an action word.</summary>
        public static readonly ProblemDescriptor UnknownAction = Rule(UnknownActionId, "Unknown exit action",
            "Task '{0}' maps exit code {1} to '{2}', which is neither a task nor an action.{3} Actions are COMPLETED, FAILED, FATAL, RESTART_TASK, RESTART_JOB, EXECUTING, PAUSE_JOB, or an ERR_* error code.",
            ProblemSeverity.Error, ExitCodes);

        /// <summary>WF1004: a custom error code that is not <c>ERR_[A-Z0-9_]+</c>.</summary>
        public static readonly ProblemDescriptor MalformedErrorCode = Rule(MalformedErrorCodeId, "Malformed error code",
            "Task '{0}' maps exit code {1} to error code '{2}', which is malformed. Custom error codes are ERR_ followed by upper-case letters, digits or underscores, e.g. '{3}'.",
            ProblemSeverity.Error, ExitCodes);

        /// <summary>WF1005: exit code 0 (success) mapped to a failure.</summary>
        public static readonly ProblemDescriptor SuccessMappedToFailure = Rule(SuccessMappedToFailureId, "Exit code 0 mapped to a failure",
            "Task '{0}' maps exit code 0 (success) to {1}, so every successful run fails. Map the failing code instead, or remove the mapping.",
            ProblemSeverity.Warning, ExitCodes);

        /// <summary>WF1006: an exit-code key that is neither a number nor a state word.</summary>
        public static readonly ProblemDescriptor InvalidExitCodeKey = Rule(InvalidExitCodeKeyId, "Invalid exit-code key",
            "Task '{0}' has exit-code key '{1}', which is neither a number nor a state ({2}). Use a numeric exit code.",
            ProblemSeverity.Error, ExitCodes);

        /// <summary>WF1007: EXECUTING (polling) with no timeout to end it.</summary>
        public static readonly ProblemDescriptor ExecutingWithoutTimeout = Rule(ExecutingWithoutTimeoutId, "EXECUTING without a timeout",
            "Task '{0}' polls (exit code {1} → EXECUTING) but has no timeout, so it can poll until the whole job times out. Add .Timeout(TimeSpan.FromMinutes(5)) in C#, or 'timeout: 5m' in YAML.",
            ProblemSeverity.Warning, ExitCodes);
    }
}
