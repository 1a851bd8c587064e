using JasperFx.Events;
using Marten;
using Marten.Exceptions;
using Marten.Services;
using Workflows.Executors.Artifacts;
using Workflows.Runtime;

namespace Workflows.Marten;

/// <summary>
/// Job streams on Marten: read the stream, fold it, let the decider decide, append the events at the expected version
/// (so a result is recorded once), and store the job view in the same transaction.
/// </summary>
/// <param name="store">The Marten store configured with <see cref="WorkflowsMarten.Configure"/>.</param>
/// <param name="time">The clock.</param>
/// <param name="local">This process's queue for its own workers: jobs submitted here are handed to it (none: every job waits for a claim).</param>
public sealed partial class JobStore(IDocumentStore store, TimeProvider time, LocalWork? local = null)
{
    private readonly Writing.JobWriter _writer = new(store);
    private readonly Serialization.EventNames _eventNames = new(store);
    private readonly ISerializer _serializer = store.Options.Serializer();

    /// <summary>Applies a command to a job (submitting one with <see cref="RequestJob"/>) and returns the events recorded.</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="command">What is asked.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="JobConcurrencyException">Another writer changed the job first.</exception>
    public async Task<IReadOnlyList<JobEvent>> ExecuteAsync(string jobId, JobCommand command, CancellationToken cancellationToken = default)
    {
        // A new job's stream does not exist: no read before the write (a second submit of the same id collides and is
        // decided again on what is stored, which refuses it).
        if (command is RequestJob request && local is not null && RunsHere(request) && local.TryReserve())
        {
            JobStep step;
            try
            {
                var lease = new RowLease(DueTasks.StartJob, local.Owner, time.GetUtcNow() + local.Lease);
                step = await WriteAsync(jobId, JobSnapshot.New, command, null, default, lease, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsConcurrencyConflict(e) || e is JobConcurrencyException)
            {
                local.Unreserve();
                return (await StepAsync(jobId, null, command, null, default, cancellationToken).ConfigureAwait(false)).Events;
            }
            catch
            {
                local.Unreserve();
                throw;
            }

            if (step.Events.Count == 0)
            {
                local.Unreserve();
            }
            else
            {
                // Committed: the row is leased to this process and kept for recovery; a worker here starts it now.
                local.PostReserved(new WorkItem(new ClaimedTask(jobId, DueTasks.StartJob, 0, time.GetUtcNow() + local.Lease), step.Snapshot));
            }

            return step.Events;
        }

        var known = command is RequestJob ? JobSnapshot.New : null;
        return (await StepAsync(jobId, known, command, null, default, cancellationToken).ConfigureAwait(false)).Events;
    }

    /// <summary>A submitted job this process's workers may start at once: due now, no concurrency rule, a queue they take.</summary>
    private bool RunsHere(RequestJob request) =>
        request.Definition.MaxConcurrency is null && request.LockKey is null
        && (request.ScheduledAt is null || request.ScheduledAt <= time.GetUtcNow())
        && local!.Takes(request.Queue);

    /// <summary>
    /// Applies a command to a job known at <paramref name="known"/> (null: read it first) and, when
    /// <paramref name="worker"/> is given, also starts in the same write the job's next attempt that is due now, leased
    /// to that worker (a job's start runs its first task, a task's result its next, with no claim in between). A stale
    /// snapshot is read again and decided once more: the append is conditional on the stream version, so every result
    /// is still recorded once.
    /// </summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="known">The job as this process last wrote or read it, or null.</param>
    /// <param name="command">What is asked.</param>
    /// <param name="worker">The worker that will run the attempt started here, or null to start none.</param>
    /// <param name="lease">How long that worker's lease holds.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="JobConcurrencyException">Another writer changed the job first, twice.</exception>
    public Task<JobStep> StepAsync(string jobId, JobSnapshot? known, JobCommand command, string? worker, TimeSpan lease, CancellationToken cancellationToken = default) =>
        StepAsync(jobId, known, command, worker, lease, null, cancellationToken);

    /// <summary>As <see cref="StepAsync(string, JobSnapshot?, JobCommand, string?, TimeSpan, CancellationToken)"/>, with an attempt's last log lines written in the same transaction.</summary>
    internal async Task<JobStep> StepAsync(string jobId, JobSnapshot? known, JobCommand command, string? worker, TimeSpan lease, Logs.LogTail? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        for (var attempt = 0; ; attempt++)
        {
            var snapshot = known ?? await SnapshotAsync(jobId, cancellationToken).ConfigureAwait(false);
            try
            {
                return await WriteAsync(jobId, snapshot, command, worker, lease, null, cancellationToken, log).ConfigureAwait(false);
            }
            catch (JobConcurrencyException) when (known is not null && attempt == 0)
            {
                known = null; // what this process knew is stale: decide again on the stream as it is
            }
        }
    }

    /// <summary>The job's state and stream version, read from its stream.</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<JobSnapshot> SnapshotAsync(string jobId, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        var stream = await session.Events.FetchStreamAsync(jobId, token: cancellationToken).ConfigureAwait(false);
        return new JobSnapshot(JobDecider.Fold(stream.Select(e => (JobEvent)e.Data)), stream.Count);
    }

