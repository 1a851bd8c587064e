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
public sealed class JobStore(IDocumentStore store, TimeProvider time)
{
    /// <summary>Applies a command to a job (submitting one with <see cref="RequestJob"/>) and returns the events recorded.</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="command">What is asked.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="JobConcurrencyException">Another writer changed the job first.</exception>
    public async Task<IReadOnlyList<JobEvent>> ExecuteAsync(string jobId, JobCommand command, CancellationToken cancellationToken = default)
    {
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchStreamAsync(jobId, token: cancellationToken).ConfigureAwait(false);
        var state = JobDecider.Fold(stream.Select(e => (JobEvent)e.Data));
        var events = JobDecider.Decide(command, state, new DecisionContext(time.GetUtcNow(), Random.Shared.NextDouble()));
        if (events.Count == 0)
        {
            return events;
        }

        var version = stream.Count + events.Count;
        if (stream.Count == 0)
        {
            session.Events.StartStream(jobId, events);
        }
        else
        {
            session.Events.Append(jobId, version, events);
        }

        var next = events.Aggregate(state, JobDecider.Evolve);
        session.Store(JobView.From(next, version));
        DueTasks.Sync(session, store.Options.DatabaseSchemaName, next);
        if (next.IsFinished && !state.IsFinished && next.RetryRoot is { } root)
        {
            // The retry ended: its root may be retried again.
            RetryLocks.Release(session, store.Options.DatabaseSchemaName, root, jobId);
        }
        if (events.Any(e => e is JobCancellationRequested) || (command is JobTimedOut && events.Count > 0))
        {
            // Delivered on commit to every process: the ones running this job's tasks stop them at once.
            session.QueueSqlCommand("select pg_notify(?, ?)", DueTasks.CancelChannel(store.Options.DatabaseSchemaName), jobId);
        }

        try
        {
            await session.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConcurrencyConflict(e))
        {
            throw new JobConcurrencyException(jobId, stream.Count, e);
        }

        WorkflowsTelemetry.Record(next, events);
        if (events.Any(e => e is JobCancellationRequested or JobCancelled))
        {
            // Cascade: a cancelled batch parent cancels the children it forked that still run.
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

        return events;
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
        "retry_in_flight", 409,
        $"Retry {inFlight} of job {rootId} is still queued or running; at most one retry of a job is in flight. Wait for it to end (or cancel it), then retry again."));

    /// <summary>
    /// True for Marten's ways of saying the stream moved on: an append at a stale version (its message reads oddly,
    /// "expected 3 but was -1"; the database says MT003), or a second start of the same stream.
    /// </summary>
    internal static bool IsConcurrencyConflict(Exception e) =>
        e is EventStreamUnexpectedMaxEventIdException or ConcurrentUpdateException
            or global::Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException;

