namespace Workflows.Runtime;

/// <summary>When a notification whose send failed is tried again: exponential backoff, capped, up to a number of attempts.</summary>
public static class NotificationRetry
{
    /// <summary>
    /// When to try again after <paramref name="attempt"/> failed: <paramref name="first"/> × 2^(attempt − 1), at most
    /// <paramref name="max"/>, after <paramref name="now"/>; null when that was the last of <paramref name="maxAttempts"/>
    /// (the notification is given up).
    /// </summary>
    /// <param name="attempt">The attempt that failed, from 1.</param>
    /// <param name="maxAttempts">The most attempts.</param>
    /// <param name="first">The wait after the first failure.</param>
    /// <param name="max">The longest wait.</param>
    /// <param name="now">When it failed.</param>
    public static DateTimeOffset? Next(int attempt, int maxAttempts, TimeSpan first, TimeSpan max, DateTimeOffset now)
    {
        if (attempt >= maxAttempts)
        {
            return null;
        }

        var factor = Math.Pow(2, Math.Min(attempt - 1, 30));
        var wait = TimeSpan.FromTicks((long)Math.Min(first.Ticks * factor, max.Ticks));
        return now + wait;
    }
}
