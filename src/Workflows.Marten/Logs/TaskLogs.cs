using Marten;
using Npgsql;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;
using Workflows.Executors.Logs;

namespace Workflows.Marten.Logs;

/// <summary>One stored log line of a task attempt.</summary>
/// <param name="TaskType">The task.</param>
/// <param name="Attempt">The attempt.</param>
/// <param name="Sequence">Its position in the attempt's log.</param>
/// <param name="At">When it was written.</param>
/// <param name="Source">stdout, stderr or the runtime's own line.</param>
/// <param name="Line">The text.</param>
public sealed record TaskLogLine(string TaskType, int Attempt, int Sequence, DateTimeOffset At, LogSource Source, string Line);

/// <summary>
/// Task logs in PostgreSQL (<c>wf_task_logs</c>): each attempt's lines are written in batches as the task runs, so a
/// reader sees them while it runs and nothing is lost when the host dies mid-task.
/// </summary>
/// <param name="store">The Marten store (its connection and schema).</param>
/// <param name="time">The clock.</param>
public sealed class TaskLogs(IDocumentStore store, TimeProvider time)
{
    internal const string TableName = "wf_task_logs";

    /// <summary>The most bytes kept per attempt; later lines are counted, not stored.</summary>
    /// <value>Default: 1 MiB.</value>
    public int MaxBytesPerAttempt { get; init; } = 1024 * 1024;

    private string Table => store.Options.DatabaseSchemaName + "." + TableName;

    internal static Table Definition(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("job_id").AsPrimaryKey();
        table.AddColumn<string>("task_type").AsPrimaryKey();
        table.AddColumn<int>("attempt").AsPrimaryKey();
        table.AddColumn<int>("seq").AsPrimaryKey();
        table.AddColumn<DateTimeOffset>("at").NotNull();
        table.AddColumn<string>("source").NotNull();
        table.AddColumn<string>("line").NotNull();
        return table;
    }

    /// <summary>Opens an attempt's log for writing; dispose it to write what is left.</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="taskType">The task.</param>
    /// <param name="attempt">The attempt.</param>
    /// <param name="secrets">Values masked as <c>***</c> in every line.</param>
    /// <param name="resume">
    /// True when the attempt is run again after its lease lapsed: its log goes on after what the first run wrote (one
    /// query). A first run starts at line 0 without asking the database.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<DurableTaskLog> OpenAsync(string jobId, string taskType, int attempt, IEnumerable<string> secrets, bool resume, CancellationToken cancellationToken)
    {
        if (!resume)
        {
            return new DurableTaskLog(this, jobId, taskType, attempt, 0, secrets, time);
        }

        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"select coalesce(max(seq), -1) + 1 from {Table} where job_id = $1 and task_type = $2 and attempt = $3", connection);
        command.Parameters.Add(new() { Value = jobId });
        command.Parameters.Add(new() { Value = taskType });
        command.Parameters.Add(new() { Value = attempt });
        var next = (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return new DurableTaskLog(this, jobId, taskType, attempt, next, secrets, time);
    }

    /// <summary>The job's log lines, by task, attempt and position.</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="taskType">Only this task's lines, or all when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<TaskLogLine>> ReadAsync(string jobId, string? taskType, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"select task_type, attempt, seq, at, source, line from {Table} where job_id = $1 and ($2::text is null or task_type = $2) order by at, task_type, attempt, seq", connection);
        command.Parameters.Add(new() { Value = jobId });
        command.Parameters.Add(new() { Value = (object?)taskType ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var lines = new List<TaskLogLine>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            lines.Add(new TaskLogLine(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3),
                Enum.Parse<LogSource>(reader.GetString(4)), reader.GetString(5)));
        }

        return lines;
    }

    internal async Task WriteAsync(string jobId, string taskType, int attempt, IReadOnlyList<(int Seq, DateTimeOffset At, LogSource Source, string Line)> lines, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(InsertSql(store.Options.DatabaseSchemaName), connection);
        command.Parameters.Add(new() { Value = lines.Select(_ => jobId).ToArray() });
        command.Parameters.Add(new() { Value = lines.Select(_ => taskType).ToArray() });
        command.Parameters.Add(new() { Value = lines.Select(_ => attempt).ToArray() });
        command.Parameters.Add(new() { Value = lines.Select(l => l.Seq).ToArray() });
        command.Parameters.Add(new() { Value = lines.Select(l => l.At).ToArray() });
        command.Parameters.Add(new() { Value = lines.Select(l => l.Source.ToString()).ToArray() });
        command.Parameters.Add(new() { Value = lines.Select(l => Storable(l.Line)).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes log lines of any attempts, one array per column ($1 job ids … $7 lines): an attempt's own flushes and the
    /// last lines a group commit writes with the attempts' results. Lines written again after a lapsed lease keep the
    /// first run's (a resumed log goes on after them).
    /// </summary>
    internal static string InsertSql(string schema) => $"""
        insert into {schema}.{TableName} (job_id, task_type, attempt, seq, at, source, line)
        select * from unnest($1::varchar[], $2::varchar[], $3::int[], $4::int[], $5::timestamptz[], $6::varchar[], $7::varchar[])
        on conflict do nothing
        """;

    /// <summary>A line as PostgreSQL text can hold it (no NUL characters).</summary>
    internal static string Storable(string line) => line.Replace("\0", string.Empty, StringComparison.Ordinal);

    private async Task<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }
}
