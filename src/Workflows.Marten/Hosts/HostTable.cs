using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Workflows.Marten.Hosts;

/// <summary>
/// <c>wf_hosts</c>: one row per serving process (its lease owner name), written by its heartbeat: when it started, when
/// it was last seen, its execution slots and how many are busy, and its tags. A host that stops deletes its row; one that dies
/// leaves it, no longer seen.
/// </summary>
internal static class HostTable
{
    public const string Name = "wf_hosts";

    public static Table Definition(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, Name, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("owner").AsPrimaryKey();
        table.AddColumn<DateTimeOffset>("started_at").NotNull();
        table.AddColumn<DateTimeOffset>("seen_at").NotNull();
        table.AddColumn<int>("slots").NotNull();
        table.AddColumn<int>("busy").NotNull();
        table.AddColumn("tags", "varchar[]");
        return table;
    }
}
