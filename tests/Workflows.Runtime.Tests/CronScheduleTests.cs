using Workflows.Definitions;
using Workflows.Runtime.Scheduling;

namespace Workflows.Runtime.Tests;

/// <summary>The schedule maths at fixed instants: formicary's field counts, time zones across DST, and the missed-instant policy.</summary>
public class CronScheduleTests
{
    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Five_fields_are_minute_hour_day_month_weekday_in_utc_by_default()
    {
        var daily = CronSchedule.Create("0 2 * * *");
        Assert.Equal(Utc("2026-12-08T02:00:00Z"), daily.Next(Utc("2026-12-07T02:00:00Z")));
        Assert.Equal(Utc("2026-12-07T02:00:00Z"), daily.Next(Utc("2026-12-07T01:59:59Z")));
    }

    [Fact]
    public void Six_fields_end_with_a_year_as_in_formicary_so_0_0_star_is_daily_not_hourly()
    {
        var schedule = CronSchedule.Create("0 0 * * * *");
        Assert.Equal(Utc("2026-12-08T00:00:00Z"), schedule.Next(Utc("2026-12-07T00:30:00Z")));
    }

    [Fact]
    public void Seven_fields_start_with_seconds()
    {
        var schedule = CronSchedule.Create("*/10 * * * * * *");
        Assert.Equal(
            [Utc("2026-12-07T00:00:10Z"), Utc("2026-12-07T00:00:20Z"), Utc("2026-12-07T00:00:30Z")],
            schedule.Upcoming(Utc("2026-12-07T00:00:05Z"), 3));
    }

    /// <summary>The cron_trigger of each formicary example and fixture that has one, as cronexpr reads it.</summary>
    [Theory]
    [InlineData("0 0/30 * * * * *", "2026-12-07T10:30:00Z")] // hello_world_scheduled, sample-job: every 30 minutes
    [InlineData("0 * * * * * *", "2026-12-07T10:08:00Z")] // cron-kube-build, hello_world_scheduled fixture: every minute
    [InlineData("0 0 */4 * * * *", "2026-12-07T12:00:00Z")] // ai-gh-cleanup: every 4 hours
    [InlineData("*/5 * * * *", "2026-12-07T10:10:00Z")] // ai-gh-issue-picker, ai-jira-issue-picker
    [InlineData("0 * * * *", "2026-12-07T11:00:00Z")] // artifacts-expiration: hourly
    [InlineData("0 0 * * *", "2026-12-08T00:00:00Z")] // io.formicary.tokens: daily
    public void Formicarys_examples_fire_when_formicary_fires_them(string cron, string next) =>
        Assert.Equal(Utc(next), CronSchedule.Create(cron).Next(Utc("2026-12-07T10:07:00Z")));

    [Fact]
    public void Macros_read_as_formicary_reads_them()
    {
        Assert.Equal(Utc("2026-12-07T01:00:00Z"), CronSchedule.Create("@hourly").Next(Utc("2026-12-07T00:00:00Z")));
        Assert.Equal(Utc("2027-01-01T00:00:00Z"), CronSchedule.Create("@yearly").Next(Utc("2026-12-07T00:00:00Z")));
    }

    [Fact]
    public void A_time_zone_moves_the_instants_with_its_offset_across_the_year()
    {
        var nine = CronSchedule.Create("0 9 * * *", "America/New_York");
        Assert.Equal(Utc("2026-12-07T14:00:00Z"), nine.Next(Utc("2026-12-07T00:00:00Z"))); // EST, UTC-5
        Assert.Equal(Utc("2026-07-07T13:00:00Z"), nine.Next(Utc("2026-07-07T00:00:00Z"))); // EDT, UTC-4
    }

    [Fact]
    public void A_local_time_that_spring_forward_skips_fires_when_the_clock_jumps()
    {
        // Europe/Paris on 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00Z); 02:30 does not exist that day.
        var schedule = CronSchedule.Create("30 2 * * *", "Europe/Paris");
        Assert.Equal(
            [Utc("2026-03-28T01:30:00Z"), Utc("2026-03-29T01:00:00Z"), Utc("2026-03-30T00:30:00Z")],
            schedule.Upcoming(Utc("2026-03-28T00:00:00Z"), 3));
    }

    [Fact]
    public void A_local_time_that_fall_back_repeats_fires_once_unless_the_expression_steps_through_the_hour()
    {
        // Europe/Paris on 2026-10-25: 03:00 CEST becomes 02:00 CET (01:00Z); 02:30 happens at 00:30Z and at 01:30Z.
        var daily = CronSchedule.Create("30 2 * * *", "Europe/Paris");
        Assert.Equal([Utc("2026-10-25T00:30:00Z"), Utc("2026-10-26T01:30:00Z")], daily.Upcoming(Utc("2026-10-24T12:00:00Z"), 2));

        var halfHourly = CronSchedule.Create("*/30 2 * * *", "Europe/Paris");
        Assert.Equal(
            [Utc("2026-10-25T00:00:00Z"), Utc("2026-10-25T00:30:00Z"), Utc("2026-10-25T01:00:00Z"), Utc("2026-10-25T01:30:00Z")],
            halfHourly.Upcoming(Utc("2026-10-24T12:00:00Z"), 4));
    }

