using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Workflows.Marten;

/// <summary>
/// At most one manual retry of a root in flight, enforced by the database: a row per root whose retry is queued or
/// running (primary key: the root), inserted in the retry's own transaction and deleted in the transaction that ends
/// the retry. Two concurrent retries of one root cannot both commit; there is no check-then-act window.
/// </summary>
internal static class RetryLocks
{
    public const string TableName = "wf_retry_inflight";

    public static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("root_id").AsPrimaryKey();
        table.AddColumn<string>("job_id").NotNull();
        table.AddColumn<DateTimeOffset>("created_at").NotNull();
        return table;
    }

    /// <summary>Starts retries in flight (a second one of the same root breaks the primary key). Parameters, in order (<c>?</c>): the roots, the retries' job ids, and when.</summary>
    public static string TakeSql(string schema) =>
        $"insert into {schema}.{TableName} (root_id, job_id, created_at) select v.root_id, v.job_id, v.at from unnest(?::varchar[], ?::varchar[], ?::timestamptz[]) v(root_id, job_id, at)";

    /// <summary>Ends retries (their roots may be retried again). Parameters, in order (<c>?</c>): the roots, and the retries' job ids.</summary>
    public static string ReleaseSql(string schema) =>
        $"delete from {schema}.{TableName} r using unnest(?::varchar[], ?::varchar[]) v(root_id, job_id) where r.root_id = v.root_id and r.job_id = v.job_id";

    /// <summary>True when the exception is this table's primary key refusing a second retry in flight.</summary>
    public static bool IsConflict(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is Npgsql.PostgresException { SqlState: "23505" } pg && pg.TableName == TableName)
            {
                return true;
            }
        }

        return false;
    }
}
