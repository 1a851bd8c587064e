using System;

namespace Workflows.Definitions
{
    /// <summary>Exponential backoff between retries (formicary's <c>retry_backoff_policy</c>).</summary>
    /// <param name="Min">The first delay; the policy applies only when it is above zero.</param>
    /// <param name="Max">The cap on any delay, applied after jitter; null means no cap.</param>
    /// <param name="Factor">The multiplier per attempt (1 = fixed delay); at least 1.</param>
    /// <param name="Jitter">When true, each delay is drawn uniformly between <paramref name="Min"/> and the computed delay.</param>
    public sealed record BackoffPolicy(TimeSpan Min, TimeSpan? Max, double Factor, bool Jitter);
}
