using Workflows.Definitions;
using static Workflows.Definitions.WorkflowDiagnostics;

namespace Workflows.Definitions.Tests;

public class ScheduleRuleTests
{
    [Theory]
    [InlineData("0 2 * * *")]
    [InlineData("0 0 * * * *")]
    [InlineData("*/5 * * * * * *")]
    [InlineData("@daily")]
    public void Formicary_field_counts_and_macros_are_accepted(string cron) =>
        Assert.Empty(WorkflowValidator.Validate(Jobs.Linear() with { CronTrigger = cron }));

    [Fact]
    public void WF7001_a_malformed_cron_names_the_field_and_how_to_write_it()
    {
        var problem = Assert.Single((Jobs.Linear() with { CronTrigger = "0 25 * * *" }).Problems(MalformedCronId));
        Assert.Equal(ProblemSeverity.Error, problem.Severity);
        Assert.Equal("cron_trigger", problem.Location.Key);
        Assert.Equal(
            "Job 'test-job' has cron_trigger '0 25 * * *', which is not a cron expression: the hour field '25' is not valid at '25'; write 0-23, '*', a range 'a-b', a step '*/n' or a list 'a,b'. For example '0 2 * * *' runs daily at 02:00 and '*/15 * * * *' every 15 minutes.",
            problem.Message);
    }

    [Fact]
    public void WF7001_a_wrong_field_count_says_which_counts_are_read()
    {
        var problem = Assert.Single((Jobs.Linear() with { CronTrigger = "0 2 * *" }).Problems(MalformedCronId));
        Assert.Contains("it has 4 fields; write 5 (minute hour day-of-month month day-of-week), 6 (the same and a year) or 7", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WF7002_an_unknown_time_zone_is_an_error_and_a_known_one_is_not()
    {
        var problem = Assert.Single((Jobs.Linear() with { CronTrigger = "0 2 * * *", CronTimeZone = "Europe/Pariss" }).Problems(UnknownTimeZoneId));
        Assert.Equal("cron_time_zone", problem.Location.Key);
        Assert.Empty((Jobs.Linear() with { CronTrigger = "0 2 * * *", CronTimeZone = "Europe/Paris" }).Problems(UnknownTimeZoneId));
        Assert.Empty((Jobs.Linear() with { CronTrigger = "0 2 * * *", CronTimeZone = "UTC" }).Problems(UnknownTimeZoneId));
    }
}
