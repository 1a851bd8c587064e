namespace Workflows.Marten.Schedules;

/// <summary>A schedule as the database keeps it.</summary>
/// <param name="JobType">The job type.</param>
/// <param name="Cron">The expression it counts with.</param>
/// <param name="TimeZone">Its time zone (null = UTC).</param>
/// <param name="Version">The stored definition version it belongs to (null for a compiled workflow).</param>
/// <param name="Since">The last instant fired, or when it started counting (a new schedule, a new version, a resume).</param>
/// <param name="PausedAt">When it was paused, or null.</param>
/// <param name="PausedBy">Who paused it.</param>
public sealed record ScheduleRow(string JobType, string Cron, string? TimeZone, int? Version, DateTimeOffset Since, DateTimeOffset? PausedAt, string? PausedBy);

/// <summary>An instant a schedule did not run.</summary>
/// <param name="Instant">The instant.</param>
/// <param name="Reason">Why (e.g. <c>missed</c>: no host ran it in time, and a later instant ran instead).</param>
/// <param name="RecordedAt">When it was recorded.</param>
public sealed record MissedInstant(DateTimeOffset Instant, string Reason, DateTimeOffset RecordedAt);