    /// <summary>
    /// One transaction: the decided events appended at the snapshot's version, the job view, the due rows (the attempt
    /// started here and a locally queued start written leased), the retry lock, and the notifications.
    /// </summary>
    private async Task<JobStep> WriteAsync(
        string jobId, JobSnapshot snapshot, JobCommand command, string? worker, TimeSpan lease, RowLease? queuedLocally, CancellationToken cancellationToken, Logs.LogTail? log = null)
    {
        var state = snapshot.State;
        var context = new DecisionContext(time.GetUtcNow(), Random.Shared.NextDouble());
        var events = JobDecider.Decide(command, state, context);
        if (events.Count == 0)
        {
            return new JobStep(snapshot, events, null);
        }

        var next = events.Aggregate(state, JobDecider.Evolve);
        ClaimedTask? started = null;
        if (worker is not null && NextDueAttempt(next, context.Now) is { } due)
        {
            var start = JobDecider.Decide(new StartTask(due.TaskType, due.Attempt), next, context);
            if (start.Count > 0)
            {
                events = [.. events, .. start];
                next = start.Aggregate(next, JobDecider.Evolve);
                started = new ClaimedTask(jobId, due.TaskType, due.Attempt, context.Now + lease);
            }
        }

        ClaimedTask? handedOver = null;
        if (started is null && queuedLocally is null && next.Status == JobStatus.Running && local is { IsOpen: true } && local.Takes(next.Queue)
            && NextDueAttempt(next, context.Now) is { } ready && local.TryReserveFollowUp())
        {
            // An attempt due now that no worker starts in this write (an immediate retry while every slot is busy): its
            // row is written leased to this process and the attempt queued for its workers, as a submitted job is.
            handedOver = new ClaimedTask(jobId, ready.TaskType, ready.Attempt, context.Now + local.Lease);
            queuedLocally = new RowLease(ready.TaskType, local.Owner, handedOver.LeaseUntil);
        }

        var version = snapshot.Version + events.Count;
        var leased = started is not null ? new RowLease(started.TaskType, worker!, started.LeaseUntil) : queuedLocally;
        var notifyCancel = events.Any(e => e is JobCancellationRequested) || command is JobTimedOut;
        // A retry that ends frees its root to be retried again.
        var releaseRoot = next.IsFinished && !state.IsFinished ? next.RetryRoot : null;
        var write = _writer.Prepare(jobId, snapshot.Version, events, context.Now, JobView.From(next, version), DueTasks.Plan(next, leased, isNew: snapshot.Version == 0), releaseRoot, notifyCancel, log);
        try
        {
            await _writer.CommitAsync(write).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not JobConcurrencyException && IsConcurrencyConflict(e))
        {
            if (handedOver is not null)
            {
                local!.Unreserve();
            }

            throw new JobConcurrencyException(jobId, snapshot.Version, e);
        }
        catch when (handedOver is not null)
        {
            local!.Unreserve();
            throw;
        }

        if (handedOver is not null)
        {
            local!.PostReserved(new WorkItem(handedOver, new JobSnapshot(next, version)));
        }

        WorkflowsTelemetry.Record(next, events);
        if (events.Any(e => e is JobCancellationRequested or JobCancelled))
        {
            await CascadeCancelAsync(jobId, cancellationToken).ConfigureAwait(false);
        }

        return new JobStep(new JobSnapshot(next, version), events, started);
    }

