using System.Data.Common;
using Marten;
using Workflows.Marten.Notifications;
using Workflows.Runtime;

namespace Workflows.Marten.Doctor;

/// <summary>
/// Reads a store's job streams, job views, due rows, retry locks and notification outbox, and reports every job that
/// breaks one of the store's invariants (<see cref="Invariant.All"/>). Read-only: it writes nothing and takes no lock, so
/// it runs beside live hosts (a job that moves while it is read can show a transient <c>view-state</c> or
/// <c>due-rows</c> finding, so <see cref="CheckAsync"/> reads the store a second time when something looks wrong and reports what both reads found).
/// The streams are folded with the decider's own <see cref="JobDecider.Evolve"/> and the rows a state needs are
/// <see cref="DueTasks.Plan"/>'s: the checker states no workflow rule of its own.
/// </summary>
/// <param name="store">The Marten store configured with <see cref="WorkflowsMarten.Configure"/>.</param>
/// <param name="time">The clock (for <see cref="Invariant.Claimed"/>).</param>
public sealed class InvariantChecker(IDocumentStore store, TimeProvider time)
{
    private readonly string _schema = store.Options.DatabaseSchemaName;

    /// <summary>
    /// How long due work may wait unclaimed (its row due and unleased, or its lease lapsed) before the job counts as not
    /// claimed; null (the default) does not check it.
    /// </summary>
    public TimeSpan? ClaimBound { get; init; }

    /// <summary>Checks every job in the store.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    public async Task<DoctorReport> CheckAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var first = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (first.Violations.Count == 0)
        {
            return new DoctorReport(_schema, now, first.Jobs, first.Events, first.Unfinished, []);
        }

