namespace Workflows.Api.Contracts;

/// <summary>An instant a schedule did not run.</summary>
/// <param name="Instant">The instant.</param>
/// <param name="Reason">Why: <c>missed</c> (no host ran it in time; a later instant ran instead) or what kept it from running.</param>
public sealed record MissedInstantDto(DateTimeOffset Instant, string Reason);

/// <summary>A job type's cron schedule.</summary>
/// <param name="JobType">The job type.</param>
/// <param name="Cron">Its expression (<c>cron_trigger</c>).</param>
/// <param name="TimeZone">Its time zone (<c>cron_time_zone</c>); null = UTC.</param>
/// <param name="Version">The stored definition version it comes from; null for a compiled workflow.</param>
/// <param name="Paused">True while paused.</param>
/// <param name="PausedBy">Who paused it.</param>
/// <param name="PausedAt">When.</param>
/// <param name="LastInstant">The last instant fired, or when it started counting.</param>
/// <param name="NextInstants">The next instants (none while paused).</param>
/// <param name="Missed">The latest instants it did not run, newest first.</param>
/// <param name="MissedTotal">How many instants it has not run in all.</param>
public sealed record ScheduleDto(
    string JobType, string Cron, string? TimeZone, int? Version, bool Paused, string? PausedBy, DateTimeOffset? PausedAt, DateTimeOffset? LastInstant,
    IReadOnlyList<DateTimeOffset> NextInstants, IReadOnlyList<MissedInstantDto> Missed, long MissedTotal);

/// <summary>Every schedule.</summary>
/// <param name="Schedules">The schedules, by job type.</param>
public sealed record ScheduleListDto(IReadOnlyList<ScheduleDto> Schedules);