    /// <summary>
    /// The attempt a worker may start at once after a write: scheduled (or polling) and due now. An attempt a retry
    /// strategy moved to another queue or priority is left to the claim, which honours both.
    /// </summary>
    private static TaskRun? NextDueAttempt(JobState state, DateTimeOffset now) => state.IsFinished
        ? null
        : state.Tasks.Values.FirstOrDefault(t => t.Status is TaskRunStatus.Scheduled or TaskRunStatus.Executing && (t.DueAt ?? now) <= now
            && t.Queue is null && t.Priority is null);

    /// <summary>A cancelled batch parent cancels the children it forked that still run.</summary>
    private async Task CascadeCancelAsync(string jobId, CancellationToken cancellationToken)
    {
        foreach (var child in await ChildrenAsync(jobId, cancellationToken).ConfigureAwait(false))
        {
            if (child.Status is not (JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled or JobStatus.Cancelling))
            {
                try
                {
                    await ExecuteAsync(child.Id, new CancelJob($"its batch parent {jobId} was cancelled"), cancellationToken).ConfigureAwait(false);
                }
                catch (JobConcurrencyException)
                {
                    // The child moved on at this moment; the await task's cancellation stops waiting for it anyway.
                }
            }
        }
    }

    /// <summary>
    /// Retries a finished job: the decider accepts or refuses (<see cref="JobDecider.Retry"/>); an accepted retry's new
    /// stream, the root's <see cref="JobRetried"/> (at the root's expected version), both views, the new job's due row
    /// and the root's in-flight row are written in ONE transaction, so a crash leaves both or neither, and a second
    /// retry of the same root while one is in flight is refused by the database.
    /// </summary>
    /// <param name="jobId">The job asked to be retried.</param>
    /// <param name="request">The request (the new id, who asks, overrides).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The decision (a refusal names the in-flight retry), or null when no such job exists.</returns>
    public async Task<RetryDecision?> RetryAsync(string jobId, RetryRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var schema = store.Options.DatabaseSchemaName;
        for (var attempt = 0; ; attempt++)
        {
            await using var session = store.LightweightSession();
            var askedStream = await session.Events.FetchStreamAsync(jobId, token: cancellationToken).ConfigureAwait(false);
            if (askedStream.Count == 0)
            {
                return null;
            }

            var asked = JobDecider.Fold(askedStream.Select(e => (JobEvent)e.Data));
            var rootId = asked.RetryRoot ?? jobId;
            var rootStream = rootId == jobId ? askedStream : await session.Events.FetchStreamAsync(rootId, token: cancellationToken).ConfigureAwait(false);
            var root = JobDecider.Fold(rootStream.Select(e => (JobEvent)e.Data));
            var context = new DecisionContext(time.GetUtcNow(), Random.Shared.NextDouble());
            var decision = JobDecider.Retry(asked, root, request, context);
            if (decision.Refusal is not null)
            {
                return decision;
            }

            var inFlight = await InFlightRetryAsync(rootId, cancellationToken).ConfigureAwait(false);
            if (inFlight is not null)
            {
                return InFlight(rootId, inFlight);
            }

            var newEvents = JobDecider.Decide(decision.NewJob!, JobState.Initial, context);
            var newState = JobDecider.Fold(newEvents);
            session.Events.StartStream(request.NewJobId, newEvents);
            session.Store(JobView.From(newState, newEvents.Count));
            DueTasks.Sync(session, schema, newState);
            var rootVersion = rootStream.Count + 1;
            session.Events.Append(rootId, rootVersion, decision.RootEvent!);
            var rootView = await session.LoadAsync<JobView>(rootId, cancellationToken).ConfigureAwait(false);
            session.Store(JobView.From(JobDecider.Evolve(root, decision.RootEvent!), rootVersion) with { ArchivedAt = rootView?.ArchivedAt });
            RetryLocks.Take(session, schema, rootId, request.NewJobId, context.Now);
            if (decision.NewJob!.Carried is { Count: > 0 } carried)
            {
                // A resumed retry keeps its carried tasks' artifacts: new records of the same content-addressed blobs.
                var tasks = carried.Select(c => c.TaskType).ToArray();
                var artifacts = await session.Query<ArtifactInfo>().Where(a => a.JobId == jobId && a.TaskType.IsOneOf(tasks)).ToListAsync(cancellationToken).ConfigureAwait(false);
                foreach (var artifact in artifacts)
                {
                    session.Store(artifact with { Id = $"{request.NewJobId}/{artifact.TaskType}/{artifact.Attempt}/{artifact.Name}", JobId = request.NewJobId });
                }
            }

            try
            {
                await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return decision;
            }
            catch (Exception e) when (attempt < 5 && (RetryLocks.IsConflict(e) || IsConcurrencyConflict(e)))
            {
                // Another retry of this root committed first: answer with it (or decide again on the new root).
                if (await InFlightRetryAsync(rootId, cancellationToken).ConfigureAwait(false) is { } other)
                {
                    return InFlight(rootId, other);
                }
            }
        }
    }

