using Workflows.Runtime;

namespace Workflows.Marten;

/// <summary>
/// Runs C# (in-process) tasks: claims due work from the store, starts queued jobs, runs each claimed task's handler
/// under its timeout, and records the result. Tasks of other methods wait for their executors.
/// </summary>
/// <param name="jobs">The job store.</param>
/// <param name="workflows">The workflows whose C# tasks this worker runs, by job type.</param>
/// <param name="name">This worker's name (it owns its leases).</param>
public sealed class InProcessWorker(JobStore jobs, IReadOnlyDictionary<string, Workflow> workflows, string name)
{
    /// <summary>How long a claim holds before another worker may take the attempt.</summary>
    /// <value>Default: 5 minutes.</value>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Claims and runs one batch of due work.</summary>
    /// <param name="cancellationToken">Stops the worker.</param>
    /// <returns>How many claims were processed.</returns>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var claims = await jobs.ClaimDueAsync(name, 16, Lease, cancellationToken).ConfigureAwait(false);
        foreach (var claim in claims)
        {
            await ProcessAsync(claim, cancellationToken).ConfigureAwait(false);
        }

        return claims.Count;
    }

    /// <summary>Keeps the claim alive while a long task runs (every third of the lease), so no other worker takes it over.</summary>
    private async Task RenewWhileRunningAsync(ClaimedTask claim, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Lease / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await jobs.RenewLeaseAsync(claim, name, Lease, cancellationToken).ConfigureAwait(false);
                }
                catch (Npgsql.NpgsqlException)
                {
                    // A failed renewal is retried on the next tick; at worst the lease lapses and the result is still recorded once.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The task ended.
        }
    }

    private async Task ProcessAsync(ClaimedTask claim, CancellationToken cancellationToken)
    {
        if (claim.TaskType == DueTasks.StartJob)
        {
            await jobs.ExecuteAsync(claim.JobId, new StartJob(), cancellationToken).ConfigureAwait(false);
            return;
        }

        var view = await jobs.GetAsync(claim.JobId, cancellationToken).ConfigureAwait(false);
        if (view is null || !workflows.TryGetValue(view.JobType, out var workflow)
            || !workflow.Handlers.TryGetValue(claim.TaskType, out var handler))
        {
            return; // not a C# task of a workflow this worker knows: another executor's work
        }

        var run = view.Tasks.FirstOrDefault(t => t.TaskType == claim.TaskType);
        if (run is null || run.Attempt != claim.Attempt || run.Status is not (TaskRunStatus.Scheduled or TaskRunStatus.Executing or TaskRunStatus.Started))
        {
            return; // the job moved on (cancelled, ended, rescheduled) since the row was read: nothing to run
        }

        // A claim taken over after a lapsed lease finds the attempt already started: it runs it again.
        await jobs.ExecuteAsync(claim.JobId, new StartTask(claim.TaskType, claim.Attempt), cancellationToken).ConfigureAwait(false);
        var task = workflow.Definition.FindTask(claim.TaskType)!;
        var context = new TaskContext(claim.JobId, view.JobType, claim.TaskType, claim.Attempt, task.Retry + 1, new Dictionary<string, string>());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (task.Timeout is { } limit)
        {
            timeout.CancelAfter(limit);
        }

        using var renewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewal = RenewWhileRunningAsync(claim, renewing.Token);
        ReportTaskResult result;
        try
        {
            var exitCode = await handler(context, timeout.Token).ConfigureAwait(false);
            result = new ReportTaskResult(claim.TaskType, claim.Attempt, exitCode);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            result = new ReportTaskResult(claim.TaskType, claim.Attempt, null, TimedOut: true);
        }
#pragma warning disable CA1031 // A task's exception is its outcome: it is recorded (type on the event), never rethrown.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            result = new ReportTaskResult(claim.TaskType, claim.Attempt, null, e.GetType().FullName);
        }

        await renewing.CancelAsync().ConfigureAwait(false);
        await renewal.ConfigureAwait(false);
        try
        {
            await jobs.ExecuteAsync(claim.JobId, result, cancellationToken).ConfigureAwait(false);
        }
        catch (JobConcurrencyException)
        {
            // Another worker recorded this attempt's result first (a lease taken over): the result is recorded once.
        }
    }
}