    [Fact]
    public void After_a_gap_the_latest_due_instant_fires_once_and_the_earlier_ones_are_missed()
    {
        var everySecond = CronSchedule.Create("* * * * * * *");
        var due = everySecond.Due(Utc("2026-12-07T00:00:00Z"), Utc("2026-12-07T00:00:10.500Z"));
        Assert.Equal(Utc("2026-12-07T00:00:10Z"), due.Fire);
        Assert.Equal(9, due.MissedCount);
        Assert.Equal(Enumerable.Range(1, 9).Select(s => Utc("2026-12-07T00:00:00Z").AddSeconds(s)), due.Missed);
        Assert.True(due.Counted);
    }

    [Fact]
    public void On_time_exactly_one_instant_is_due_and_none_is_missed()
    {
        var minutely = CronSchedule.Create("* * * * *");
        var due = minutely.Due(Utc("2026-12-07T10:00:00Z"), Utc("2026-12-07T10:01:00Z"));
        Assert.Equal(Utc("2026-12-07T10:01:00Z"), due.Fire);
        Assert.Equal(0, due.MissedCount);
        Assert.Empty(due.Missed);
    }

    [Fact]
    public void Before_the_next_instant_nothing_is_due()
    {
        var due = CronSchedule.Create("0 2 * * *").Due(Utc("2026-12-07T02:00:00Z"), Utc("2026-12-08T01:59:59Z"));
        Assert.Null(due.Fire);
        Assert.Equal(0, due.MissedCount);
    }

    [Fact]
    public void A_long_gap_lists_the_first_misses_and_counts_them_all()
    {
        var due = CronSchedule.Create("* * * * *").Due(Utc("2026-12-07T00:00:00Z"), Utc("2026-12-08T00:00:00Z"));
        Assert.Equal(Utc("2026-12-08T00:00:00Z"), due.Fire);
        Assert.Equal(24 * 60 - 1, due.MissedCount);
        Assert.Equal(CronSchedule.MaxRecordedMisses, due.Missed.Count);
        Assert.Equal(Utc("2026-12-07T00:01:00Z"), due.Missed[0]);
    }

    [Fact]
    public void The_job_id_of_an_instant_is_the_same_on_every_host()
    {
        Assert.Equal("nightly@20261207T020000Z", CronSchedule.JobId("nightly", Utc("2026-12-07T03:00:00+01:00")));
        Assert.Equal("2026-12-07T02:00:00Z", CronSchedule.Format(Utc("2026-12-07T03:00:00+01:00")));
    }

    [Theory]
    [InlineData("61 * * * *", "the minute field '61' is not valid at '61'")]
    [InlineData("0 0 * * * 2027", "the year field is '2027': only '*' is supported")]
    [InlineData("0 0 * *", "it has 4 fields")]
    [InlineData("@every_minute", "'@every_minute' is not a macro")]
    [InlineData("0 0 1 FOO *", "the month field 'FOO' is not valid")]
    public void A_malformed_expression_is_refused_with_the_field_at_fault(string cron, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => CronSchedule.Create(cron));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Null(CronText.TryParse(cron, out _));
    }

    [Fact]
    public void An_unknown_time_zone_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => CronSchedule.Create("0 2 * * *", "Mars/Olympus"));
        Assert.Contains("'Mars/Olympus' is not a known time zone", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*/15 * * * *")]
    [InlineData("0 0 1 JAN,JUL MON-FRI")]
    [InlineData("0 12 L * ?")]
    [InlineData("0 12 15W * *")]
    [InlineData("0 12 LW * *")]
    [InlineData("0 12 ? * 5L")]
    [InlineData("0 12 ? * MON#2")]
    [InlineData("0 0 * * 7")]
    [InlineData("5-10/2 1,3 * * * *")]
    [InlineData("30 */5 * * * * *")]
    [InlineData("@monthly")]
    [InlineData("@weekly")]
    [InlineData("@daily")]
    [InlineData("@annually")]
    public void Every_expression_the_validator_accepts_the_cron_library_reads(string cron)
    {
        Assert.NotNull(CronText.TryParse(cron, out var error));
        Assert.Null(error);
        Assert.NotNull(CronSchedule.Create(cron).Next(Utc("2026-12-07T00:00:00Z")));
    }
}
