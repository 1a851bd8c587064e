using System.Text;
using Marten;
using Npgsql;
using NpgsqlTypes;
using Workflows.Runtime;

namespace Workflows.Marten.Writing;

/// <summary>
/// Writes many jobs' changes in one transaction with one statement per table: the streams' versions (conditional on
/// the version each decision was based on), the new streams, every event, every job view, the due rows, the retry
/// locks released and the notifications. Marten's own append and document upsert send several statements per job
/// (a plpgsql call that inserts event by event, an upsert per view); on a group of 64 jobs that was ~250 statements
/// where this sends under ten. The rows are Marten's own (same tables, columns and serializer), so Marten reads
/// streams and views as if it had written them.
/// </summary>
internal sealed class JobWriter
{
    /// <summary>Marten's tenant of a single-tenant store.</summary>
    private const string DefaultTenant = "*DEFAULT*";

    /// <summary>Marten's document table of <see cref="JobView"/>.</summary>
    internal const string ViewTable = MartenTables.JobViews;

    private readonly IDocumentStore _store;
    private readonly ISerializer _serializer;
    private readonly Serialization.EventNames _eventNames;
    private readonly string _schema;
    private readonly string _viewDotNetType = typeof(JobView).FullName!;
    private readonly string _artifactDotNetType = typeof(Executors.Artifacts.ArtifactInfo).FullName!;
    private readonly GroupCommit<JobWrite> _group;
    private Task? _schemaReady;

    /// <summary>Creates the writer.</summary>
    /// <param name="store">The Marten store (its schema, serializer and event type names).</param>
    public JobWriter(IDocumentStore store)
    {
        _store = store;
        _serializer = store.Options.Serializer();
        _eventNames = new Serialization.EventNames(store);
        _schema = store.Options.DatabaseSchemaName;
        _group = new GroupCommit<JobWrite>(CommitGroupAsync);
    }

    /// <summary>Serializes one job's write (on the caller's thread).</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="expectedVersion">The stream version the events were decided on (0: new stream).</param>
    /// <param name="events">The events.</param>
    /// <param name="at">When they were decided.</param>
    /// <param name="view">The view after them.</param>
    /// <param name="due">The due rows after them.</param>
    /// <param name="releaseRetryRoot">A retry's root whose in-flight row goes, if any.</param>
    /// <param name="notifyCancel">True to tell every process to stop the job's attempts.</param>
    /// <param name="log">The last lines of the attempt whose result this is, if any.</param>
    public JobWrite Prepare(
        string jobId, long expectedVersion, IReadOnlyList<JobEvent> events, DateTimeOffset at, JobView view, DuePlan due, string? releaseRetryRoot, bool notifyCancel, Logs.LogTail? log = null)
    {
        var timestamp = at.ToUniversalTime();
        var serialized = new SerializedEvent[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var (alias, dotNet) = _eventNames.Of(events[i].GetType());
            serialized[i] = new SerializedEvent(Guid.CreateVersion7(), alias, dotNet, _serializer.ToJson(events[i]), timestamp);
        }

        return new JobWrite(
            jobId, expectedVersion, serialized, SerializedView.Of(view, _serializer.ToJson(view)), due,
            releaseRetryRoot, notifyCancel, log);
    }

    /// <summary>Commits the write, in one transaction with other jobs' writes waiting at that moment (<see cref="GroupCommit{T}"/>).</summary>
    /// <param name="write">The write.</param>
    /// <exception cref="JobConcurrencyException">The job's stream is not at the version the write expected.</exception>
    public Task CommitAsync(JobWrite write) => _group.CommitAsync(write);

    /// <summary>Serializes the notifications a write's events cause, for <see cref="JobWrite.Outbox"/>.</summary>
    /// <param name="notifications">The notifications.</param>
    public IReadOnlyList<Notifications.OutboxRow> Serialize(IReadOnlyList<Notification> notifications) => notifications.Count == 0
        ? []
        : notifications.Select(n => new Notifications.OutboxRow(
            Guid.CreateVersion7(), n.JobId, n.ChannelName, n.State, n.TaskType, n.Recipient ?? n.Webhook?.Url, _serializer.ToJson(n), n.At.ToUniversalTime())).ToList();

