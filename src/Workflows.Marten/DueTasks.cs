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

    /// <summary>The <c>kind</c> column's values: what claiming the row means.</summary>
    /// <param name="kind">The row's kind.</param>
    public static string KindName(ClaimKind kind) => kind switch
    {
        ClaimKind.Attempt => "attempt",
        ClaimKind.StartJob => "start",
        ClaimKind.JobTimeout => "timeout",
        ClaimKind.ApprovalDeadline => "approval",
        ClaimKind.ApprovalHold => "hold",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The kind stored as <paramref name="name"/>.</summary>
    /// <param name="name">The <c>kind</c> column.</param>
    public static ClaimKind KindOf(string name) => name switch
    {
        "attempt" => ClaimKind.Attempt,
        "start" => ClaimKind.StartJob,
        "timeout" => ClaimKind.JobTimeout,
        "approval" => ClaimKind.ApprovalDeadline,
        "hold" => ClaimKind.ApprovalHold,
        _ => throw new InvalidOperationException($"Unknown due-row kind '{name}' in {TableName}: is this host older than the one that wrote it?"),
    };

    /// <summary>The rows that are not task attempts (a job's start or timeout: quick to process), in SQL.</summary>
    public const string IsJobRowSql = "kind <> 'attempt'";

    /// <summary>The rows that are task attempts, in SQL.</summary>
    public const string IsAttemptRowSql = "kind = 'attempt'";

    /// <summary>The task attempts any host runs (their task has no tags), in SQL.</summary>
    public const string IsUntaggedAttemptRowSql = "kind = 'attempt' and tags is null";

    /// <summary>The task attempts only a host with their task's tags runs, in SQL.</summary>
    public const string IsTaggedAttemptRowSql = "kind = 'attempt' and tags is not null";

    /// <summary>Separates tags in the one text per row the upsert takes (PostgreSQL arrays of arrays must be rectangular).</summary>
    public const char TagSeparator = '\u001f';

    /// <summary>The rows that start a queued job, in SQL.</summary>
    public const string IsStartRowSql = "kind = 'start'";

    /// <summary>The primary key's name: job, kind, task (a job's own rows have no task name).</summary>
    public const string PrimaryKeyName = "pkey_" + TableName;

    public static Table Table(string schema)
    {
        var table = new Table(new PostgresqlObjectName(schema, TableName, SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("job_id").AsPrimaryKey();
        table.AddColumn<string>("kind").AsPrimaryKey();
        table.AddColumn<string>("task_type").AsPrimaryKey();
        table.PrimaryKeyName = PrimaryKeyName;
        table.AddColumn<int>("attempt").NotNull();
        table.AddColumn<DateTimeOffset>("due_at").NotNull();
        table.AddColumn<int>("priority").NotNull();
        table.AddColumn<string>("queue").NotNull();
        table.AddColumn<string>("job_type");
        table.AddColumn<int>("max_concurrency").AllowNulls();
        table.AddColumn<string>("lock_key");
        table.AddColumn<DateTimeOffset>("lease_until");
        table.AddColumn<string>("owner");
        // A task attempt's tags (TaskTags): only a host with all of them claims it; null for a task without tags.
        table.AddColumn("tags", "varchar[]");

        // Claims walk these in claim order and stop at their limit, however long the backlog (a sequential scan and
        // sort of every due row per claim made PostgreSQL the bottleneck). The claim queries use the predicates' own
        // text so the planner can prove they apply.
        table.Indexes.Add(new IndexDefinition(TableName + "_claim_jobs")
        {
            Columns = ["priority DESC", "due_at", "job_id"],
            Predicate = $"({IsJobRowSql}) and max_concurrency is null and lock_key is null",
        });
        // Untagged attempts apart from tagged ones: attempts whose tags no host has wait as long as it takes, and a claim
        // must not walk past them. Tagged ones by tag set first: a host walks only the sets its tags cover.
        table.Indexes.Add(new IndexDefinition(TableName + "_claim_attempts")
        {
            Columns = ["priority DESC", "due_at", "job_id"],
            Predicate = IsUntaggedAttemptRowSql,
        });
        table.Indexes.Add(new IndexDefinition(TableName + "_claim_tagged")
        {
            Columns = ["tags", "priority DESC", "due_at", "job_id"],
            Predicate = IsTaggedAttemptRowSql,
        });
        table.Indexes.Add(new IndexDefinition(TableName + "_claim_constrained")
        {
            Columns = ["due_at"],
            Predicate = $"{IsStartRowSql} and (max_concurrency is not null or lock_key is not null)",
        });
        return table;
    }

    /// <summary>When an <see cref="ClaimKind.ApprovalHold"/> row is due: never (no claim reaches it).</summary>
    public static readonly DateTimeOffset NeverDue = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The rows a job's state asks for: every task attempt that is scheduled, polling or running; none while an operator
    /// holds the job paused (its attempts keep their due times in its state, and get their rows back when it resumes).
    /// </summary>
    public static IEnumerable<TaskRun> Active(JobState state) => state.IsFinished || state.IsHeld
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
        var active = Active(state).Select(t => (Kind: ClaimKind.Attempt, Run: t)).ToList();
        if (state.Status == JobStatus.Queued)
        {
            active.Add((ClaimKind.StartJob, new TaskRun(string.Empty, TaskRunStatus.Scheduled, 0, DueAt: state.EarliestStart)));
        }

        if (state.Status is JobStatus.Running or JobStatus.Paused or JobStatus.AwaitingApproval && state.Definition?.Timeout is { } timeout && state.StartedAt is { } started)
        {
            // The whole job, job retries included, has `timeout` from its first start.
            active.Add((ClaimKind.JobTimeout, new TaskRun(string.Empty, TaskRunStatus.Scheduled, 0, DueAt: started + timeout)));
        }

        if (!state.IsFinished)
        {
            // A gate holds no attempt row, so no worker waits on it. Its SLA deadline is a durable timer; a job with a
            // concurrency rule or a lock key keeps its place while it waits (a row never due, counted by the claims).
            var constrained = state.Definition?.MaxConcurrency is not null || state.Request.LockKey is not null;
            foreach (var gate in state.Tasks.Values.Where(t => t.Status == TaskRunStatus.AwaitingApproval))
            {
                if (gate.ApprovalDeadline is { } deadline)
                {
                    active.Add((ClaimKind.ApprovalDeadline, gate with { DueAt = deadline }));
                }

                if (constrained)
                {
                    active.Add((ClaimKind.ApprovalHold, gate with { DueAt = NeverDue }));
                }
            }
        }

        var rows = new List<DueRow>(active.Count);
        var wake = false;
        foreach (var (kind, task) in active)
        {
            var isLeased = leased is not null && leased.Kind == kind && leased.TaskType == task.TaskType;
            if (task.Status == TaskRunStatus.Started && !isLeased)
            {
                continue;
            }

            // A retry strategy may move one attempt to another priority or queue (TaskScheduled.Priority/Queue). A timeout or
            // an SLA deadline carries no concurrency rule or lock key: the claim of job rows (its partial index) skips rows
            // that do, so a job of a max_concurrency type or with a lock key never had its timeout delivered. (Its attempt
            // rows and an approval hold keep its slot and its lock.)
            var deadline = kind is ClaimKind.ApprovalDeadline or ClaimKind.JobTimeout;
            rows.Add(new DueRow(
                kind, task.TaskType, task.Attempt, (task.DueAt ?? state.CreatedAt ?? DateTimeOffset.MinValue).ToUniversalTime(), task.Priority ?? state.Request.Priority,
                task.Queue ?? state.Request.Queue, state.Definition?.JobType ?? string.Empty, deadline ? null : state.Definition?.MaxConcurrency, deadline ? null : state.Request.LockKey,
                isLeased ? leased!.Until.ToUniversalTime() : null, isLeased ? leased!.Owner : null,
                kind == ClaimKind.Attempt ? TaskTags.Of(state.Definition, task.TaskType) : []));
            wake |= !isLeased && kind is not (ClaimKind.JobTimeout or ClaimKind.ApprovalDeadline or ClaimKind.ApprovalHold);
        }

        return new DuePlan(state.JobId, isNew, [.. active.Select(a => (a.Kind, a.Run.TaskType))], rows, wake);
    }

    /// <summary>
    /// Deletes the rows of the given jobs that their plans do not keep. Parameters, in order (<c>?</c>): the jobs, and
    /// the rows kept as triples (job ids, kinds, task names). It walks the primary key for the jobs (a join of the table with
    /// the jobs' array was planned as a scan of the whole table: 0.4 ms a call under load).
    /// </summary>
    public static string DeleteSql(string schema) => $"""
        delete from {schema}.{TableName} d
        where d.job_id = any(?::varchar[])
          and (d.job_id, d.kind, d.task_type) not in (select k.job_id, k.kind, k.task_type from unnest(?::varchar[], ?::varchar[], ?::varchar[]) k(job_id, kind, task_type))
        """;

    /// <summary>
    /// Writes planned rows. A leased row (owner set) takes its lease; an unleased one frees the row only when its
    /// attempt, due time, priority or queue changed (an unchanged scheduled attempt keeps the lease a claimer holds).
    /// Parameters, in order (<c>?</c>): one array per column.
    /// </summary>
    public static string UpsertSql(string schema) => $"""
        insert into {schema}.{TableName} as t (job_id, kind, task_type, attempt, due_at, priority, queue, job_type, max_concurrency, lock_key, lease_until, owner, tags)
        select u.job_id, u.kind, u.task_type, u.attempt, u.due_at, u.priority, u.queue, u.job_type, u.max_concurrency, u.lock_key, u.lease_until, u.owner,
               string_to_array(u.tags, chr({(int)TagSeparator}))::varchar[]
        from unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::int[], ?::timestamptz[], ?::int[], ?::varchar[],
                    ?::varchar[], ?::int[], ?::varchar[], ?::timestamptz[], ?::varchar[], ?::varchar[])
             u(job_id, kind, task_type, attempt, due_at, priority, queue, job_type, max_concurrency, lock_key, lease_until, owner, tags)
        on conflict (job_id, kind, task_type) do update
          set attempt = excluded.attempt, due_at = excluded.due_at, priority = excluded.priority, queue = excluded.queue,
              lease_until = excluded.lease_until, owner = excluded.owner, tags = excluded.tags
          where excluded.owner is not null
             or (t.attempt, t.due_at, t.priority, t.queue) is distinct from (excluded.attempt, excluded.due_at, excluded.priority, excluded.queue)
        """;
}

/// <summary>What one write does to a job's due rows.</summary>
/// <param name="JobId">The job.</param>
/// <param name="IsNew">The job has no rows yet (nothing to delete).</param>
/// <param name="Keep">The rows the job keeps (kind and task name); its others are deleted.</param>
/// <param name="Rows">The rows written.</param>
/// <param name="Wake">True when a row is due for any worker (idle workers are notified on commit).</param>
internal sealed record DuePlan(string JobId, bool IsNew, (ClaimKind Kind, string TaskType)[] Keep, IReadOnlyList<DueRow> Rows, bool Wake);

/// <summary>One due row as written; <paramref name="Tags"/> are a task attempt's tags (empty: any host).</summary>
internal sealed record DueRow(
    ClaimKind Kind, string TaskType, int Attempt, DateTimeOffset DueAt, int Priority, string Queue, string JobType, int? MaxConcurrency, string? LockKey,
    DateTimeOffset? LeaseUntil, string? Owner, string[] Tags);