    /// <summary>The retry of a root that is queued or running, if any.</summary>
    /// <param name="rootId">The lineage's root.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<string?> InFlightRetryAsync(string rootId, CancellationToken cancellationToken = default)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"select job_id from {store.Options.DatabaseSchemaName}.{RetryLocks.TableName} where root_id = @root";
        command.Parameters.AddWithValue("root", rootId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    private static RetryDecision InFlight(string rootId, string inFlight) => new(null, null, new RetryRefusal(
        RetryRefusalReason.RetryInFlight,
        $"Retry {inFlight} of job {rootId} is still queued or running; at most one retry of a job is in flight. Wait for it to end (or cancel it), then retry again."));

    /// <summary>
    /// True for Marten's ways of saying the stream moved on: an append at a stale version (its message reads oddly,
    /// "expected 3 but was -1"; the database says MT003), or a second start of the same stream.
    /// </summary>
    internal static bool IsConcurrencyConflict(Exception e) =>
        e is EventStreamUnexpectedMaxEventIdException or ConcurrentUpdateException
            or global::Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException
        || Writing.JobWriter.IsStale(e);

    /// <summary>
    /// Creates or updates the store's tables (events, job views, due-task rows, …) before workers start claiming, also
    /// when the store itself never changes the schema at run time (the hosts' setting: see AddWorkflows).
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken = default) =>
        store.Storage.Database.ApplyAllConfiguredChangesToDatabaseAsync(JasperFx.AutoCreate.CreateOrUpdate, ct: cancellationToken);

    /// <summary>
    /// Claims due rows not leased by a live worker, by priority then due time: up to <paramref name="max"/> job rows
    /// (job timeouts, and starts of queued jobs) and ONE task attempt (job rows are quick; an attempt may take hours, so
    /// a worker claims only the attempt it can run now). Rows without a
    /// concurrency rule are claimed with <c>FOR UPDATE SKIP LOCKED</c> and no other serialization. Starts of jobs with a
    /// <c>max_concurrency</c> or a queueing lock key are claimed under a transaction-scoped advisory lock, so the count
    /// of a job type's running jobs (jobs with task rows, and starts claimed but not yet made) is exact: two workers
    /// cannot both take the last slot, and a job with a lock key starts only when no other job with that key runs. A
    /// lease that ran out (its worker died) makes the row claimable again.
    /// </summary>
    /// <param name="worker">The claiming worker's name.</param>
    /// <param name="max">At most this many job rows.</param>
    /// <param name="lease">How long the claim holds.</param>
    /// <param name="queues">Only these named queues (null or empty: every queue).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<IReadOnlyList<ClaimedTask>> ClaimDueAsync(string worker, int max, TimeSpan lease, IReadOnlyCollection<string>? queues = null, CancellationToken cancellationToken = default) =>
        ClaimDueAsync(worker, max, 1, lease, queues, cancellationToken);

    /// <summary>As <see cref="ClaimDueAsync(string, int, TimeSpan, IReadOnlyCollection{string}?, CancellationToken)"/>, with up to <paramref name="maxAttempts"/> task attempts (one per idle worker).</summary>
    /// <param name="worker">The claiming worker's (or process's) name.</param>
    /// <param name="max">At most this many job rows.</param>
    /// <param name="maxAttempts">At most this many task attempts.</param>
    /// <param name="lease">How long the claim holds.</param>
    /// <param name="queues">Only these named queues (null or empty: every queue).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<ClaimedTask>> ClaimDueAsync(string worker, int max, int maxAttempts, TimeSpan lease, IReadOnlyCollection<string>? queues, CancellationToken cancellationToken = default) =>
        (await ClaimAsync(worker, max, maxAttempts, lease, queues, withStreams: false, cancellationToken).ConfigureAwait(false)).Select(i => i.Claim).ToList();

