using System.Globalization;
using Cronos;
using Workflows.Definitions;

namespace Workflows.Runtime.Scheduling;

/// <summary>
/// A job type's cron schedule: its instants in its time zone (Cronos: a local time that a DST change skips fires at
/// the moment the clock jumps; a local time that a DST change repeats fires once, at its first occurrence, unless the
/// expression steps through the hour, e.g. <c>*/30 * * * *</c>, which fires in both), and what is due after a gap
/// (<see cref="Due"/>). Pure: every method takes the time it reasons about.
/// </summary>
public sealed class CronSchedule
{
    /// <summary>The param every scheduled job gets: its instant, in UTC, as ISO 8601 (<c>2026-12-07T02:00:00Z</c>).</summary>
    public const string InstantParam = "ScheduledAt";

    /// <summary>At most this many missed instants are returned (and recorded) for one catch-up; the count says how many there were.</summary>
    public const int MaxRecordedMisses = 100;

    /// <summary>Past this many missed instants in one gap, the rest are not counted one by one (<see cref="ScheduleDue.Counted"/> is false).</summary>
    public const int MaxCountedMisses = 100_000;

    private readonly CronExpression _expression;

    private CronSchedule(string cron, string? timeZoneId, CronExpression expression, TimeZoneInfo zone)
    {
        Cron = cron;
        TimeZoneId = timeZoneId;
        _expression = expression;
        Zone = zone;
    }

    /// <summary>The expression as written (<c>cron_trigger</c>).</summary>
    public string Cron { get; }

    /// <summary>The time zone as written (<c>cron_time_zone</c>); null = UTC.</summary>
    public string? TimeZoneId { get; }

    /// <summary>The time zone the expression is read in.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>The schedule of a definition, or null when it has none (no <c>cron_trigger</c>).</summary>
    /// <param name="definition">The job definition.</param>
    /// <exception cref="ArgumentException">The expression or the time zone is invalid (the validator reports WF7001/WF7002 first).</exception>
    public static CronSchedule? Of(JobDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return string.IsNullOrWhiteSpace(definition.CronTrigger) ? null : Create(definition.CronTrigger, definition.CronTimeZone);
    }

    /// <summary>Reads an expression (formicary's 5, 6 or 7 fields, see <see cref="CronText"/>) in a time zone.</summary>
    /// <param name="cron">The expression.</param>
    /// <param name="timeZoneId">An IANA or Windows time zone id; null = UTC.</param>
    /// <exception cref="ArgumentException">The expression or the time zone is invalid.</exception>
    public static CronSchedule Create(string cron, string? timeZoneId = null)
    {
        var text = CronText.TryParse(cron, out var error)
            ?? throw new ArgumentException($"cron_trigger '{cron}' is not a cron expression: {error}.", nameof(cron));
        var zone = WorkflowValidator.FindTimeZone(timeZoneId)
            ?? throw new ArgumentException($"cron_time_zone '{timeZoneId}' is not a known time zone.", nameof(timeZoneId));
        var expression = CronExpression.Parse(text.Standard, text.HasSeconds ? CronFormat.IncludeSeconds : CronFormat.Standard);
        return new CronSchedule(cron, timeZoneId, expression, zone);
    }

    /// <summary>The first instant strictly after <paramref name="after"/>, or null when there is none.</summary>
    /// <param name="after">The time to look from.</param>
    public DateTimeOffset? Next(DateTimeOffset after) =>
        _expression.GetNextOccurrence(after.UtcDateTime, Zone, inclusive: false) is { } next ? new DateTimeOffset(next, TimeSpan.Zero) : null;

    /// <summary>The next <paramref name="count"/> instants strictly after <paramref name="after"/>.</summary>
    /// <param name="after">The time to look from.</param>
    /// <param name="count">How many.</param>
    public IReadOnlyList<DateTimeOffset> Upcoming(DateTimeOffset after, int count)
    {
        var list = new List<DateTimeOffset>(count);
        var from = after;
        while (list.Count < count && Next(from) is { } next)
        {
            list.Add(next);
            from = next;
        }

        return list;
    }

    /// <summary>
    /// What is due at <paramref name="now"/> when the schedule last fired (or started counting) at
    /// <paramref name="since"/>: the instants in (since, now]. The policy for a gap (hosts down, a database out of reach)
    /// is to run once: the latest instant fires, the earlier ones are missed (the first <see cref="MaxRecordedMisses"/>
    /// listed, all counted).
    /// </summary>
    /// <param name="since">The last instant fired, or when the schedule started counting.</param>
    /// <param name="now">The present.</param>
    public ScheduleDue Due(DateTimeOffset since, DateTimeOffset now)
    {
        var missed = new List<DateTimeOffset>();
        var count = 0;
        DateTimeOffset? fire = null;
        var from = since;
        var counted = true;
        while (Next(from) is { } next && next <= now)
        {
            if (fire is { } earlier)
            {
                count++;
                if (missed.Count < MaxRecordedMisses)
                {
                    missed.Add(earlier);
                }
            }

            fire = next;
            from = next;
            if (count == MaxCountedMisses && now - from > TimeSpan.FromHours(1))
            {
                // A very long gap of a very frequent schedule: stop counting one by one and look only at its last hour.
                from = now - TimeSpan.FromHours(1);
                fire = null;
                counted = false;
            }
        }

        return new ScheduleDue(fire, missed, count, counted);
    }

    /// <summary>
    /// The id of the job a schedule runs for an instant: the same on every host, so the store's one stream per id lets
    /// exactly one of any number of hosts racing for an instant create the job (the others' submits are no-ops).
    /// </summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="instant">The instant.</param>
    public static string JobId(string jobType, DateTimeOffset instant) =>
        $"{jobType}@{instant.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}";

    /// <summary>The instant as the <see cref="InstantParam"/> param writes it.</summary>
    /// <param name="instant">The instant.</param>
    public static string Format(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>What a schedule has due after a time: the instant to fire, if any, and the instants missed before it.</summary>
/// <param name="Fire">The instant to run now (the latest due), or null when nothing is due.</param>
/// <param name="Missed">The earlier due instants, not run (at most <see cref="CronSchedule.MaxRecordedMisses"/>).</param>
/// <param name="MissedCount">How many instants were missed in all (at least this many when <paramref name="Counted"/> is false).</param>
/// <param name="Counted">False when the gap held more than <see cref="CronSchedule.MaxCountedMisses"/> instants, so <paramref name="MissedCount"/> is a lower bound.</param>
public sealed record ScheduleDue(DateTimeOffset? Fire, IReadOnlyList<DateTimeOffset> Missed, int MissedCount, bool Counted = true);
