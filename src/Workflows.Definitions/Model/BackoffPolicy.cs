using System;

namespace Workflows.Definitions
{
    /// <summary>How the wait grows from one retry to the next.</summary>
    public enum BackoffShape
    {
        /// <summary>formicary's <c>retry_backoff_policy</c>: min × factor^(retry − 1), with optional cap and jitter.</summary>
        Exponential,

        /// <summary>Procrastinate's <c>linear_wait</c>: the wait times the retry number (5 s, then 10, then 15, …).</summary>
        LinearWait,

        /// <summary>Procrastinate's <c>exponential_wait</c>: the wait in seconds to the power of the retry number (5 s, then 25, then 125, …).</summary>
        ExponentialWait,
    }

    /// <summary>
    /// A wait that grows between retries: formicary's <c>retry_backoff_policy</c> (exponential backoff), or Procrastinate's
    /// <c>linear_wait</c> and <c>exponential_wait</c> (<see cref="Shape"/>).
    /// </summary>
    /// <param name="Min">The first delay; the policy applies only when it is above zero. For the Procrastinate shapes, the written wait.</param>
    /// <param name="Max">The cap on any delay, applied after jitter; null means no cap.</param>
    /// <param name="Factor">The multiplier per attempt (1 = fixed delay); at least 1. Unused by the Procrastinate shapes.</param>
    /// <param name="Jitter">When true, each delay is drawn uniformly between <paramref name="Min"/> and the computed delay.</param>
    public sealed record BackoffPolicy(TimeSpan Min, TimeSpan? Max, double Factor, bool Jitter)
    {
        /// <summary>How the wait grows (formicary's exponential backoff unless a Procrastinate key wrote it).</summary>
        public BackoffShape Shape { get; init; }

        /// <summary>Procrastinate's <c>linear_wait</c>: "<c>linear_wait=5</c> to wait 5 seconds then 10 then 15 and so on".</summary>
        /// <param name="wait">The first wait, added again for each later retry.</param>
        public static BackoffPolicy LinearWait(TimeSpan wait) => new BackoffPolicy(wait, null, 1, false) { Shape = BackoffShape.LinearWait };

        /// <summary>Procrastinate's <c>exponential_wait</c>: "<c>exponential_wait=5</c> to wait 5 seconds then 25 then 125 and so on".</summary>
        /// <param name="wait">The first wait, at least one second; retry n waits its seconds to the power n.</param>
        public static BackoffPolicy ExponentialWait(TimeSpan wait) => new BackoffPolicy(wait, null, 1, false) { Shape = BackoffShape.ExponentialWait };

        /// <summary>The YAML key the policy is written with.</summary>
        public string Key => Shape switch
        {
            BackoffShape.LinearWait => "linear_wait",
            BackoffShape.ExponentialWait => "exponential_wait",
            _ => "retry_backoff_policy",
        };
    }
}
