using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Workflows.Marten.Notifications;

/// <summary>
/// The notification outbox (<c>wf_outbox</c>): one row per notification, written in the transaction that appends the
/// event causing it, claimed with a lease by a host's dispatcher, and kept after it was sent or given up with every send
/// recorded (<c>sends</c>, a JSON array).
/// </summary>
internal static class OutboxTable
{
    /// <summary>The table's name.</summary>
    public const string Name = "wf_outbox";

    /// <summary>Waiting to be sent (or sent again after a failure).</summary>
    public const string Pending = "pending";

    /// <summary>Sent.</summary>
    public const string Sent = "sent";

    /// <summary>Given up after its last attempt failed.</summary>
    public const string Failed = "failed";

    public static Table Definition(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, Name, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<Guid>("id").AsPrimaryKey();
        // Rows of one write share a time; their order is the order the events caused them.
        table.AddColumn("seq", "bigserial").NotNull();
        table.AddColumn<string>("job_id").NotNull();
        table.AddColumn<string>("channel").NotNull();
        table.AddColumn<string>("state").NotNull();
        table.AddColumn<string>("task_type");
        table.AddColumn<string>("recipient");
        table.AddColumn("payload", "jsonb").NotNull();
        table.AddColumn<string>("status").NotNull();
        table.AddColumn<int>("attempts").NotNull();
        table.AddColumn<DateTimeOffset>("created_at").NotNull();
        table.AddColumn<DateTimeOffset>("due_at").NotNull();
        table.AddColumn<DateTimeOffset>("lease_until");
        table.AddColumn<string>("owner");
        table.AddColumn<DateTimeOffset>("sent_at");
        table.AddColumn<string>("last_error");
        table.AddColumn("sends", "jsonb").NotNull().DefaultValueByExpression("'[]'::jsonb");
        table.Indexes.Add(new IndexDefinition(Name + "_due") { Columns = ["due_at"], Predicate = $"status = '{Pending}'" });
        table.Indexes.Add(new IndexDefinition(Name + "_job") { Columns = ["job_id"] });
        return table;
    }

    /// <summary>Inserts the rows of a group commit: ids, job ids, channels, states, task types, recipients, payloads, times.</summary>
    public static string InsertSql(string schema) => $"""
        insert into {schema}.{Name} (id, job_id, channel, state, task_type, recipient, payload, status, attempts, created_at, due_at)
        select o.id, o.job_id, o.channel, o.state, o.task_type, o.recipient, o.payload, '{Pending}', 0, o.at, o.at
        from unnest(?::uuid[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::jsonb[], ?::timestamptz[]) with ordinality o(id, job_id, channel, state, task_type, recipient, payload, at, n)
        order by o.n
        """;
}
