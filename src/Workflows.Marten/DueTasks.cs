using Marten;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;
using Workflows.Runtime;

namespace Workflows.Marten;

/// <summary>
/// The durable work list: one row per task attempt that is due (or running under a lease), kept in the same
/// transaction as the job's events, so a delayed retry or poll survives a restart and a claim never misses work.
/// </summary>
internal static class DueTasks
{
    public const string TableName = "wf_due_tasks";

    /// <summary>The LISTEN/NOTIFY channel on which idle workers are woken when work becomes due.</summary>
    /// <param name="schema">The store's schema (one channel per schema).</param>
    public static string Channel(string schema) => "workflows_due_" + schema;

    /// <summary>The channel on which a job's cancellation is announced (payload: the job id).</summary>
    /// <param name="schema">The store's schema.</param>
    public static string CancelChannel(string schema) => "workflows_cancel_" + schema;

    /// <summary>The task name of a queued job's row: claiming it means starting the job.</summary>
    public const string StartJob = "";

    /// <summary>
    /// The task name of a running job's timeout row (due at its start plus the job's <c>timeout</c>): claiming it times
    /// the job out. Task names cannot hold control characters, so it never clashes with a task.
    /// </summary>
    public const string JobTimeout = "\u0001timeout";

    /// <summary>True for the rows that are not task attempts (a job start or a job timeout): quick to process.</summary>
    public static bool IsJobRow(string taskType) => taskType is StartJob or JobTimeout;

    /// <summary><see cref="IsJobRow"/> in SQL, as the claim index's predicate and the claim query spell it.</summary>
    public const string IsJobRowSql = "task_type = '' or task_type = chr(1) || 'timeout'";

    /// <summary>The rows that are task attempts, in SQL.</summary>
    public const string IsAttemptRowSql = "task_type <> '' and task_type <> chr(1) || 'timeout'";

    public static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("job_id").AsPrimaryKey();
        table.AddColumn<string>("task_type").AsPrimaryKey();
        table.AddColumn<int>("attempt").NotNull();
        table.AddColumn<DateTimeOffset>("due_at").NotNull();
        table.AddColumn<int>("priority").NotNull();
        table.AddColumn<string>("queue").NotNull();
        table.AddColumn<string>("job_type");
        table.AddColumn<int>("max_concurrency").AllowNulls();
        table.AddColumn<string>("lock_key");
        table.AddColumn<DateTimeOffset>("lease_until");
        table.AddColumn<string>("owner");

