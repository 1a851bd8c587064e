using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Workflows.Marten.Triggers;

/// <summary>
/// The state of event triggers, kept in the database so every host enforces the same limits: a rate-limit window per
/// trigger, and the dedup keys a trigger submitted jobs with.
/// </summary>
internal static class TriggerTables
{
    public const string Windows = "wf_trigger_windows";

    public const string Dedup = "wf_trigger_dedup";

    /// <summary>One row per trigger: when its current window started and how many events it took in it.</summary>
    public static Table WindowsTable(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, Windows, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("job_type").AsPrimaryKey();
        table.AddColumn<string>("trigger_name").AsPrimaryKey();
        table.AddColumn<DateTimeOffset>("window_start").NotNull();
        table.AddColumn<int>("hits").NotNull();
        return table;
    }

    /// <summary>One row per (job type, dedup key): the job submitted for it (null while it is being submitted).</summary>
    public static Table DedupTable(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, Dedup, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("job_type").AsPrimaryKey();
        table.AddColumn<string>("dedup_key").AsPrimaryKey();
        table.AddColumn<string>("trigger_name").NotNull();
        table.AddColumn<string>("job_id");
        table.AddColumn<DateTimeOffset>("created_at").NotNull();
        return table;
    }
}
