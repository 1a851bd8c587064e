namespace Workflows.Runtime;

/// <summary>The one rule for when a job may start and how long it waited (the state, the due rows and the API all use it).</summary>
public static class JobTimes
{
    /// <summary>The earliest a job may start: its <c>scheduled_at</c> when that is later than its submission, else its submission.</summary>
    /// <param name="createdAt">When it was submitted.</param>
    /// <param name="scheduledAt">Not before this time, if set.</param>
    public static DateTimeOffset? EarliestStart(DateTimeOffset? createdAt, DateTimeOffset? scheduledAt) =>
        scheduledAt is { } at && (createdAt is null || at > createdAt) ? at : createdAt;

    /// <summary>How long a started job waited for a worker after it could start (never negative); null before it starts.</summary>
    /// <param name="createdAt">When it was submitted.</param>
    /// <param name="scheduledAt">Not before this time, if set.</param>
    /// <param name="startedAt">When a worker first started it.</param>
    public static TimeSpan? QueueTime(DateTimeOffset? createdAt, DateTimeOffset? scheduledAt, DateTimeOffset? startedAt) =>
        startedAt - EarliestStart(createdAt, scheduledAt) is { } waited ? (waited < TimeSpan.Zero ? TimeSpan.Zero : waited) : null;
}