        // A job that moved between two of the reads (its stream, then its view, then its rows) can look inconsistent for
        // a moment: what still breaks the same rule on a second read is reported.
        var second = await ReadAsync(cancellationToken).ConfigureAwait(false);
        var confirmed = second.Violations.Where(v => first.Violations.Any(f => f.JobId == v.JobId && f.Invariant == v.Invariant)).ToList();
        return new DoctorReport(_schema, now, first.Jobs, first.Events, first.Unfinished, confirmed);
    }

    private sealed record Pass(int Jobs, long Events, int Unfinished, List<Violation> Violations);

    private sealed record StreamRow(string Id, long Version, bool Archived);

    private sealed record DueRowRead(string JobId, string Kind, string TaskType, int Attempt, DateTimeOffset DueAt, DateTimeOffset? LeaseUntil);

    private async Task<Pass> ReadAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var violations = new List<Violation>();
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

        var streams = await RowsAsync(connection, $"select id, version, coalesce(is_archived, false) from {_schema}.{Writing.MartenTables.Streams}",
            r => new StreamRow(r.GetString(0), r.GetInt64(1), r.GetBoolean(2)), cancellationToken).ConfigureAwait(false);
        var due = (await RowsAsync(connection, $"select job_id, kind, task_type, attempt, due_at, lease_until from {_schema}.{DueTasks.TableName}",
            r => new DueRowRead(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetFieldValue<DateTimeOffset>(4),
                r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5)), cancellationToken).ConfigureAwait(false))
            .ToLookup(r => r.JobId, StringComparer.Ordinal);
        var locks = await RowsAsync(connection, $"select root_id, job_id from {_schema}.{RetryLocks.TableName}",
            r => (Root: r.GetString(0), JobId: r.GetString(1)), cancellationToken).ConfigureAwait(false);
        var ends = await RowsAsync(connection,
            $"""
            select job_id, channel, coalesce(recipient, ''), state, count(*) from {_schema}.{OutboxTable.Name}
            where task_type is null group by job_id, channel, coalesce(recipient, ''), state
            """,
            r => (JobId: r.GetString(0), Channel: r.GetString(1), Recipient: r.GetString(2), State: r.GetString(3), Count: r.GetInt64(4)), cancellationToken).ConfigureAwait(false);
        var outboxJobs = await RowsAsync(connection, $"select distinct job_id from {_schema}.{OutboxTable.Name}", r => r.GetString(0), cancellationToken).ConfigureAwait(false);
        var viewIds = await RowsAsync(connection, $"select id from {_schema}.{Writing.MartenTables.JobViews}", r => r.GetString(0), cancellationToken).ConfigureAwait(false);

        var streamIds = streams.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var states = new Dictionary<string, JobState>(StringComparer.Ordinal);
        var startsOf = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        long events = 0;
        var unfinished = 0;
        await using var session = store.QuerySession();
        foreach (var stream in streams)
        {
            var read = await session.Events.FetchStreamAsync(stream.Id, token: cancellationToken).ConfigureAwait(false);
            var view = await session.LoadAsync<JobView>(stream.Id, cancellationToken).ConfigureAwait(false);
            events += read.Count;
            if (stream.Archived || view?.ArchivedAt is not null)
            {
                continue; // an archived job is finished and out of view; its stream may no longer be read as a whole
            }

            var (state, starts) = CheckStream(stream, read.Select(e => ((JobEvent)e.Data, e.Version)).ToList(), violations);
            states[stream.Id] = state;
            startsOf[stream.Id] = starts;
            if (!state.IsFinished)
            {
                unfinished++;
            }

            CheckView(stream.Id, state, read.Count, view, violations);
            CheckDueRows(stream.Id, state, due[stream.Id].ToList(), now, violations);
        }

        foreach (var id in viewIds.Where(id => !streamIds.Contains(id)))
        {
            violations.Add(Violation.Of(id, Invariant.ViewMatchesStream, "a job view without a job stream"));
        }

        foreach (var orphan in due.Where(g => !streamIds.Contains(g.Key)))
        {
            violations.Add(Violation.Of(orphan.Key, Invariant.DueRows, $"{orphan.Count()} due row(s) ({string.Join(", ", orphan.Select(Describe))}) for a job that has no stream"));
        }

        CheckRetries(states, locks, violations);
        CheckForks(states, startsOf, violations);
        foreach (var id in outboxJobs.Where(id => !streamIds.Contains(id)))
        {
            violations.Add(Violation.Of(id, Invariant.Outbox, "notification rows for a job that has no stream"));
        }

        foreach (var end in ends.Where(e => e.State is "COMPLETED" or "FAILED" or "CANCELLED"))
        {
            if (end.Count > 1)
            {
                violations.Add(Violation.Of(end.JobId, Invariant.Outbox, $"the job's {end.State} is queued {end.Count} times on {end.Channel}{(end.Recipient.Length > 0 ? " to " + end.Recipient : "")}"));
            }

            if (states.TryGetValue(end.JobId, out var state) && !state.IsFinished)
            {
                violations.Add(Violation.Of(end.JobId, Invariant.Outbox, $"a {end.State} notification is queued on {end.Channel} but the job is {state.Status}"));
            }
        }

        return new Pass(streams.Count, events, unfinished, violations);
    }

    /// <summary>Folds the stream with the decider's evolve, checking its shape, its ends and its attempts on the way.</summary>
    private static (JobState State, Dictionary<string, int> Starts) CheckStream(StreamRow stream, List<(JobEvent Event, long Version)> events, List<Violation> violations)
    {
        var id = stream.Id;
        if (stream.Version != events.Count || events.Select((e, i) => e.Version != i + 1).Any(gap => gap))
        {
            violations.Add(Violation.Of(id, Invariant.StreamVersion,
                $"mt_streams says version {stream.Version}; the stream has {events.Count} event(s) numbered {string.Join(",", events.Select(e => e.Version).Take(20))}"));
        }

        if (events.Count == 0 || events[0].Event is not JobRequested)
        {
            violations.Add(Violation.Of(id, Invariant.EndedOnce, events.Count == 0 ? "an empty stream" : $"the stream starts with {events[0].Event.GetType().Name}, not JobRequested"));
        }

        var state = JobState.Initial;
        var requested = 0;
        var ended = 0;
        var starts = new Dictionary<string, int>(StringComparer.Ordinal); // TaskStarted events per task so far
        var results = new HashSet<(string Task, int Attempt, int Start)>(); // one result per start of an attempt
        foreach (var (e, version) in events)
        {
            switch (e)
            {
                case JobRequested:
                    requested++;
                    if (requested == 2)
                    {
                        violations.Add(Violation.Of(id, Invariant.EndedOnce, $"a second JobRequested at version {version}"));
                    }

                    break;
                case JobCompleted or JobFailed or JobCancelled:
                    ended++;
                    if (ended == 2)
                    {
                        violations.Add(Violation.Of(id, Invariant.EndedOnce, $"a second end event ({e.GetType().Name}) at version {version}: the job ended twice"));
                    }

                    break;
                case TaskStarted s when state.Task(s.TaskType) is var run && !(run.Attempt == s.Attempt && run.Status is TaskRunStatus.Scheduled or TaskRunStatus.Executing):
                    violations.Add(Violation.Of(id, Invariant.AttemptOnce,
                        $"TaskStarted of {s.TaskType} #{s.Attempt} at version {version} while that task was {run.Status} at attempt #{run.Attempt}"));
                    break;
                case TaskExited x when state.Task(x.TaskType) is var run
                    && (!(run.Attempt == x.Attempt && run.Status == TaskRunStatus.Started) || !results.Add((x.TaskType, x.Attempt, starts.GetValueOrDefault(x.TaskType)))):
                    violations.Add(Violation.Of(id, Invariant.AttemptOnce,
                        $"a result (TaskExited) of {x.TaskType} #{x.Attempt} at version {version} while that task was {run.Status} at attempt #{run.Attempt}: recorded twice or without a start"));
                    break;
            }

            if (e is TaskStarted started)
            {
                starts[started.TaskType] = starts.GetValueOrDefault(started.TaskType) + 1;
            }

            var next = JobDecider.Evolve(state, e);
            if (state.IsFinished && e is not (JobCompleted or JobFailed or JobCancelled) && (next.Status != state.Status || !next.Tasks.SequenceEqual(state.Tasks)))
            {
                violations.Add(Violation.Of(id, Invariant.EndedOnce, $"{e.GetType().Name} at version {version} changed the job after it ended {state.Status}"));
            }

            state = next;
        }

        return (state, starts);
    }


    private static void CheckForks(Dictionary<string, JobState> states, Dictionary<string, Dictionary<string, int>> startsOf, List<Violation> violations)
    {
        // A FORK_JOB attempt forks one child; a job-mode fan-out attempt one child per item: group a fan-out's children by item.
        foreach (var fork in states.Values.Where(s => s.Request is { ParentJobId: not null, ForkTask: not null }).GroupBy(s => (Parent: s.Request.ParentJobId!, Task: s.Request.ForkTask!, Item: FanOutItem(s.Request))))
        {
            if (!states.TryGetValue(fork.Key.Parent, out var parent)
                || parent.Definition?.Tasks.FirstOrDefault(t => t.TaskType == fork.Key.Task) is not { } task
                || (task.FanOut is null) != (fork.Key.Item is null)
                || fork.Count() <= startsOf[fork.Key.Parent].GetValueOrDefault(fork.Key.Task))
            {
                continue;
            }

            violations.Add(Violation.Of(fork.Key.Parent, Invariant.ForkOnce,
                $"task {fork.Key.Task} started {startsOf[fork.Key.Parent].GetValueOrDefault(fork.Key.Task)} time(s) and forked {fork.Count()} children{(fork.Key.Item is { } item ? $" for fan-out item {item}" : string.Empty)}: {string.Join(", ", fork.Select(c => c.JobId).Order(StringComparer.Ordinal))}"));
        }
    }

    private static string? FanOutItem(JobRequest request) =>
        request.Params.Keys.FirstOrDefault(k => k.StartsWith(ForkParams.FanOutIndexPrefix, StringComparison.Ordinal)) is { } key ? key[ForkParams.FanOutIndexPrefix.Length..] : null;

    private static void CheckView(string id, JobState state, long version, JobView? view, List<Violation> violations)
    {
        if (view is null)
        {
            violations.Add(Violation.Of(id, Invariant.ViewMatchesStream, $"the job has a stream ({state.Status}, version {version}) but no job view: it is not listed"));
            return;
        }

        var expected = JobView.From(state, version);
        var differences = new List<string>();
        void Compare<T>(string name, T stored, T folded)
        {
            if (!EqualityComparer<T>.Default.Equals(stored, folded))
            {
                differences.Add($"{name} {stored} (stream: {folded})");
            }
        }

        Compare("status", view.Status, expected.Status);
        Compare("version", view.Version, expected.Version);
        Compare("job attempt", view.JobAttempt, expected.JobAttempt);
        Compare("succeeded", view.Succeeded, expected.Succeeded);
        Compare("failed", view.Failed, expected.Failed);
        Compare("ignored", view.Ignored, expected.Ignored);
        Compare("error code", view.ErrorCode, expected.ErrorCode);
        Compare("tasks", Tasks(view), Tasks(expected));
        if (differences.Count > 0)
        {
            violations.Add(Violation.Of(id, Invariant.ViewMatchesStream, "the view says " + string.Join("; ", differences)));
        }
    }

    private static string Tasks(JobView view) =>
        string.Join(" ", view.Tasks.OrderBy(t => t.TaskType, StringComparer.Ordinal).Select(t => $"{t.TaskType}:{t.Status}#{t.Attempt}"));

    private void CheckDueRows(string id, JobState state, List<DueRowRead> rows, DateTimeOffset now, List<Violation> violations)
    {
        var plan = DueTasks.Plan(state);
        var wanted = plan.Keep.Select(k => (Kind: DueTasks.KindName(k.Kind), k.TaskType)).ToHashSet();
        var held = rows.Select(r => (r.Kind, r.TaskType)).ToHashSet();
        var extra = rows.Where(r => !wanted.Contains((r.Kind, r.TaskType))).ToList();
        var missing = wanted.Where(w => !held.Contains(w)).ToList();
        if (extra.Count > 0)
        {
            violations.Add(Violation.Of(id, Invariant.DueRows, $"the job is {state.Status} but has due row(s) it does not wait for: {string.Join(", ", extra.Select(Describe))}"));
        }

        if (missing.Count > 0)
        {
            violations.Add(Violation.Of(id, Invariant.DueRows,
                $"the job is {state.Status} and waits for {string.Join(", ", missing.Select(m => m.TaskType.Length == 0 ? m.Kind : $"{m.Kind} {m.TaskType}"))} but has no due row for it: no host will claim it"));
        }

        foreach (var row in rows.Where(r => r.Kind == DueTasks.KindName(ClaimKind.Attempt) && wanted.Contains((r.Kind, r.TaskType))))
        {
            var attempt = state.Task(row.TaskType).Attempt;
            if (row.Attempt != attempt)
            {
                violations.Add(Violation.Of(id, Invariant.DueAttempt, $"the due row of {row.TaskType} names attempt #{row.Attempt}; the job is at #{attempt}"));
            }
        }

        if (ClaimBound is { } bound && !state.IsFinished && !state.IsHeld && state.Status != JobStatus.AwaitingApproval)
        {
            var waiting = rows.Where(r => r.Kind is "attempt" or "start" && (r.LeaseUntil ?? r.DueAt) < now - bound).ToList();
            if (waiting.Count > 0)
            {
                violations.Add(Violation.Of(id, Invariant.Claimed, $"{string.Join(", ", waiting.Select(Describe))} waits unclaimed for more than {bound}"));
            }
        }
    }

    private static void CheckRetries(Dictionary<string, JobState> states, List<(string Root, string JobId)> locks, List<Violation> violations)
    {
        foreach (var root in states.Values.Where(s => s.Request.RetryRoot is not null && !s.IsFinished).GroupBy(s => s.Request.RetryRoot!))
        {
            if (root.Count() > 1)
            {
                violations.Add(Violation.Of(root.Key, Invariant.RetryOnce, $"{root.Count()} retries of this root are in flight: {string.Join(", ", root.Select(s => s.JobId))}"));
            }

            foreach (var retry in root.Where(r => !locks.Contains((root.Key, r.JobId))))
            {
                violations.Add(Violation.Of(root.Key, Invariant.RetryOnce, $"retry {retry.JobId} is {retry.Status} but wf_retry_inflight holds no row for it: a second retry could start"));
            }
        }

        foreach (var (root, jobId) in locks)
        {
            if (!states.TryGetValue(jobId, out var retry) || retry.IsFinished)
            {
                violations.Add(Violation.Of(root, Invariant.RetryOnce,
                    $"wf_retry_inflight holds retry {jobId}, which is {(retry is null ? "not a job" : retry.Status.ToString())}: the root cannot be retried again"));
            }
        }
    }

    private static string Describe(DueRowRead row) =>
        (row.TaskType.Length == 0 ? row.Kind : $"{row.Kind} {row.TaskType} #{row.Attempt}") + (row.LeaseUntil is { } lease ? $" (leased until {lease:u})" : $" (due {row.DueAt:u})");

    private static async Task<List<T>> RowsAsync<T>(DbConnection connection, string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
