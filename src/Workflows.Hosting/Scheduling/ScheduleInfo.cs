using Workflows.Marten.Schedules;

namespace Workflows.Hosting.Scheduling;

/// <summary>A job type's schedule as an operator sees it.</summary>
/// <param name="JobType">The job type.</param>
/// <param name="Cron">The expression (<c>cron_trigger</c>).</param>
/// <param name="TimeZone">Its time zone (<c>cron_time_zone</c>); null = UTC.</param>
/// <param name="Version">The stored definition version it comes from; null for a compiled workflow.</param>
/// <param name="Paused">True while paused.</param>
/// <param name="PausedBy">Who paused it.</param>
/// <param name="PausedAt">When.</param>
/// <param name="LastInstant">The last instant fired, or when it started counting (null before any host looked at it).</param>
/// <param name="NextInstants">The next instants (none while paused).</param>
/// <param name="Missed">The latest instants it did not run, newest first.</param>
/// <param name="MissedTotal">How many instants it has missed in all.</param>
public sealed record ScheduleInfo(
    string JobType,
    string Cron,
    string? TimeZone,
    int? Version,
    bool Paused,
    string? PausedBy,
    DateTimeOffset? PausedAt,
    DateTimeOffset? LastInstant,
    IReadOnlyList<DateTimeOffset> NextInstants,
    IReadOnlyList<MissedInstant> Missed,
    long MissedTotal);
