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
    /// The rows a job's new state asks for, and which of its other rows go. The row of <paramref name="leased"/> is
    /// written already leased (an attempt started in this write, or a start queued in this process): no other worker
    /// claims it until the lease lapses, and no one is woken for it. A running attempt's row is left as it is (its
    /// lease is its worker's claim).
    /// </summary>
    /// <param name="state">The job's new state.</param>
    /// <param name="leased">The row written already leased, if any.</param>
    /// <param name="isNew">True when the job's stream starts in this write (it has no rows yet).</param>
    public static DuePlan Plan(JobState state, RowLease? leased = null, bool isNew = false)
    {
        var active = Active(state).ToList();
        if (state.Status == JobStatus.Queued)
        {
            active.Add(new TaskRun(StartJob, TaskRunStatus.Scheduled, 0, DueAt: state.EarliestStart));
        }

        if (state.Status is JobStatus.Running or JobStatus.Paused && state.Definition?.Timeout is { } timeout && state.StartedAt is { } started)
        {
            // The whole job, job retries included, has `timeout` from its first start.
            active.Add(new TaskRun(JobTimeout, TaskRunStatus.Scheduled, 0, DueAt: started + timeout));
        }

        var rows = new List<DueRow>(active.Count);
        var wake = false;
        foreach (var task in active)
        {
            var isLeased = leased is not null && leased.TaskType == task.TaskType;
            if (task.Status == TaskRunStatus.Started && !isLeased)
            {
                continue;
            }

            // A retry strategy may move one attempt to another priority or queue (TaskScheduled.Priority/Queue).
            rows.Add(new DueRow(
                task.TaskType, task.Attempt, (task.DueAt ?? state.CreatedAt ?? DateTimeOffset.MinValue).ToUniversalTime(), task.Priority ?? state.Priority,
                task.Queue ?? state.Queue, state.Definition?.JobType ?? string.Empty, state.Definition?.MaxConcurrency, state.LockKey,
                isLeased ? leased!.Until.ToUniversalTime() : null, isLeased ? leased!.Owner : null));
            wake |= !isLeased && task.TaskType != JobTimeout;
        }

        return new DuePlan(state.JobId, isNew, [.. active.Select(t => t.TaskType)], rows, wake);
    }

    /// <summary>
    /// Deletes the rows of the given jobs that their plans do not keep. Parameters, in order (<c>?</c>): the jobs, and
    /// the rows kept as pairs (job ids, task names). It walks the primary key for the jobs (a join of the table with
    /// the jobs' array was planned as a scan of the whole table: 0.4 ms a call under load).
    /// </summary>
    public static string DeleteSql(string schema) => $"""
        delete from {schema}.{TableName} d
        where d.job_id = any(?::varchar[])
          and (d.job_id, d.task_type) not in (select k.job_id, k.task_type from unnest(?::varchar[], ?::varchar[]) k(job_id, task_type))
        """;

    /// <summary>
    /// Writes planned rows. A leased row (owner set) takes its lease; an unleased one frees the row only when its
    /// attempt, due time, priority or queue changed (an unchanged scheduled attempt keeps the lease a claimer holds).
    /// Parameters, in order (<c>?</c>): one array per column.
    /// </summary>
    public static string UpsertSql(string schema) => $"""
        insert into {schema}.{TableName} as t (job_id, task_type, attempt, due_at, priority, queue, job_type, max_concurrency, lock_key, lease_until, owner)
        select * from unnest(?::varchar[], ?::varchar[], ?::int[], ?::timestamptz[], ?::int[], ?::varchar[],
                             ?::varchar[], ?::int[], ?::varchar[], ?::timestamptz[], ?::varchar[])
        on conflict (job_id, task_type) do update
          set attempt = excluded.attempt, due_at = excluded.due_at, priority = excluded.priority, queue = excluded.queue,
              lease_until = excluded.lease_until, owner = excluded.owner
          where excluded.owner is not null
             or (t.attempt, t.due_at, t.priority, t.queue) is distinct from (excluded.attempt, excluded.due_at, excluded.priority, excluded.queue)
        """;
}

/// <summary>What one write does to a job's due rows.</summary>
/// <param name="JobId">The job.</param>
/// <param name="IsNew">The job has no rows yet (nothing to delete).</param>
/// <param name="Keep">The task rows the job keeps; its others are deleted.</param>
/// <param name="Rows">The rows written.</param>
/// <param name="Wake">True when a row is due for any worker (idle workers are notified on commit).</param>
internal sealed record DuePlan(string JobId, bool IsNew, string[] Keep, IReadOnlyList<DueRow> Rows, bool Wake);

/// <summary>One due row as written.</summary>
internal sealed record DueRow(
    string TaskType, int Attempt, DateTimeOffset DueAt, int Priority, string Queue, string JobType, int? MaxConcurrency, string? LockKey,
    DateTimeOffset? LeaseUntil, string? Owner);
