using Workflows.Definitions;

namespace Workflows.Runtime;

/// <summary>How long to wait before a retry or a poll: fixed delay, or exponential backoff with cap and jitter.</summary>
public static class RetryDelays
{
    /// <summary>The longest wait ever computed, whatever the policy (keeps arithmetic finite after hundreds of attempts).</summary>
    public static readonly TimeSpan Ceiling = TimeSpan.FromDays(365);

    /// <summary>The wait before a poll when the task sets no delay: polling must never spin.</summary>
    public static readonly TimeSpan DefaultPollDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1 = the first retry). With a backoff whose min is above
    /// zero: min × factor^(retry-1), jitter drawn uniformly between min and that value, then capped by max (the cap
    /// is applied after jitter), never above <see cref="Ceiling"/>. Otherwise the fixed delay, or none.
    /// </summary>
    /// <param name="delay">The fixed delay (<c>delay_between_retries</c>).</param>
    /// <param name="backoff">The backoff policy, if any.</param>
    /// <param name="retry">Which retry, from 1.</param>
    /// <param name="jitter">A uniform sample in [0, 1).</param>
    public static TimeSpan For(TimeSpan? delay, BackoffPolicy? backoff, int retry, double jitter)
    {
        if (backoff is not { } policy || policy.Min <= TimeSpan.Zero)
        {
            return Clamp(delay ?? TimeSpan.Zero, null);
        }

        var min = policy.Min.TotalMilliseconds;
        var exponent = Math.Max(0, retry - 1);
        var computed = min * Math.Pow(Math.Max(1, policy.Factor), exponent);
        if (double.IsNaN(computed) || double.IsInfinity(computed) || computed > Ceiling.TotalMilliseconds)
        {
            computed = Ceiling.TotalMilliseconds;
        }

        if (policy.Jitter)
        {
            computed = min + ((computed - min) * Math.Clamp(jitter, 0, 1));
        }

        return Clamp(TimeSpan.FromMilliseconds(computed), policy.Max);
    }

    private static TimeSpan Clamp(TimeSpan value, TimeSpan? max)
    {
        var capped = max is { } cap && value > cap ? cap : value;
        return capped > Ceiling ? Ceiling : capped < TimeSpan.Zero ? TimeSpan.Zero : capped;
    }
}
