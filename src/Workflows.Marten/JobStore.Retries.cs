using Marten;
using Marten.Services;
using Workflows.Executors.Artifacts;
using Workflows.Runtime;

namespace Workflows.Marten;

/// <summary>Manual retries: the decider's retry written with the root's event in one transaction, and the in-flight lock.</summary>
public sealed partial class JobStore
{
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
        for (var attempt = 0; ; attempt++)
        {
            await using var session = store.QuerySession();
            var askedStream = await session.Events.FetchStreamAsync(jobId, token: cancellationToken).ConfigureAwait(false);
            if (askedStream.Count == 0)
            {
                return null;
            }

            var asked = JobDecider.Fold(askedStream.Select(e => (JobEvent)e.Data));
            var rootId = asked.Request.RetryRoot ?? jobId;
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

            // The same writer as every other job write: the new job's stream, view, due rows and in-flight row, and the
            // root's event and view, in one transaction (the root at its expected version).
            var newEvents = JobDecider.Decide(decision.NewJob!, JobState.Initial, context);
            var newState = JobDecider.Fold(newEvents);
            IReadOnlyList<(string Id, string Json)> carriedArtifacts = [];
            if (decision.NewJob!.Carried is { Count: > 0 } carried)
            {
                // A resumed retry keeps its carried tasks' artifacts: new records of the same content-addressed blobs.
                var tasks = carried.Select(c => c.TaskType).ToArray();
                var artifacts = await session.Query<ArtifactInfo>().Where(a => a.JobId == jobId && a.TaskType.IsOneOf(tasks)).ToListAsync(cancellationToken).ConfigureAwait(false);
                carriedArtifacts = _writer.Serialize(artifacts.Select(a => a with { Id = $"{request.NewJobId}/{a.TaskType}/{a.Attempt}/{a.Name}", JobId = request.NewJobId }));
            }

            var newWrite = _writer.Prepare(request.NewJobId, 0, newEvents, context.Now, JobView.From(newState, newEvents.Count), DueTasks.Plan(newState, isNew: true), null, false)
                with { TakeRetryRoot = rootId, Artifacts = carriedArtifacts, Outbox = _writer.Serialize(NotificationRules.For(newState, newEvents)) };
            var rootNext = JobDecider.Evolve(root, decision.RootEvent!);
            var rootVersion = rootStream.Count + 1;
            var rootView = await session.LoadAsync<JobView>(rootId, cancellationToken).ConfigureAwait(false);
            var rootWrite = _writer.Prepare(
                rootId, rootStream.Count, [decision.RootEvent!], context.Now, JobView.From(rootNext, rootVersion) with { ArchivedAt = rootView?.ArchivedAt }, DueTasks.Plan(rootNext), null, false);
            try
            {
                await _writer.CommitGroupAsync([newWrite, rootWrite]).ConfigureAwait(false);
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
}
