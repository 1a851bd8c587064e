using Workflows.Definitions;

namespace Workflows.Runtime;

/// <summary>How long to wait before a retry or a poll: fixed delay, exponential backoff with cap and jitter, or Procrastinate's linear and exponential waits.</summary>
public static class RetryDelays
{
    /// <summary>The longest wait ever computed, whatever the policy (keeps arithmetic finite after hundreds of attempts).</summary>
    public static readonly TimeSpan Ceiling = TimeSpan.FromDays(365);

    /// <summary>The wait before a poll when the task sets no delay: polling must never spin.</summary>
    public static readonly TimeSpan DefaultPollDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The wait before retry number <paramref name="retry"/> (1 = the first retry). With a backoff whose min is above
    /// zero: min × factor^(retry-1), jitter drawn uniformly between min and that value, then capped by max (the cap
    /// is applied after jitter), never above <see cref="Ceiling"/>; <see cref="LinearWait"/> or
    /// <see cref="ExponentialWait"/> for Procrastinate's shapes. Otherwise the fixed delay, or none.
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

        switch (policy.Shape)
        {
            case BackoffShape.LinearWait:
                return Clamp(LinearWait(policy.Min, retry), policy.Max);
            case BackoffShape.ExponentialWait:
                return Clamp(ExponentialWait(policy.Min, retry), policy.Max);
        }

        var min = policy.Min.TotalMilliseconds;
        var exponent = Math.Max(0, retry - 1);
        var computed = Finite(min * Math.Pow(Math.Max(1, policy.Factor), exponent));
        if (policy.Jitter)
        {
            computed = min + ((computed - min) * Math.Clamp(jitter, 0, 1));
        }

        return Clamp(TimeSpan.FromMilliseconds(computed), policy.Max);
    }

    /// <summary>
    /// Procrastinate's <c>linear_wait</c>: "<c>linear_wait=5</c> to wait 5 seconds then 10 then 15 and so on" — the
    /// wait times <paramref name="retry"/>. Also a helper for an <see cref="IRetryStrategy"/>:
    /// <c>RetryStrategyDecision.RetryAfter(RetryDelays.LinearWait(TimeSpan.FromSeconds(5), context.Attempt))</c>.
    /// </summary>
    /// <param name="wait">The first wait.</param>
    /// <param name="retry">Which retry, from 1 (a strategy's <see cref="RetryContext.Attempt"/>: the attempt that failed).</param>
    public static TimeSpan LinearWait(TimeSpan wait, int retry) =>
        Clamp(TimeSpan.FromMilliseconds(Finite(Math.Max(0, wait.TotalMilliseconds) * Math.Max(1, retry))), null);

    /// <summary>
    /// Procrastinate's <c>exponential_wait</c>: "<c>exponential_wait=5</c> to wait 5 seconds then 25 then 125 and so on" —
    /// the wait's seconds to the power <paramref name="retry"/>, never above <see cref="Ceiling"/>. Also a helper for an
    /// <see cref="IRetryStrategy"/>: <c>RetryStrategyDecision.RetryAfter(RetryDelays.ExponentialWait(TimeSpan.FromSeconds(5), context.Attempt))</c>.
    /// </summary>
    /// <param name="wait">The first wait (a wait under one second would shrink; the validator refuses it in definitions).</param>
    /// <param name="retry">Which retry, from 1 (a strategy's <see cref="RetryContext.Attempt"/>: the attempt that failed).</param>
    public static TimeSpan ExponentialWait(TimeSpan wait, int retry) =>
        Clamp(TimeSpan.FromMilliseconds(Finite(Math.Pow(Math.Max(0, wait.TotalSeconds), Math.Max(1, retry)) * 1000)), null);

    private static double Finite(double milliseconds) =>
        double.IsNaN(milliseconds) || double.IsInfinity(milliseconds) || milliseconds > Ceiling.TotalMilliseconds ? Ceiling.TotalMilliseconds : milliseconds;

    private static TimeSpan Clamp(TimeSpan value, TimeSpan? max)
    {
        var capped = max is { } cap && value > cap ? cap : value;
        return capped > Ceiling ? Ceiling : capped < TimeSpan.Zero ? TimeSpan.Zero : capped;
    }
}