    /// <summary>
    /// Serializes artifact records for <see cref="JobWrite.Artifacts"/> (written as Marten's own documents, so its
    /// queries read them).
    /// </summary>
    /// <param name="artifacts">The records.</param>
    public IReadOnlyList<(string Id, string Json)> Serialize(IEnumerable<Executors.Artifacts.ArtifactInfo> artifacts) =>
        artifacts.Select(a => (a.Id, _serializer.ToJson(a))).ToList();

    /// <summary>Commits the writes in one transaction, or none of them (a group commit's, or writes that belong together: a manual retry's new job and its root).</summary>
    /// <param name="writes">The writes (of different jobs, for them all to commit).</param>
    /// <exception cref="JobConcurrencyException">A job's stream is not at the version its write expected (thrown for a lone write; a group throws <see cref="StaleGroupException"/>).</exception>
    internal async Task CommitGroupAsync(IReadOnlyList<JobWrite> writes)
    {
        await EnsureSchemaAsync().ConfigureAwait(false);
        var streams = new StreamColumns();
        var events = new EventColumns();
        var views = new ViewColumns();
        var due = new DueParameters();
        var releases = new List<(string Root, string Job)>();
        var takes = new List<(string Root, string Job, DateTimeOffset At)>();
        var artifacts = new List<(string Id, string Json)>();
        var cancels = new List<string>();
        var outbox = new List<Notifications.OutboxRow>();
        var logs = new LogColumns();
        foreach (var write in writes)
        {
            logs.Add(write.Log);
            streams.Add(write);
            events.Add(write);
            views.Add(write);
            due.Add(write.Due);
            if (write.ReleaseRetryRoot is { } root)
            {
                releases.Add((root, write.JobId));
            }

            if (write.TakeRetryRoot is { } retried)
            {
                takes.Add((retried, write.JobId, write.Events[0].Timestamp));
            }

            artifacts.AddRange(write.Artifacts);
            outbox.AddRange(write.Outbox);

            if (write.NotifyCancel)
            {
                cancels.Add(write.JobId);
            }
        }

        await using var connection = _store.Storage.Database.CreateConnection();
        await connection.OpenAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        // Every statement here finds its rows by key. PostgreSQL plans a join of a table with an array parameter on the
        // table's statistics, and a plan made while the table was small (a new schema, before autovacuum's first
        // ANALYZE) is a scan of the whole table that the prepared statement then keeps: 1 ms a call at 10,000 jobs.
        Add(batch, "set local enable_seqscan = off");
        NpgsqlBatchCommand? versions = null;
        if (streams.ExistingCount > 0)
        {
            versions = Add(batch, $"""
                update {_schema}.{MartenTables.Streams} s set version = v.version, timestamp = now()
                from unnest(?::varchar[], ?::bigint[], ?::bigint[]) v(id, expected, version)
                where s.id = v.id and s.version = v.expected and s.is_archived = false
                """, streams.ExistingIds.ToArray(), streams.ExistingExpected.ToArray(), streams.ExistingVersion.ToArray());
        }

        if (streams.NewIds.Count > 0)
        {
            // A second start of the same stream breaks the primary key: the write fails as stale.
            Add(batch, $"""
                insert into {_schema}.{MartenTables.Streams} (id, type, version, timestamp, created, tenant_id)
                select v.id, null, v.version, now(), now(), '{DefaultTenant}' from unnest(?::varchar[], ?::bigint[]) v(id, version)
                """, streams.NewIds.ToArray(), streams.NewVersion.ToArray());
        }

        if (events.Ids.Count > 0)
        {
            Add(batch, $"""
                insert into {_schema}.{MartenTables.Events} (seq_id, id, stream_id, version, data, type, tenant_id, timestamp, mt_dotnet_type, is_archived)
                select nextval('{_schema}.{MartenTables.EventSequence}'), e.id, e.stream_id, e.version, e.data, e.type, '{DefaultTenant}', e.ts, e.dotnet_type, false
                from unnest(?::uuid[], ?::varchar[], ?::bigint[], ?::jsonb[], ?::varchar[], ?::timestamptz[], ?::varchar[]) e(id, stream_id, version, data, type, ts, dotnet_type)
                """, events.Ids.ToArray(), events.StreamIds.ToArray(), events.Versions.ToArray(), Jsonb(events.Bodies), events.Types.ToArray(), events.Timestamps.ToArray(), events.DotNetTypes.ToArray());
        }

        AddViews(batch, views);
        foreach (var (sql, values) in due.Statements(_schema))
        {
            Add(batch, sql, values);
        }

        if (takes.Count > 0)
        {
            // New retries in flight: a second retry of the same root breaks the table's primary key.
            Add(batch, RetryLocks.TakeSql(_schema), takes.Select(t => t.Root).ToArray(), takes.Select(t => t.Job).ToArray(), takes.Select(t => t.At).ToArray());
        }

        if (artifacts.Count > 0)
        {
            Add(batch, $"""
                insert into {_schema}.{MartenTables.Artifacts} as d (id, data, mt_last_modified, mt_version, mt_dotnet_type)
                select a.id, a.data, transaction_timestamp(), a.mt_version, '{_artifactDotNetType}'
                from unnest(?::varchar[], ?::jsonb[], ?::uuid[]) a(id, data, mt_version)
                on conflict (id) do update set data = excluded.data, mt_last_modified = excluded.mt_last_modified, mt_version = excluded.mt_version
                """, artifacts.Select(a => a.Id).ToArray(), Jsonb(artifacts.Select(a => a.Json).ToList()), artifacts.Select(_ => Guid.CreateVersion7()).ToArray());
        }

        if (releases.Count > 0)
        {
            // The retries ended: their roots may be retried again.
            Add(batch, RetryLocks.ReleaseSql(_schema), releases.Select(r => r.Root).ToArray(), releases.Select(r => r.Job).ToArray());
        }

        if (logs.JobIds.Count > 0)
        {
            Add(batch, Logs.TaskLogs.InsertSql(_schema), logs.JobIds.ToArray(), logs.TaskTypes.ToArray(), logs.Attempts.ToArray(), logs.Seqs.ToArray(), logs.Ats.ToArray(), logs.Sources.ToArray(), logs.Lines.ToArray());
        }

        if (outbox.Count > 0)
        {
            // The notifications commit with the events that cause them: a host killed after this commit still sends them.
            Add(batch, Notifications.OutboxTable.InsertSql(_schema), outbox.Select(o => o.Id).ToArray(), outbox.Select(o => o.JobId).ToArray(),
                outbox.Select(o => o.Channel).ToArray(), outbox.Select(o => o.State).ToArray(), outbox.Select(o => o.TaskType).ToArray(),
                outbox.Select(o => o.Recipient).ToArray(), Jsonb(outbox.Select(o => o.Payload).ToList()), outbox.Select(o => o.At).ToArray());
        }

        if (cancels.Count > 0)
        {
            // Delivered on commit to every process: the ones running these jobs' tasks stop them at once.
            Add(batch, "select pg_notify(?, c.id) from unnest(?::varchar[]) c(id)", DueTasks.CancelChannel(_schema), cancels.ToArray());
        }

        await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
        if (versions is not null && versions.RecordsAffected != streams.ExistingCount)
        {
            await transaction.RollbackAsync().ConfigureAwait(false);
            throw writes.Count == 1 ? new JobConcurrencyException(writes[0].JobId, writes[0].ExpectedVersion, null) : new StaleGroupException();
        }

        await transaction.CommitAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Archives finished jobs: their streams and events are flagged archived (as Marten's <c>ArchiveStream</c> does: kept,
    /// no longer read by default) and their views rewritten (with <see cref="JobView.ArchivedAt"/>), in one transaction.
    /// </summary>
    /// <param name="archived">The jobs' views, already marked archived.</param>
    public async Task ArchiveAsync(IReadOnlyList<JobView> archived)
    {
        if (archived.Count == 0)
        {
            return;
        }

        await EnsureSchemaAsync().ConfigureAwait(false);
        var views = new ViewColumns();
        foreach (var view in archived)
        {
            views.Add(view.Id, SerializedView.Of(view, _serializer.ToJson(view)));
        }

        var ids = archived.Select(v => v.Id).ToArray();
        await using var connection = _store.Storage.Database.CreateConnection();
        await connection.OpenAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        Add(batch, $"update {_schema}.{MartenTables.Streams} set is_archived = true where id = any(?::varchar[])", (object)ids);
        Add(batch, $"update {_schema}.{MartenTables.Events} set is_archived = true where stream_id = any(?::varchar[])", (object)ids);
        AddViews(batch, views);
        await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
    }

    /// <summary>Upserts job views as Marten's documents, with their duplicated columns.</summary>
    private void AddViews(NpgsqlBatch batch, ViewColumns views) =>
        Add(batch, $"""
            insert into {_schema}.{ViewTable} as d (id, data, mt_last_modified, mt_version, mt_dotnet_type, job_type, status, parent_job_id, retry_root)
            select v.id, v.data, transaction_timestamp(), v.mt_version, '{_viewDotNetType}', v.job_type, v.status, v.parent_job_id, v.retry_root
            from unnest(?::varchar[], ?::jsonb[], ?::uuid[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[]) v(id, data, mt_version, job_type, status, parent_job_id, retry_root)
            on conflict (id) do update set data = excluded.data, mt_last_modified = excluded.mt_last_modified, mt_version = excluded.mt_version,
              mt_dotnet_type = excluded.mt_dotnet_type, job_type = excluded.job_type, status = excluded.status, parent_job_id = excluded.parent_job_id,
              retry_root = excluded.retry_root
            """, views.Ids.ToArray(), Jsonb(views.Bodies), views.Versions.ToArray(), views.JobTypes.ToArray(), views.Statuses.ToArray(), views.Parents.ToArray(), views.RetryRoots.ToArray());

    /// <summary>
    /// Marten creates its tables lazily on a session's first write when the store may change the schema; this writer
    /// goes around its sessions, so it applies the store's schema once before its first write instead (hosts apply it
    /// at start and run with <c>AutoCreate.None</c>: nothing happens then).
    /// </summary>
    private Task EnsureSchemaAsync()
    {
        var mode = ((StoreOptions)_store.Options).AutoCreateSchemaObjects;
        if (mode == JasperFx.AutoCreate.None)
        {
            return Task.CompletedTask;
        }

        var current = Volatile.Read(ref _schemaReady);
        if (current is { IsFaulted: false, IsCanceled: false })
        {
            return current;
        }

        var apply = new Task<Task>(() => _store.Storage.Database.ApplyAllConfiguredChangesToDatabaseAsync(mode));
        var applied = apply.Unwrap();
        if (Interlocked.CompareExchange(ref _schemaReady, applied, current) != current)
        {
            return Volatile.Read(ref _schemaReady)!; // another write is applying it
        }

        apply.Start(TaskScheduler.Default);
        return applied;
    }

    /// <summary>True when the exception is the database refusing a stale write: a stream started twice, or an event version taken.</summary>
    /// <param name="e">The exception.</param>
    public static bool IsStale(Exception e) =>
        e is StaleGroupException or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: MartenTables.StreamsPrimaryKey or MartenTables.EventsStreamAndVersion };

    private static NpgsqlParameter Jsonb(List<string> bodies) => new() { Value = bodies.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb };

    /// <summary>Adds a statement whose <c>?</c> placeholders take the values in order.</summary>
    private static NpgsqlBatchCommand Add(NpgsqlBatch batch, string sql, params object[] values)
    {
        var text = new StringBuilder(sql.Length + 16);
        var n = 0;
        foreach (var c in sql)
        {
            if (c == '?')
            {
                text.Append('$').Append(++n);
            }
            else
            {
                text.Append(c);
            }
        }

        var command = new NpgsqlBatchCommand(text.ToString());
        foreach (var value in values)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value });
        }

        batch.BatchCommands.Add(command);
        return command;
    }
}
