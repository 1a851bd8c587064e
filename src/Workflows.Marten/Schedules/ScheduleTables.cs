using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Workflows.Marten.Schedules;

/// <summary>
/// A schedule's row (<c>wf_schedules</c>: where it has counted from, and whether it is paused) and its missed instants
/// (<c>wf_schedule_misses</c>, one row per job type and instant). A fired instant's job is not here: its job id is
/// the instant's (<c>CronSchedule.JobId</c>), so the job streams' own key lets one host create it.
/// </summary>
internal static class ScheduleTables
{
    public const string Schedules = "wf_schedules";

    public const string Misses = "wf_schedule_misses";

    public static Table SchedulesTable(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, Schedules, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("job_type").AsPrimaryKey();
        table.AddColumn<string>("cron").NotNull();
        table.AddColumn<string>("time_zone");
        table.AddColumn<int>("version").AllowNulls();
        table.AddColumn<DateTimeOffset>("since").NotNull();
        table.AddColumn<DateTimeOffset>("paused_at").AllowNulls();
        table.AddColumn<string>("paused_by");
        return table;
    }

    public static Table MissesTable(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, Misses, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("job_type").AsPrimaryKey();
        table.AddColumn<DateTimeOffset>("instant").AsPrimaryKey();
        table.AddColumn<string>("reason").NotNull();
        table.AddColumn<DateTimeOffset>("recorded_at").NotNull();
        return table;
    }
}
