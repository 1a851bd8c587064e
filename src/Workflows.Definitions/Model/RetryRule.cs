using System;
using System.Linq;

namespace Workflows.Definitions
{
    /// <summary>What a matching <see cref="RetryRule"/> does with the failure.</summary>
    public enum RetryRuleAction
    {
        /// <summary>Retry with the rule's own limit, delay and backoff (the default).</summary>
        Retry,

        /// <summary>Fail the job at once with <c>ERR_FATAL</c>: no task retry, no job retry, no <c>on_failed</c>.</summary>
        Fatal,
    }

    /// <summary>
    /// One entry of a task's <c>retry_on</c> (a Workflows extension of the format): a failure class and how that class
    /// is retried. A failure matches when every criterion the rule sets matches (within a list, any element); the first
    /// matching rule of the task wins, and a failure that matches none uses the task's own <c>retry</c>.
    /// </summary>
    /// <remarks>
    /// Immutable and equatable (the source generator caches on it). Holds only strings, numbers, enums,
    /// <see cref="TimeSpan"/>, records and <see cref="EquatableArray{T}"/> — never symbols, syntax or locations.
    /// </remarks>
    public sealed record RetryRule
    {
        /// <summary>Exit codes this rule matches (<c>exit_codes</c>).</summary>
        public EquatableArray<int> ExitCodes { get; init; }

        /// <summary>Error codes this rule matches, e.g. <c>ERR_TASK_TIMED_OUT</c>, <c>ERR_IMAGE_NOT_FOUND</c> (<c>error_codes</c>).</summary>
        public EquatableArray<string> ErrorCodes { get; init; }

        /// <summary>Exception types of in-process tasks, by full or simple name (<c>exceptions</c>).</summary>
        public EquatableArray<string> Exceptions { get; init; }

        /// <summary>A regular expression searched in the tail of the attempt's stdout and stderr (<c>output</c>).</summary>
        public string? Output { get; init; }

        /// <summary>Retry, or fail the job at once (<c>action</c>: <c>RETRY</c> or <c>FATAL</c>).</summary>
        public RetryRuleAction Action { get; init; }

        /// <summary>How many retries failures of this class may use (<c>retry</c>); 0 = none.</summary>
        public int Retry { get; init; }

        /// <summary>Failures of this class are retried without limit (<c>retry: unlimited</c>).</summary>
        public bool UnlimitedRetries { get; init; }

        /// <summary>The wait before each retry of this class (<c>delay_between_retries</c>); the task's when neither this nor <see cref="Backoff"/> is set.</summary>
        public TimeSpan? DelayBetweenRetries { get; init; }

        /// <summary>Backoff between retries of this class (<c>retry_backoff_policy</c>).</summary>
        public BackoffPolicy? Backoff { get; init; }

        /// <summary>The next attempt's container memory limit is the current one times this (<c>memory_factor</c>), e.g. 2 after an out-of-memory kill.</summary>
        public double? MemoryFactor { get; init; }

        /// <summary>The next attempt's container memory limit (<c>memory_limit</c>), e.g. <c>2Gi</c>.</summary>
        public string? MemoryLimit { get; init; }

        /// <summary>The next attempt's container CPU limit (<c>cpu_limit</c>), e.g. <c>2</c> or <c>500m</c>.</summary>
        public string? CpuLimit { get; init; }

        /// <summary>True when the rule names no failure class at all (it could never match).</summary>
        public bool MatchesNothing => ExitCodes.Count == 0 && ErrorCodes.Count == 0 && Exceptions.Count == 0 && Output is null;

        /// <summary>True when the rule changes the container's resources for the next attempt.</summary>
        public bool ChangesResources => MemoryFactor is not null || MemoryLimit is not null || CpuLimit is not null;

        /// <summary>The criteria of <paramref name="other"/> added to this rule's (both must match).</summary>
        /// <param name="other">More criteria.</param>
        public RetryRule And(RetryRule other) => this with
        {
            ExitCodes = ExitCodes.Concat(other.ExitCodes).ToEquatableArray(),
            ErrorCodes = ErrorCodes.Concat(other.ErrorCodes).ToEquatableArray(),
            Exceptions = Exceptions.Concat(other.Exceptions).ToEquatableArray(),
            Output = other.Output ?? Output,
        };
    }
}
