using Marten;
using Marten.Services;
using Workflows.Executors.Artifacts;
using Workflows.Runtime;

namespace Workflows.Marten;

/// <summary>Due work: claims (SKIP LOCKED on partial indexes, in claim order), constrained starts and lease renewal.</summary>
public sealed partial class JobStore
{
    /// <summary>
    /// Claims due rows not leased by a live worker, by priority then due time: up to <paramref name="max"/> job rows
    /// (job timeouts, and starts of queued jobs) and up to <paramref name="maxAttempts"/> task attempts (job rows are
    /// quick; an attempt may take hours, so a worker claims only the attempts it can run now: one per idle worker).
    /// Rows without a concurrency rule are claimed with <c>FOR UPDATE SKIP LOCKED</c> and no other serialization.
    /// Starts of jobs with a <c>max_concurrency</c> or a queueing lock key are claimed under a transaction-scoped
    /// advisory lock, so the count of a job type's running jobs (jobs with task rows, and starts claimed but not yet
    /// made) is exact: two workers cannot both take the last slot, and a job with a lock key starts only when no other
    /// job with that key runs. A lease that ran out (its worker died) makes the row claimable again. The same statement
    /// returns the claimed jobs' streams: a worker decides on them at once instead of reading each stream again (one
    /// round trip less between a claim and a task's start); a stream that changed after the claim is read again when
    /// its write finds it stale, as for any snapshot.
    /// </summary>
    /// <param name="worker">The claiming worker's (or process's) name.</param>
    /// <param name="max">At most this many job rows.</param>
    /// <param name="maxAttempts">At most this many task attempts.</param>
    /// <param name="lease">How long the claim holds.</param>
    /// <param name="queues">Only these named queues (null or empty: every queue).</param>
    /// <param name="tags">
    /// The claiming host's tags: task attempts whose task's tags are all among them, compared case-insensitively, and
    /// attempts of tasks without tags (null or empty: only those).
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<WorkItem>> ClaimWorkAsync(
        string worker, int max, int maxAttempts, TimeSpan lease, IReadOnlyCollection<string>? queues, IReadOnlyCollection<string>? tags = null, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var tagArray = TaskTags.Normalize(tags);
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
            command.CommandText = ClaimSql(table, schema + "." + Writing.MartenTables.Events, tagged: tagArray.Length > 0);
            AddClaimParameters(command, now, lease, worker, max, queueArray);
            command.Parameters.AddWithValue("attempts", Math.Max(0, maxAttempts));
            if (tagArray.Length > 0)
            {
                command.Parameters.AddWithValue("tags", tagArray);
            }

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
    /// <param name="events">Marten's schema-qualified events table, to return the claimed jobs' events too (rows with no kind).</param>
    /// <param name="tagged">
    /// The claimer has tags (<c>@tags</c>): it also takes tagged attempts whose tags are all among its own. A claimer
    /// without tags walks only the index of untagged attempts, so attempts waiting for a tagged host cost it nothing.
    /// </param>
    internal static string ClaimSql(string table, string events, bool tagged = false) => $"""
            with {(tagged ? "recursive " : string.Empty)}jobs as (
              select t.job_id, t.kind, t.task_type from {table} t
              where {DueTasks.IsJobRowSql} and t.max_concurrency is null and t.lock_key is null
                and t.due_at <= @now and (t.lease_until is null or t.lease_until <= @now)
                and (cardinality(@queues) = 0 or t.queue = any(@queues))
              order by t.priority desc, t.due_at, t.job_id limit @max
              for update skip locked),
            {(tagged ? TaggedAttemptsSql(table) : UntaggedAttemptsSql(table))},
            next as (select * from jobs union all select * from attempts),
            updated as (
              update {table} t set lease_until = @until, owner = @worker
              from next where t.job_id = next.job_id and t.kind = next.kind and t.task_type = next.task_type
              returning t.job_id, t.kind, t.task_type, t.attempt, t.lease_until)
            select job_id, kind, task_type, attempt, lease_until, null::boolean, null::bigint, null::varchar, null::jsonb from updated
            union all
            select null, null, null, null, null, exists (
              select 1 from {table} c where c.{DueTasks.IsStartRowSql} and (c.max_concurrency is not null or c.lock_key is not null)
                and c.due_at <= @now and (c.lease_until is null or c.lease_until <= @now)), null, null, null
            union all
            select e.stream_id, null, null, null, null, null, e.version, e.type, e.data from {events} e
            where e.stream_id = any(array(select job_id from updated))
            """;

    /// <summary>Due untagged attempts, in claim order, locked (the claim of a host without tags).</summary>
    private static string UntaggedAttemptsSql(string table) => $"""
            attempts as (
              select t.job_id, t.kind, t.task_type from {table} t
              where {DueTasks.IsUntaggedAttemptRowSql}
                and t.due_at <= @now and (t.lease_until is null or t.lease_until <= @now)
                and (cardinality(@queues) = 0 or t.queue = any(@queues))
              order by t.priority desc, t.due_at, t.job_id limit @attempts
              for update skip locked)
            """;

    /// <summary>
    /// Due untagged attempts and due tagged attempts the host's tags cover, the first <c>@attempts</c> of both in claim
    /// order (rows of the other part stay locked only until the statement ends). Tagged attempts are walked one tag set
    /// at a time: the distinct tag sets are found by skipping through their index (one probe per set), and each set the
    /// host covers is walked in claim order to its limit. Walking all tagged attempts in claim order instead scanned
    /// every attempt waiting for tags no host has (93 ms with 100k of them ahead; 2.7 ms this way: docs/runtime.md).
    /// </summary>
    private static string TaggedAttemptsSql(string table) => $"""
            untagged as (
              select t.job_id, t.kind, t.task_type, t.priority, t.due_at from {table} t
              where {DueTasks.IsUntaggedAttemptRowSql}
                and t.due_at <= @now and (t.lease_until is null or t.lease_until <= @now)
                and (cardinality(@queues) = 0 or t.queue = any(@queues))
              order by t.priority desc, t.due_at, t.job_id limit @attempts
              for update skip locked),
            tag_sets as (
              (select t.tags from {table} t where {DueTasks.IsTaggedAttemptRowSql} order by t.tags limit 1)
              union all
              select (select t.tags from {table} t where {DueTasks.IsTaggedAttemptRowSql} and t.tags > s.tags order by t.tags limit 1)
              from tag_sets s where s.tags is not null),
            tagged as (
              select c.job_id, c.kind, c.task_type, c.priority, c.due_at
              from (select s.tags from tag_sets s where s.tags <@ @tags::varchar[]) s cross join lateral (
                select t.job_id, t.kind, t.task_type, t.priority, t.due_at from {table} t
                where {DueTasks.IsTaggedAttemptRowSql} and t.tags = s.tags
                  and t.due_at <= @now and (t.lease_until is null or t.lease_until <= @now)
                  and (cardinality(@queues) = 0 or t.queue = any(@queues))
                order by t.priority desc, t.due_at, t.job_id limit @attempts
                for update skip locked) c),
            attempts as (
              select a.job_id, a.kind, a.task_type from (select * from untagged union all select * from tagged) a
              order by a.priority desc, a.due_at, a.job_id limit @attempts)
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
    /// with a job id and no kind one event of that job's stream.
    /// </summary>
    private async Task<bool> ReadClaimsAsync(Npgsql.NpgsqlCommand command, List<ClaimedTask> claimed, Dictionary<string, List<(long, JobEvent)>> streams, CancellationToken cancellationToken)
    {
        var flag = false;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.IsDBNull(0))
            {
                flag = reader.GetBoolean(5);
                continue;
            }

            if (reader.IsDBNull(1))
            {
                var jobId = reader.GetString(0);
                var type = _eventNames.TypeOf(reader.GetString(7));
                if (!streams.TryGetValue(jobId, out var events))
                {
                    streams[jobId] = events = [];
                }

                events.Add((reader.GetInt64(6), (JobEvent)_serializer.FromJson(type, reader, 8)));
                continue;
            }

            claimed.Add(ReadClaim(reader));
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
              select t.job_id, t.kind, t.task_type, t.priority, t.due_at, t.job_type, t.max_concurrency, t.lock_key,
                     row_number() over (partition by t.max_concurrency is not null, t.job_type order by t.priority desc, t.due_at, t.job_id) as nth,
                     row_number() over (partition by t.lock_key is not null, t.lock_key order by t.priority desc, t.due_at, t.job_id) as nth_locked
              from {table} t
              where t.{DueTasks.IsStartRowSql} and (t.max_concurrency is not null or t.lock_key is not null)
                and t.due_at <= @now and (t.lease_until is null or t.lease_until <= @now)
                and (cardinality(@queues) = 0 or t.queue = any(@queues))),
            next as (
              select d.job_id, d.kind, d.task_type from due d
              where (d.max_concurrency is null
                 or d.nth + (select count(distinct r.job_id) from {table} r
                             where r.job_type = d.job_type and (not r.{DueTasks.IsStartRowSql} or r.lease_until > @now)) <= d.max_concurrency)
                and (d.lock_key is null
                 or (d.nth_locked = 1 and not exists (select 1 from {table} r
                             where r.lock_key = d.lock_key and r.job_id <> d.job_id and (not r.{DueTasks.IsStartRowSql} or r.lease_until > @now))))
              order by d.priority desc, d.due_at, d.job_id
              limit @max)
            update {table} t set lease_until = @until, owner = @worker
            from next where t.job_id = next.job_id and t.kind = next.kind and t.task_type = next.task_type
              and (t.lease_until is null or t.lease_until <= @now)
            returning t.job_id, t.kind, t.task_type, t.attempt, t.lease_until
            """;
        AddClaimParameters(command, now, lease, worker, max, queues);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            claimed.Add(ReadClaim(reader));
        }
    }

    /// <summary>A claimed row as returned: job id, kind, task name, attempt, lease.</summary>
    private static ClaimedTask ReadClaim(Npgsql.NpgsqlDataReader reader) =>
        new(reader.GetString(0), DueTasks.KindOf(reader.GetString(1)), reader.GetString(2), reader.GetInt32(3), reader.GetFieldValue<DateTimeOffset>(4));

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
            "where job_id = @job and kind = @kind and task_type = @task and attempt = @attempt and owner = @worker";
        command.Parameters.AddWithValue("until", time.GetUtcNow() + lease);
        command.Parameters.AddWithValue("job", claim.JobId);
        command.Parameters.AddWithValue("kind", DueTasks.KindName(claim.Kind));
        command.Parameters.AddWithValue("task", claim.TaskType);
        command.Parameters.AddWithValue("attempt", claim.Attempt);
        command.Parameters.AddWithValue("worker", worker);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }
}