        // Claims walk these in claim order and stop at their limit, however long the backlog (a sequential scan and
        // sort of every due row per claim made PostgreSQL the bottleneck). The predicates spell the timeout row's name
        // as chr(1) || 'timeout' so that PostgreSQL's own rendering of them matches ours and the schema check keeps
        // them; the claim queries use the same text so the planner can prove they apply.
        table.Indexes.Add(new IndexDefinition(TableName + "_claim_jobs")
        {
            Columns = ["priority DESC", "due_at", "job_id"],
            Predicate = $"({IsJobRowSql}) and max_concurrency is null and lock_key is null",
        });
        table.Indexes.Add(new IndexDefinition(TableName + "_claim_attempts")
        {
            Columns = ["priority DESC", "due_at", "job_id"],
            Predicate = IsAttemptRowSql,
        });
        table.Indexes.Add(new IndexDefinition(TableName + "_claim_constrained")
        {
            Columns = ["due_at"],
            Predicate = "task_type = '' and (max_concurrency is not null or lock_key is not null)",
        });
        return table;
    }

    /// <summary>The rows a job's state asks for: every task attempt that is scheduled, polling or running.</summary>
    public static IEnumerable<TaskRun> Active(JobState state) => state.IsFinished
        ? []
        : state.Tasks.Values.Where(t => t.Status is TaskRunStatus.Scheduled or TaskRunStatus.Executing or TaskRunStatus.Started);

    /// <summary>
    /// Queues the SQL that brings the job's rows in line with its new state, in the session's transaction. The row of
    /// <paramref name="leased"/> is written already leased (an attempt started in this write, or a start queued in this
    /// process): no other worker claims it until the lease lapses, and no one is woken for it.
    /// </summary>
    /// <param name="session">The session whose transaction writes the job's events.</param>
    /// <param name="schema">The store's schema.</param>
    /// <param name="state">The job's new state.</param>
    /// <param name="leased">The row written already leased, if any.</param>
    /// <param name="isNew">True when the job's stream starts in this write (it has no rows yet).</param>
    public static void Sync(IDocumentSession session, string schema, JobState state, RowLease? leased = null, bool isNew = false)
    {
        var active = Active(state).ToList();
        if (state.Status == JobStatus.Queued)
        {
            active.Add(new TaskRun(StartJob, TaskRunStatus.Scheduled, 0, DueAt: state.ScheduledAt is { } at && at > state.CreatedAt ? at : state.CreatedAt));
        }

        if (state.Status is JobStatus.Running or JobStatus.Paused && state.Definition?.Timeout is { } timeout && state.StartedAt is { } started)
        {
            // The whole job, job retries included, has `timeout` from its first start.
            active.Add(new TaskRun(JobTimeout, TaskRunStatus.Scheduled, 0, DueAt: started + timeout));
        }

        var keep = active.Select(t => t.TaskType).ToArray();
        if (!isNew)
        {
            session.QueueSqlCommand($"delete from {schema}.{TableName} where job_id = ? and not (task_type = any(?))", state.JobId, keep);
        }

        var wake = false;
        foreach (var task in active)
        {
            var dueAt = task.DueAt ?? state.CreatedAt ?? DateTimeOffset.MinValue;
            if (leased is not null && leased.TaskType == task.TaskType)
            {
                session.QueueSqlCommand(
                    $"""
                    insert into {schema}.{TableName} (job_id, task_type, attempt, due_at, priority, queue, job_type, max_concurrency, lock_key, lease_until, owner)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    on conflict (job_id, task_type) do update
                      set attempt = excluded.attempt, due_at = excluded.due_at, priority = excluded.priority, queue = excluded.queue, lease_until = excluded.lease_until, owner = excluded.owner
                    """,
                    state.JobId, task.TaskType, task.Attempt, dueAt, task.Priority ?? state.Priority, task.Queue ?? state.Queue, state.Definition?.JobType ?? string.Empty,
                    (object?)state.Definition?.MaxConcurrency ?? DBNull.Value, (object?)state.LockKey ?? DBNull.Value, leased.Until, leased.Owner);
                continue;
            }

            if (task.Status == TaskRunStatus.Started)
            {
                continue; // a running attempt's row is left as it is: its lease is its worker's claim
            }

            // A new attempt or a new due time frees the row; an unchanged scheduled attempt keeps its lease.
            session.QueueSqlCommand(
                $"""
                insert into {schema}.{TableName} (job_id, task_type, attempt, due_at, priority, queue, job_type, max_concurrency, lock_key)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?)
                on conflict (job_id, task_type) do update
                  set attempt = excluded.attempt, due_at = excluded.due_at, priority = excluded.priority, queue = excluded.queue, lease_until = null, owner = null
                  where ({TableName}.attempt, {TableName}.due_at, {TableName}.priority, {TableName}.queue) is distinct from (excluded.attempt, excluded.due_at, excluded.priority, excluded.queue)
                """,
                // A retry strategy may move one attempt to another priority or queue (TaskScheduled.Priority/Queue).
                state.JobId, task.TaskType, task.Attempt, dueAt, task.Priority ?? state.Priority, task.Queue ?? state.Queue,
                state.Definition?.JobType ?? string.Empty, (object?)state.Definition?.MaxConcurrency ?? DBNull.Value, (object?)state.LockKey ?? DBNull.Value);
            wake |= task.TaskType != JobTimeout;
        }

        if (wake)
        {
            // Delivered on commit: idle workers in every process wake and claim instead of waiting for their next poll.
            session.QueueSqlCommand("select pg_notify(?, '')", Channel(schema));
        }
    }
}
