using JasperFx.Events;
using Marten;
using Marten.Exceptions;
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

    /// <summary>The store's clock (workers read the end of an attempt from it, so its times agree with the store's).</summary>
    public TimeProvider Clock => time;

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
                var lease = RowLease.Of(ClaimedTask.Start(jobId, time.GetUtcNow() + local.Lease), local.Owner);
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
                local.PostReserved(new WorkItem(ClaimedTask.Start(jobId, time.GetUtcNow() + local.Lease), step.Snapshot));
            }

            return step.Events;
        }

        var known = command is RequestJob ? JobSnapshot.New : null;
        return (await StepAsync(jobId, known, command, null, default, cancellationToken).ConfigureAwait(false)).Events;
    }

    /// <summary>A submitted job this process's workers may start at once: due now, no concurrency rule, a queue they take.</summary>
    private bool RunsHere(RequestJob request) =>
        request.Definition.MaxConcurrency is null && request.Request.LockKey is null
        && (request.Request.ScheduledAt is null || request.Request.ScheduledAt <= time.GetUtcNow())
        && local!.Takes(request.Request.Queue);

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
    public async Task<JobStep> StepAsync(string jobId, JobSnapshot? known, JobCommand command, string? worker, TimeSpan lease, Logs.LogTail? log, CancellationToken cancellationToken) =>
        await (await BeginStepAsync(jobId, known, command, worker, lease, log, cancellationToken).ConfigureAwait(false)).Committed.ConfigureAwait(false);

    /// <summary>
    /// As <see cref="StepAsync(string, JobSnapshot?, JobCommand, string?, TimeSpan, Logs.LogTail?, CancellationToken)"/>,
    /// returning once the write is decided and handed to the group commit: the caller may run the attempt it starts
    /// while it commits, and must await <see cref="PendingStep.Committed"/> before recording anything that follows.
    /// </summary>
    public async Task<PendingStep> BeginStepAsync(string jobId, JobSnapshot? known, JobCommand command, string? worker, TimeSpan lease, Logs.LogTail? log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var snapshot = known ?? await SnapshotAsync(jobId, cancellationToken).ConfigureAwait(false);
        var prepared = await PrepareAsync(jobId, snapshot, command, worker, lease, null, log, cancellationToken).ConfigureAwait(false);
        return prepared.Write is null
            ? PendingStep.Of(prepared.Step)
            : new PendingStep(prepared.Step, CommitOrDecideAgainAsync(prepared, known is not null, command, worker, lease, log, cancellationToken));
    }

    private async Task<JobStep> CommitOrDecideAgainAsync(PreparedWrite prepared, bool decideAgain, JobCommand command, string? worker, TimeSpan lease, Logs.LogTail? log, CancellationToken cancellationToken)
    {
        try
        {
            return await CommitAsync(prepared, cancellationToken).ConfigureAwait(false);
        }
        catch (JobConcurrencyException) when (decideAgain)
        {
            // What this process knew is stale: decide again on the stream as it is (once).
            return await StepAsync(prepared.JobId, null, command, worker, lease, log, cancellationToken).ConfigureAwait(false);
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
        var prepared = await PrepareAsync(jobId, snapshot, command, worker, lease, queuedLocally, log, cancellationToken).ConfigureAwait(false);
        return prepared.Write is null ? prepared.Step : await CommitAsync(prepared, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Decides the write and serializes it (no write when the decider records nothing).</summary>
    private async Task<PreparedWrite> PrepareAsync(
        string jobId, JobSnapshot snapshot, JobCommand command, string? worker, TimeSpan lease, RowLease? queuedLocally, Logs.LogTail? log, CancellationToken cancellationToken)
    {
        var state = snapshot.State;
        var context = new DecisionContext(time.GetUtcNow(), Random.Shared.NextDouble());
        var events = JobDecider.Decide(command, state, context);
        if (events.Count == 0)
        {
            return new PreparedWrite(jobId, snapshot.Version, new JobStep(snapshot, events, null), null, null);
        }

        var next = events.Aggregate(state, JobDecider.Evolve);
        ClaimedTask? started = null;
        // A task with tags starts here only when this process has them all (TaskTags); else a host with them claims it.
        var hostTags = local?.Tags ?? [];
        if (worker is not null && NextDueAttempt(next, context.Now, hostTags) is { } due)
        {
            var start = JobDecider.Decide(new StartTask(due.TaskType, due.Attempt) { Host = worker }, next, context);
            if (start.Count > 0)
            {
                events = [.. events, .. start];
                next = start.Aggregate(next, JobDecider.Evolve);
                started = ClaimedTask.ForAttempt(jobId, due.TaskType, due.Attempt, context.Now + lease);
            }
        }

        ClaimedTask? handedOver = null;
        if (started is null && queuedLocally is null && next.Status == JobStatus.Running && local is { IsOpen: true } && local.Takes(next.Request.Queue)
            && NextDueAttempt(next, context.Now, hostTags) is { } ready && local.TryReserveFollowUp())
        {
            // An attempt due now that no worker starts in this write (an immediate retry while every slot is busy): its
            // row is written leased to this process and the attempt queued for its workers, as a submitted job is.
            handedOver = ClaimedTask.ForAttempt(jobId, ready.TaskType, ready.Attempt, context.Now + local.Lease);
            queuedLocally = RowLease.Of(handedOver, local.Owner);
        }

        var version = snapshot.Version + events.Count;
        var leased = started is not null ? RowLease.Of(started, worker!) : queuedLocally;
        var notifyCancel = events.Any(e => e is JobCancellationRequested) || command is JobTimedOut;
        // A retry that ends frees its root to be retried again.
        var releaseRoot = next.IsFinished && !state.IsFinished ? next.Request.RetryRoot : null;
        Writing.JobWrite write;
        try
        {
            write = _writer.Prepare(jobId, snapshot.Version, events, context.Now, JobView.From(next, version), DueTasks.Plan(next, leased, isNew: snapshot.Version == 0), releaseRoot, notifyCancel, log)
                with { Outbox = _writer.Serialize(NotificationRules.For(next, events, NotificationRules.NeedsPrevious(next, events) && await PreviousFailedAsync(next, cancellationToken).ConfigureAwait(false))) };
        }
        catch when (handedOver is not null)
        {
            local!.Unreserve();
            throw;
        }

        return new PreparedWrite(jobId, snapshot.Version, new JobStep(new JobSnapshot(next, version), events, started), write, handedOver);
    }

    /// <summary>Commits a prepared write (with other jobs' writes waiting at that moment), then hands over what it queued here.</summary>
    /// <exception cref="JobConcurrencyException">The job's stream moved past the version the write was decided on.</exception>
    private async Task<JobStep> CommitAsync(PreparedWrite prepared, CancellationToken cancellationToken)
    {
        var (jobId, expected, step, write, handedOver) = prepared;
        try
        {
            await _writer.CommitAsync(write!).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not JobConcurrencyException && IsConcurrencyConflict(e))
        {
            if (handedOver is not null)
            {
                local!.Unreserve();
            }

            throw new JobConcurrencyException(jobId, expected, e);
        }
        catch when (handedOver is not null)
        {
            local!.Unreserve();
            throw;
        }

        if (handedOver is not null)
        {
            local!.PostReserved(new WorkItem(handedOver, step.Snapshot));
        }

        WorkflowsTelemetry.Record(step.Snapshot.State, step.Events);
        if (step.Events.Any(e => e is JobCancellationRequested or JobCancelled))
        {
            await CascadeCancelAsync(jobId, cancellationToken).ConfigureAwait(false);
        }

        return step;
    }

    /// <summary>A decided write, serialized (null when the decider recorded nothing) and not yet committed.</summary>
    /// <param name="JobId">The job.</param>
    /// <param name="ExpectedVersion">The stream version it was decided on.</param>
    /// <param name="Step">What it records once committed.</param>
    /// <param name="Write">The serialized write.</param>
    /// <param name="HandedOver">An attempt queued for this process's workers once it commits (its place is reserved).</param>
    private sealed record PreparedWrite(string JobId, long ExpectedVersion, JobStep Step, Writing.JobWrite? Write, ClaimedTask? HandedOver);

    /// <summary>
    /// True when <paramref name="command"/>, applied to the job as <paramref name="known"/> holds it, would let a worker
    /// start the job's next attempt at once in the same write (an immediate retry, the next task): the worker keeps its
    /// execution slot for it rather than giving it back and writing the start again later. The decider decides; a
    /// stale snapshot only makes the guess wrong, never the write.
    /// </summary>
    /// <param name="known">The job as this process last wrote or read it.</param>
    /// <param name="command">The result about to be reported.</param>
    public bool StartsNextAttempt(JobSnapshot known, JobCommand command)
    {
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(command);
        var context = new DecisionContext(time.GetUtcNow(), 0.5);
        var events = JobDecider.Decide(command, known.State, context);
        return events.Count > 0 && NextDueAttempt(events.Aggregate(known.State, JobDecider.Evolve), context.Now, local?.Tags ?? []) is not null;
    }

    /// <summary>
    /// The attempt a worker may start at once after a write: scheduled (or polling) and due now. An attempt a retry
    /// strategy moved to another queue or priority is left to the claim, which honours both, and so is an attempt of a
    /// task whose tags this process lacks.
    /// </summary>
    private static TaskRun? NextDueAttempt(JobState state, DateTimeOffset now, IReadOnlyCollection<string> hostTags) => state.IsFinished
        ? null
        : state.Tasks.Values.FirstOrDefault(t => t.Status is TaskRunStatus.Scheduled or TaskRunStatus.Executing && (t.DueAt ?? now) <= now
            && t.Queue is null && t.Priority is null && TaskTags.Covers(hostTags, TaskTags.Of(state.Definition, t.TaskType)));

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
    /// True for Marten's ways of saying the stream moved on: an append at a stale version (its message reads oddly,
    /// "expected 3 but was -1"; the database says MT003), or a second start of the same stream.
    /// </summary>
    internal static bool IsConcurrencyConflict(Exception e) =>
        e is EventStreamUnexpectedMaxEventIdException or ConcurrentUpdateException
            or global::Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException
        || Writing.JobWriter.IsStale(e);
}