    /// <summary>
    /// As <see cref="ClaimDueAsync(string, int, int, TimeSpan, IReadOnlyCollection{string}?, CancellationToken)"/>, and
    /// the same statement returns the claimed jobs' streams: a worker decides on them at once instead of reading each
    /// stream again (one round trip less between a claim and a task's start). A stream that changed after the claim is
    /// read again when its write finds it stale, as for any snapshot.
    /// </summary>
    /// <param name="worker">The claiming worker's (or process's) name.</param>
    /// <param name="max">At most this many job rows.</param>
    /// <param name="maxAttempts">At most this many task attempts.</param>
    /// <param name="lease">How long the claim holds.</param>
    /// <param name="queues">Only these named queues (null or empty: every queue).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<IReadOnlyList<WorkItem>> ClaimWorkAsync(string worker, int max, int maxAttempts, TimeSpan lease, IReadOnlyCollection<string>? queues, CancellationToken cancellationToken = default) =>
        ClaimAsync(worker, max, maxAttempts, lease, queues, withStreams: true, cancellationToken);

    private async Task<IReadOnlyList<WorkItem>> ClaimAsync(string worker, int max, int maxAttempts, TimeSpan lease, IReadOnlyCollection<string>? queues, bool withStreams, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var schema = store.Options.DatabaseSchemaName;
        var table = schema + "." + DueTasks.TableName;
        var queueArray = (queues ?? []).ToArray();
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        var claimed = new List<ClaimedTask>();
        var streams = new Dictionary<string, List<(long Version, JobEvent Event)>>(StringComparer.Ordinal);
        bool constrained;
        await using (var command = connection.CreateCommand())
        {
            // One statement, atomic on its own: no transaction round trips around it. Constrained starts are left to
            // the serialized query below; everything else is claimed here.
            command.CommandText = ClaimSql(table, withStreams ? schema + ".mt_events" : null);
            AddClaimParameters(command, now, lease, worker, max, queueArray);
            command.Parameters.AddWithValue("attempts", Math.Max(0, maxAttempts));
            constrained = await ReadClaimsAsync(command, claimed, streams, cancellationToken).ConfigureAwait(false);
        }

        var jobRowsLeft = max - claimed.Count(c => c.IsJobRow);
        if (constrained && jobRowsLeft > 0)
        {
            // The advisory lock that keeps the counts exact is transaction-scoped.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ClaimConstrainedStartsAsync(connection, transaction, table, now, lease, worker, jobRowsLeft, queueArray, claimed, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // A job claimed with two rows (its timeout and an attempt) is folded once.
        var snapshots = streams.ToDictionary(p => p.Key, p => new JobSnapshot(JobDecider.Fold(p.Value.OrderBy(e => e.Version).Select(e => e.Event)), p.Value.Count), StringComparer.Ordinal);
        return claimed.Select(c => new WorkItem(c, snapshots.GetValueOrDefault(c.JobId))).ToList();
    }

    /// <summary>
    /// The claim of due job rows (unconstrained starts and job timeouts) and task attempts, in claim order, under row
    /// locks that skip rows another claimer holds; its last row says whether constrained starts are due. Each part
    /// walks its own partial index (<see cref="DueTasks.Table"/>) and stops at its limit.
    /// </summary>
    /// <param name="table">The schema-qualified due-work table.</param>
    /// <param name="events">Marten's schema-qualified events table, to return the claimed jobs' events too (rows with no task name).</param>
    internal static string ClaimSql(string table, string? events = null) => $"""
            with jobs as (
              select t.job_id, t.task_type from {table} t
              where ({DueTasks.IsJobRowSql}) and t.max_concurrency is null and t.lock_key is null
                and t.due_at <= @now and (t.lease_until is null or t.lease_until <= @now)
                and (cardinality(@queues) = 0 or t.queue = any(@queues))
              order by t.priority desc, t.due_at, t.job_id limit @max
              for update skip locked),
            attempts as (
              select t.job_id, t.task_type from {table} t
              where {DueTasks.IsAttemptRowSql}
                and t.due_at <= @now and (t.lease_until is null or t.lease_until <= @now)
                and (cardinality(@queues) = 0 or t.queue = any(@queues))
              order by t.priority desc, t.due_at, t.job_id limit @attempts
              for update skip locked),
            next as (select * from jobs union all select * from attempts),
            updated as (
              update {table} t set lease_until = @until, owner = @worker
              from next where t.job_id = next.job_id and t.task_type = next.task_type
              returning t.job_id, t.task_type, t.attempt, t.lease_until)
            select job_id, task_type, attempt, lease_until, null::boolean, null::bigint, null::varchar, null::jsonb from updated
            union all
            select null, null, null, null, exists (
              select 1 from {table} c where c.task_type = '' and (c.max_concurrency is not null or c.lock_key is not null)
                and c.due_at <= @now and (c.lease_until is null or c.lease_until <= @now)), null, null, null
            {(events is null ? string.Empty : $"""
            union all
            select e.stream_id, null, null, null, null, e.version, e.type, e.data from {events} e
            where e.stream_id = any(array(select job_id from updated))
            """)}
            """;

    private static void AddClaimParameters(Npgsql.NpgsqlCommand command, DateTimeOffset now, TimeSpan lease, string worker, int max, string[] queues)
    {
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("until", now + lease);
        command.Parameters.AddWithValue("worker", worker);
        command.Parameters.AddWithValue("max", max);
        command.Parameters.AddWithValue("queues", queues);
    }

    /// <summary>
    /// Reads claimed rows; a row without a job id carries the flag returned (whether constrained starts are due), a row
    /// with a job id and no task name one event of that job's stream.
    /// </summary>
    private async Task<bool> ReadClaimsAsync(Npgsql.NpgsqlCommand command, List<ClaimedTask> claimed, Dictionary<string, List<(long, JobEvent)>>? streams, CancellationToken cancellationToken)
    {
        var flag = false;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.IsDBNull(0))
            {
                flag = reader.GetBoolean(4);
                continue;
            }

            if (reader.IsDBNull(1))
            {
                var jobId = reader.GetString(0);
                var type = _eventNames.TypeOf(reader.GetString(6));
                if (!streams!.TryGetValue(jobId, out var events))
                {
                    streams[jobId] = events = [];
                }

                events.Add((reader.GetInt64(5), (JobEvent)_serializer.FromJson(type, reader, 7)));
                continue;
            }

            claimed.Add(new ClaimedTask(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return flag;
    }

    /// <summary>Starts of jobs with a max_concurrency or a lock key, claimed one claimer at a time (the advisory lock) so the counts are exact.</summary>
    private static async Task ClaimConstrainedStartsAsync(
        Npgsql.NpgsqlConnection connection, Npgsql.NpgsqlTransaction transaction, string table, DateTimeOffset now, TimeSpan lease, string worker, int max, string[] queues,
        List<ClaimedTask> claimed, CancellationToken cancellationToken)
    {
        await using (var serialize = connection.CreateCommand())
        {
            serialize.Transaction = transaction;
            serialize.CommandText = "select pg_advisory_xact_lock(hashtext(@key))";
            serialize.Parameters.AddWithValue("key", "workflows.claim." + table);
            await serialize.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            with due as (
              select t.job_id, t.task_type, t.priority, t.due_at, t.job_type, t.max_concurrency, t.lock_key,
                     row_number() over (partition by t.max_concurrency is not null, t.job_type order by t.priority desc, t.due_at, t.job_id) as nth,
                     row_number() over (partition by t.lock_key is not null, t.lock_key order by t.priority desc, t.due_at, t.job_id) as nth_locked
              from {table} t
              where t.task_type = '' and (t.max_concurrency is not null or t.lock_key is not null)
                and t.due_at <= @now and (t.lease_until is null or t.lease_until <= @now)
                and (cardinality(@queues) = 0 or t.queue = any(@queues))),
            next as (
              select d.job_id, d.task_type from due d
              where (d.max_concurrency is null
                 or d.nth + (select count(distinct r.job_id) from {table} r
                             where r.job_type = d.job_type and (r.task_type <> '' or r.lease_until > @now)) <= d.max_concurrency)
                and (d.lock_key is null
                 or (d.nth_locked = 1 and not exists (select 1 from {table} r
                             where r.lock_key = d.lock_key and r.job_id <> d.job_id and (r.task_type <> '' or r.lease_until > @now))))
              order by d.priority desc, d.due_at, d.job_id
              limit @max)
            update {table} t set lease_until = @until, owner = @worker
            from next where t.job_id = next.job_id and t.task_type = next.task_type
              and (t.lease_until is null or t.lease_until <= @now)
            returning t.job_id, t.task_type, t.attempt, t.lease_until
            """;
        AddClaimParameters(command, now, lease, worker, max, queues);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claimed.Add(new ClaimedTask(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }
    }

    /// <summary>Extends a claim this worker still holds, while its task runs; false when the claim was lost or the attempt moved on.</summary>
    /// <param name="claim">The claim.</param>
    /// <param name="worker">The worker that holds it.</param>
    /// <param name="lease">The new lease, from now.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<bool> RenewLeaseAsync(ClaimedTask claim, string worker, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"update {store.Options.DatabaseSchemaName}.{DueTasks.TableName} set lease_until = @until " +
            "where job_id = @job and task_type = @task and attempt = @attempt and owner = @worker";
        command.Parameters.AddWithValue("until", time.GetUtcNow() + lease);
        command.Parameters.AddWithValue("job", claim.JobId);
        command.Parameters.AddWithValue("task", claim.TaskType);
        command.Parameters.AddWithValue("attempt", claim.Attempt);
        command.Parameters.AddWithValue("worker", worker);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// Listens on the store's channels until cancelled: <paramref name="onDue"/> is called when a transaction schedules
    /// work, <paramref name="onCancel"/> with the job's id when a job's cancellation is asked for, and
    /// <paramref name="configs"/> hears of config changes (it caches what attempts see only while this listens). One
    /// listener per process is enough; it wakes that process's idle workers and stops its running attempts of cancelled jobs.
    /// </summary>
    /// <param name="onDue">Called for each notification of due work.</param>
    /// <param name="onCancel">Called with the job id of each cancelled job.</param>
    /// <param name="configs">The process's job configs, if any.</param>
    /// <param name="cancellationToken">Stops listening.</param>
    public async Task ListenAsync(Action onDue, Action<string>? onCancel, Configs.JobConfigs? configs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onDue);
        var schema = store.Options.DatabaseSchemaName;
        var cancelChannel = DueTasks.CancelChannel(schema);
        var configsChannel = Configs.JobConfigs.Channel(schema);
        try
        {
            await using var connection = store.Storage.Database.CreateConnection();
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            connection.Notification += (_, e) =>
            {
                if (e.Channel == cancelChannel)
                {
                    onCancel?.Invoke(e.Payload);
                }
                else if (e.Channel == configsChannel)
                {
                    configs?.Changed(listening: true);
                }
                else
                {
                    onDue();
                }
            };
            await using (var listen = connection.CreateCommand())
            {
                listen.CommandText = $"listen \"{DueTasks.Channel(schema)}\"; listen \"{cancelChannel}\"; listen \"{configsChannel}\"";
                await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            configs?.Listening();
            while (!cancellationToken.IsCancellationRequested)
            {
                await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            configs?.Changed(listening: false);
        }
    }

    /// <summary>How much due work no worker has claimed (queued job starts, attempts, retries and polls that are due now).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<long> CountDueAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"select count(*) from {store.Options.DatabaseSchemaName}.{DueTasks.TableName} where due_at <= @now and (lease_until is null or lease_until <= @now)";
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The job's view, or null.</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<JobView?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<JobView>(jobId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Job views matching the query, newest first, and how many match in all; archived (deleted) jobs are not listed.</summary>
    /// <param name="query">Filter and page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<(IReadOnlyList<JobView> Jobs, long Total)> ListAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var session = store.QuerySession();
        var views = session.Query<JobView>().Where(v => v.ArchivedAt == null);
        if (query.Status is { } status)
        {
            views = views.Where(v => v.Status == status);
        }

        if (query.JobType is { } type)
        {
            views = views.Where(v => v.JobType == type);
        }

        if (query.SubmittedBy is { } by)
        {
            views = views.Where(v => v.SubmittedBy == by);
        }

        if (query.CreatedFrom is { } from)
        {
            views = views.Where(v => v.CreatedAt >= from);
        }

        if (query.CreatedTo is { } to)
        {
            views = views.Where(v => v.CreatedAt < to);
        }

        var total = await views.LongCountAsync(cancellationToken).ConfigureAwait(false);
        var page = await views.OrderByDescending(v => v.CreatedAt).ThenByDescending(v => v.Id)
            .Skip(Math.Max(0, query.Offset)).Take(Math.Clamp(query.Limit, 1, 500))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return (page, total);
    }

    /// <summary>
    /// Deletes a finished job from view: its stream is archived (kept in the database, no longer listed) and its view
    /// marked. False when the job is not finished (nothing changes).
    /// </summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<bool> ArchiveAsync(string jobId, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        var view = await session.LoadAsync<JobView>(jobId, cancellationToken).ConfigureAwait(false);
        if (view is null || view.Status is not (JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled))
        {
            return false;
        }

        if (view.ArchivedAt is null)
        {
            session.Events.ArchiveStream(jobId);
            session.Store(view with { ArchivedAt = time.GetUtcNow() });
            await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Archives finished jobs that ended before <paramref name="endedBefore"/>: of one job type, or (with
    /// <paramref name="jobType"/> null) of every type except <paramref name="except"/>. At most <paramref name="max"/>
    /// per call; returns how many were archived.
    /// </summary>
    /// <param name="jobType">The job type, or null for all but <paramref name="except"/>.</param>
    /// <param name="except">Job types with a retention of their own.</param>
    /// <param name="endedBefore">The cut-off.</param>
    /// <param name="max">At most this many.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<int> ArchiveEndedBeforeAsync(string? jobType, IReadOnlyCollection<string> except, DateTimeOffset endedBefore, int max = 500, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(except);
        await using var session = store.LightweightSession();
        var views = session.Query<JobView>().Where(v => v.ArchivedAt == null && v.EndedAt < endedBefore
            && (v.Status == JobStatus.Completed || v.Status == JobStatus.Failed || v.Status == JobStatus.Cancelled));
        views = jobType is null ? views.Where(v => !v.JobType.IsOneOf(except.ToArray())) : views.Where(v => v.JobType == jobType);
        var due = await views.OrderBy(v => v.EndedAt).Take(max).ToListAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        foreach (var view in due)
        {
            session.Events.ArchiveStream(view.Id);
            session.Store(view with { ArchivedAt = now });
        }

        await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return due.Count;
    }

    /// <summary>Archives finished jobs whose definition's retention ran out before <paramref name="now"/>; returns how many (at most <paramref name="max"/>).</summary>
    /// <param name="now">The time.</param>
    /// <param name="max">At most this many.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<int> ArchiveExpiredAsync(DateTimeOffset now, int max = 500, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        var due = await session.Query<JobView>().Where(v => v.ArchivedAt == null && v.RetainUntil != null && v.RetainUntil < now)
            .OrderBy(v => v.RetainUntil).Take(max).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var view in due)
        {
            session.Events.ArchiveStream(view.Id);
            session.Store(view with { ArchivedAt = now });
        }

        await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return due.Count;
    }

    /// <summary>Queued jobs that were due (requested, or scheduled for) before <paramref name="dueBefore"/>, oldest first.</summary>
    /// <param name="dueBefore">The cut-off.</param>
    /// <param name="max">At most this many.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<string>> QueuedSinceAsync(DateTimeOffset dueBefore, int max = 500, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        return await session.Query<JobView>()
            .Where(v => v.Status == JobStatus.Queued && ((v.ScheduledAt == null && v.CreatedAt < dueBefore) || v.ScheduledAt < dueBefore))
            .OrderBy(v => v.CreatedAt).Take(max).Select(v => v.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The jobs a batch parent forked (retries of children included), oldest first.</summary>
    /// <param name="parentJobId">The parent.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<JobView>> ChildrenAsync(string parentJobId, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        return await session.Query<JobView>().Where(v => v.ParentJobId == parentJobId).OrderBy(v => v.CreatedAt).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The job's state, folded from its stream (what a worker needs to run an attempt: definition, params, attempts).</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<JobState> StateAsync(string jobId, CancellationToken cancellationToken = default) =>
        JobDecider.Fold(await EventsAsync(jobId, cancellationToken).ConfigureAwait(false));

    /// <summary>The job's events, in order (its full history).</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<JobEvent>> EventsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        await using var session = store.QuerySession();
        var stream = await session.Events.FetchStreamAsync(jobId, token: cancellationToken).ConfigureAwait(false);
        return stream.Select(e => (JobEvent)e.Data).ToList();
    }
}