    /// <summary>
    /// Creates or updates the store's tables (events, job views, due-task rows, …) before workers start claiming, also
    /// when the store itself never changes the schema at run time (the hosts' setting: see AddWorkflows).
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken = default) =>
        store.Storage.Database.ApplyAllConfiguredChangesToDatabaseAsync(JasperFx.AutoCreate.CreateOrUpdate, ct: cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> due rows (by priority, then due time) not leased by a live worker: job
    /// timeouts, the starts of queued jobs whose job type is below its <c>max_concurrency</c>, and at most ONE task
    /// attempt (job rows are quick; an attempt may take hours, and no due work may wait claimed behind it). Claims
    /// are serialized by a transaction-scoped advisory lock, so the count of a job type's running jobs (jobs with task
    /// rows, and starts claimed but not yet made) is exact: two workers cannot both take the last slot. A job with a
    /// queueing lock key starts only when no other job with that key runs. A lease that ran
    /// out (its worker died) makes the row claimable again.
    /// </summary>
    /// <param name="worker">The claiming worker's name.</param>
    /// <param name="max">At most this many.</param>
    /// <param name="lease">How long the claim holds.</param>
    /// <param name="queues">Only these named queues (null or empty: every queue).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<ClaimedTask>> ClaimDueAsync(string worker, int max, TimeSpan lease, IReadOnlyCollection<string>? queues = null, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var schema = store.Options.DatabaseSchemaName;
        var table = schema + "." + DueTasks.TableName;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var serialize = connection.CreateCommand())
        {
            serialize.Transaction = transaction;
            serialize.CommandText = "select pg_advisory_xact_lock(hashtext(@key))";
            serialize.Parameters.AddWithValue("key", "workflows.claim." + schema);
            await serialize.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            with due as (
              select t.job_id, t.task_type, t.priority, t.due_at, t.job_type, t.max_concurrency,
                     row_number() over (partition by (t.task_type = '' and t.max_concurrency is not null), t.job_type
                                        order by t.priority desc, t.due_at, t.job_id) as nth,
                     t.lock_key,
                     row_number() over (partition by (t.task_type = '' and t.lock_key is not null), t.lock_key
                                        order by t.priority desc, t.due_at, t.job_id) as nth_locked,
                     row_number() over (partition by t.task_type not in ('', @timeout)
                                        order by t.priority desc, t.due_at, t.job_id, t.task_type) as nth_attempt
              from {table} t
              where t.due_at <= @now and (t.lease_until is null or t.lease_until <= @now)
                and (cardinality(@queues) = 0 or t.queue = any(@queues))),
            next as (
              select d.job_id, d.task_type from due d
              where (d.task_type in ('', @timeout) or d.nth_attempt = 1)
                and (d.task_type <> '' or d.max_concurrency is null
                 or d.nth + (select count(distinct r.job_id) from {table} r
                             where r.job_type = d.job_type and (r.task_type <> '' or r.lease_until > @now)) <= d.max_concurrency)
                and (d.task_type <> '' or d.lock_key is null
                 or (d.nth_locked = 1 and not exists (select 1 from {table} r
                             where r.lock_key = d.lock_key and r.job_id <> d.job_id and (r.task_type <> '' or r.lease_until > @now))))
              order by d.priority desc, d.due_at, d.job_id, d.task_type
              limit @max)
            update {table} t set lease_until = @until, owner = @worker
            from next where t.job_id = next.job_id and t.task_type = next.task_type
              and (t.lease_until is null or t.lease_until <= @now)
            returning t.job_id, t.task_type, t.attempt, t.lease_until
            """;
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("until", now + lease);
        command.Parameters.AddWithValue("worker", worker);
        command.Parameters.AddWithValue("max", max);
        command.Parameters.AddWithValue("timeout", DueTasks.JobTimeout);
        command.Parameters.AddWithValue("queues", (queues ?? []).ToArray());
        var claimed = new List<ClaimedTask>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                claimed.Add(new ClaimedTask(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3)));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return claimed;
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
    /// work, <paramref name="onCancel"/> with the job's id when a job's cancellation is asked for. One listener per
    /// process is enough; it wakes that process's idle workers and stops its running attempts of cancelled jobs.
    /// </summary>
    /// <param name="onDue">Called for each notification of due work.</param>
    /// <param name="onCancel">Called with the job id of each cancelled job.</param>
    /// <param name="cancellationToken">Stops listening.</param>
    public async Task ListenAsync(Action onDue, Action<string>? onCancel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onDue);
        var schema = store.Options.DatabaseSchemaName;
        var cancelChannel = DueTasks.CancelChannel(schema);
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        connection.Notification += (_, e) =>
        {
            if (e.Channel == cancelChannel)
            {
                onCancel?.Invoke(e.Payload);
            }
            else
            {
                onDue();
            }
        };
        await using (var listen = connection.CreateCommand())
        {
            listen.CommandText = $"listen \"{DueTasks.Channel(schema)}\"; listen \"{cancelChannel}\"";
            await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
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
