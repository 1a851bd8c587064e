using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Workflows.Executors;
using Workflows.Executors.Artifacts;
using Workflows.Executors.Secrets;
using Workflows.Marten;
using Workflows.Marten.Configs;
using Workflows.Marten.Logs;
using Workflows.Runtime;

namespace Workflows.Hosting;

/// <summary>
/// Claims due work from the store and runs it: a queued job's row starts the job; a task's row runs the attempt on
/// its method's executor (DOCKER, SHELL, HTTP, C#, …) through <see cref="TaskRunner"/>, with its log written as it
/// runs, its lease renewed while it runs, and its result recorded once.
/// </summary>
/// <param name="jobs">The job store.</param>
/// <param name="runner">Runs attempts on the executors.</param>
/// <param name="logs">Task logs.</param>
/// <param name="artifacts">The artifact store.</param>
/// <param name="running">This process's running attempts (job cancellation stops them).</param>
/// <param name="name">This worker's name (it owns its leases).</param>
public sealed partial class TaskWorker(JobStore jobs, TaskRunner runner, TaskLogs logs, IArtifactStore artifacts, RunningAttempts running, string name)
{
    /// <summary>Where attempts are logged (structured: job id, job type, task, attempt, exit code, error code).</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>How long a claim holds before another worker may take the attempt; renewed every third of it while the task runs.</summary>
    /// <value>Default: 5 minutes.</value>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How many due rows one claim takes: job starts and timeouts, and at most one task attempt (run last).</summary>
    /// <value>Default: 16.</value>
    public int ClaimBatch { get; init; } = 16;

    /// <summary>Only work of these named queues (empty: every queue).</summary>
    public IReadOnlyCollection<string> Queues { get; init; } = [];

    /// <summary>This host's tags: attempts of tasks whose tags are all among them are claimed too (empty: only tasks without tags).</summary>
    public IReadOnlyCollection<string> Tags { get; init; } = [];

    /// <summary>The retry strategies tasks may name (<c>retry_strategy</c>); asked before a failure is reported.</summary>
    /// <value>Default: none.</value>
    public RetryStrategies Strategies { get; init; } = RetryStrategies.None;

    /// <summary>
    /// The process's execution slots, shared by its workers (null: this worker runs one attempt at a time on its own).
    /// A worker takes a slot before it decides an attempt's start, runs the attempt while that start commits, and gives
    /// the slot back once the attempt has run, before anything commits; unless the result starts the job's next attempt
    /// now: then it keeps the slot to run that attempt (or, when another worker wants it while the start still commits,
    /// takes one again ahead of new work).
    /// </summary>
    public ExecutionSlots? Slots { get; init; }

    /// <summary>The job configs and host secrets attempts see (secret values are masked in their logs); null: none.</summary>
    public JobConfigs? Configs { get; init; }

    /// <summary>Claims and runs one batch of due work.</summary>
    /// <param name="cancellationToken">Stops the worker: a running attempt is stopped and left to its lease.</param>
    /// <returns>How many claims were processed.</returns>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var claims = await jobs.ClaimWorkAsync(name, ClaimBatch, 1, Lease, Queues, Tags, cancellationToken).ConfigureAwait(false);
        // The claim holds at most one task attempt, run last: the quick job rows (timeouts) never wait behind it.
        foreach (var item in claims.OrderBy(c => c.Claim.IsJobRow ? 0 : 1))
        {
            await ProcessAsync(item, cancellationToken).ConfigureAwait(false);
        }

        return claims.Count;
    }

    /// <summary>
    /// Processes one claimed row: a job's start (then its first attempt, started in the same write), a job's timeout,
    /// or a task attempt; after each attempt, the result is recorded and the job's next attempt that is due now is
    /// started in the same write and run here, until the job ends or waits.
    /// </summary>
    /// <param name="item">The row, leased to this worker's process, and the job as last known here.</param>
    /// <param name="cancellationToken">Stops the worker: a running attempt is stopped and left to its lease.</param>
    public async Task ProcessAsync(WorkItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        var claim = item.Claim;
        if (claim.Kind == ClaimKind.JobTimeout)
        {
            try
            {
                await jobs.ExecuteAsync(claim.JobId, new JobTimedOut(), cancellationToken).ConfigureAwait(false);
            }
            catch (JobConcurrencyException)
            {
                // A result was recorded at this moment; the row is claimed again and the job timed out then.
            }

            return;
        }

        if (claim.Kind == ClaimKind.ApprovalHold)
        {
            return; // never due: only a clock set past the year 9999 reaches it
        }

        if (claim.Kind == ClaimKind.ApprovalDeadline)
        {
            try
            {
                await jobs.ExecuteAsync(claim.JobId, new ApprovalDeadlinePassed(claim.TaskType), cancellationToken).ConfigureAwait(false);
            }
            catch (JobConcurrencyException)
            {
                // A vote was recorded at this moment; the row is claimed again if the gate still waits past its deadline.
            }

            return;
        }

        var slot = new SlotHold(Slots);
        await slot.TakeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            PendingStep? pending;
            var takenOver = false;
            if (claim.Kind == ClaimKind.StartJob)
            {
                var known = item.Known ?? await jobs.SnapshotAsync(claim.JobId, cancellationToken).ConfigureAwait(false);
                var start = new StartJob { SkipIf = await RenderSkipIfAsync(claim.JobId, known.State, cancellationToken).ConfigureAwait(false) };
                pending = await jobs.BeginStepAsync(claim.JobId, known, start, name, Lease, null, cancellationToken).ConfigureAwait(false);
                if (pending.Decided.Events.Any(e => e is JobSkipped) && JobDecider.DeletesWhenSkipped(known.State.Definition!))
                {
                    var skipped = await pending.Committed.ConfigureAwait(false);
                    if (skipped.Events.Any(e => e is JobSkipped))
                    {
                        await jobs.ArchiveAsync(claim.JobId, cancellationToken).ConfigureAwait(false);
                    }

                    pending = PendingStep.Of(skipped);
                }
            }
            else
            {
                (pending, takenOver) = await StartClaimedAttemptAsync(claim, item.Known, cancellationToken).ConfigureAwait(false);
            }

            // Each write that starts an attempt is run at once; the last write (the job ends or waits) is awaited here.
            while (pending is not null)
            {
                if (pending.Decided.Started is { } attempt)
                {
                    pending = await RunAttemptAsync(attempt, pending, takenOver, slot, cancellationToken).ConfigureAwait(false);
                    takenOver = false;
                }
                else
                {
                    var written = await pending.Committed.ConfigureAwait(false);
                    pending = written.Started is null ? null : PendingStep.Of(written);
                }
            }
        }
        finally
        {
            slot.Release();
        }
    }

    /// <summary>
    /// Starts a claimed attempt (its start write on its way); null when there is nothing to run (the job moved on).
    /// TakenOver: the attempt had started before (its worker's lease lapsed), so its log is resumed.
    /// </summary>
    private async Task<(PendingStep? Step, bool TakenOver)> StartClaimedAttemptAsync(ClaimedTask claim, JobSnapshot? known, CancellationToken cancellationToken)
    {
        var snapshot = known ?? await jobs.SnapshotAsync(claim.JobId, cancellationToken).ConfigureAwait(false);
        var run = snapshot.State.Task(claim.TaskType);
        if (snapshot.State.TaskToRun(claim.TaskType) is null || run.Attempt != claim.Attempt
            || run.Status is not (TaskRunStatus.Scheduled or TaskRunStatus.Executing or TaskRunStatus.Started))
        {
            return (null, false); // the job moved on (cancelled, ended, rescheduled) since the row was read: nothing to run
        }

        // A claim taken over after a lapsed lease finds the attempt already started: it runs it again.
        var started = await jobs.BeginStepAsync(claim.JobId, snapshot, new StartTask(claim.TaskType, claim.Attempt) { Host = name }, null, Lease, null, cancellationToken).ConfigureAwait(false);
        if (started.Decided.Events.Count == 0 && run.Status != TaskRunStatus.Started)
        {
            return (null, false); // the decider refused the start (e.g. the job is cancelling): nothing to run
        }

        return (new PendingStep(started.Decided with { Started = claim }, StartedAsync(started.Committed, claim)), run.Status == TaskRunStatus.Started);
    }

    /// <summary>The start write as recorded, naming the claimed attempt when it left it started (the worker runs it).</summary>
    private static async Task<JobStep> StartedAsync(Task<JobStep> committed, ClaimedTask claim)
    {
        var step = await committed.ConfigureAwait(false);
        return PendingStep.Starts(step, claim) ? step with { Started = claim } : step;
    }

    /// <summary>
    /// True when the attempt may run while the write that starts it commits: the executor reads nothing of the job
    /// from the store and the start needs no write of its own first (an <c>except</c> check, a fan-out's bookkeeping,
    /// a fork or await of child jobs, a gate). Others wait for the commit, as a cancellation or takeover may have
    /// moved the job on.
    /// </summary>
    private static bool RunsWhileStartCommits(Workflows.Definitions.TaskDefinition task) =>
        task.Except is null && task.FanOut is null
        && (task.EffectiveMethod is Workflows.Definitions.TaskMethod.InProcess or Workflows.Definitions.TaskMethod.Shell
            or Workflows.Definitions.TaskMethod.Docker or Workflows.Definitions.TaskMethod.Kubernetes
            || (task.EffectiveMethod is { } method && Workflows.Definitions.TaskMethods.IsHttp(method)));

    /// <summary>
    /// Runs one attempt whose start is <paramref name="start"/> and records its result, starting the next attempt due
    /// now in the same write. The attempt runs while its start commits when <see cref="RunsWhileStartCommits"/>
    /// allows; its result is written only once the start has committed, and not at all when the start was refused
    /// (the attempt is stopped at once then).
    /// </summary>
    /// <returns>The result's write, on its way; or what to do instead (null: nothing, another worker recorded it first).</returns>
    private async Task<PendingStep?> RunAttemptAsync(ClaimedTask claim, PendingStep start, bool takenOver, SlotHold slot, CancellationToken cancellationToken)
    {
        await slot.TakeAsync(cancellationToken).ConfigureAwait(false); // held already, unless a write decided again started another attempt
        var snapshot = start.Decided.Snapshot;
        var task = snapshot.State.TaskToRun(claim.TaskType)!; // with the container limits a retry rule set for this attempt
        if (!RunsWhileStartCommits(task))
        {
            var committed = await start.Committed.ConfigureAwait(false);
            if (!PendingStep.Starts(committed, claim))
            {
                return PendingStep.Of(committed); // the job moved on: this attempt is not run (the write may have started another)
            }

            start = PendingStep.Of(committed);
            snapshot = committed.Snapshot;
            task = snapshot.State.TaskToRun(claim.TaskType)!;
        }

        var state = snapshot.State;
        string? exceptFailed = null;
        if (task.Except is not null)
        {
            var configsNow = Configs is null ? AttemptConfigs.Empty : await Configs.ForAttemptAsync(state.Definition!.JobType, cancellationToken).ConfigureAwait(false);
            var asked = new AttemptRequest(claim.JobId, state.Definition!, state.Request.Params, task, claim.Attempt, state.JobAttempt, state.StartedAt) { Configs = configsNow, Context = state.Context(), JobRetry = state.JobRetry };
            try
            {
                if (runner.RenderExcept(asked) is { } except)
                {
                    var skipped = await jobs.StepAsync(claim.JobId, snapshot, new CheckExcept(claim.TaskType, claim.Attempt, except), name, Lease, cancellationToken).ConfigureAwait(false);
                    if (skipped.Events.Count > 0)
                    {
                        return PendingStep.Of(skipped); // not run: the task completed SKIPPED (and the next attempt due now started in the same write)
                    }
                }
            }
            catch (Workflows.Templates.TemplateRenderException e)
            {
                exceptFailed = $"Task '{task.TaskType}': its except does not render: {e.Message}";
            }
        }
        using var cancelled = new CancellationTokenSource();
        using var registration = running.Register(claim.JobId, cancelled);
        if (state.Status == JobStatus.Cancelling)
        {
            await cancelled.CancelAsync().ConfigureAwait(false);
        }

        var startWatch = StopUnlessStartedAsync(start.Committed, claim, cancelled);
        // Stopped by disposing the timer, which ends its wait without a cancellation exception (one per attempt cost).
        using var renewEvery = new PeriodicTimer(Lease / 3);
        var renewal = RenewWhileRunningAsync(claim, cancelled, renewEvery, cancellationToken);
        AttemptResult result;
        using var scope = Logger.BeginScope(new Dictionary<string, object> { ["JobId"] = claim.JobId, ["JobType"] = state.Definition!.JobType, ["TaskType"] = claim.TaskType, ["Attempt"] = claim.Attempt });
        LogAttemptStarted(Logger, claim.JobId, claim.TaskType, claim.Attempt, task.EffectiveMethod);
        var activity = WorkflowsTelemetry.StartAttempt(claim.JobId, state.Definition!.JobType, claim.TaskType, claim.Attempt);
        var began = System.Diagnostics.Stopwatch.GetTimestamp();
        var configs = Configs is null ? AttemptConfigs.Empty : await Configs.ForAttemptAsync(state.Definition!.JobType, cancellationToken).ConfigureAwait(false);
        var request = new AttemptRequest(claim.JobId, state.Definition!, state.Request.Params, task, claim.Attempt, state.JobAttempt, state.StartedAt) { Configs = configs, Context = state.Context(), JobRetry = state.JobRetry };
        // A poll or a resume after a pause runs the same attempt again: its log goes on after the earlier runs' lines
        // (from line 0 they would collide with them and be dropped), as a taken-over attempt's does.
        var again = takenOver || state.Task(claim.TaskType).Reason is ScheduleReason.Poll or ScheduleReason.Resume;
        var log = await logs.OpenAsync(claim.JobId, claim.TaskType, claim.Attempt, configs.SecretValues, resume: again, cancellationToken).ConfigureAwait(false);
        DateTimeOffset endedAt;
        try
        {
            if (exceptFailed is not null)
            {
                log.Write(Workflows.Executors.Logs.LogSource.System, exceptFailed);
                result = new AttemptResult(null, ExecutorErrors.TemplateFailed, Message: exceptFailed);
            }
            else
            {
                result = await runner.RunAsync(request, log, artifacts, cancelled.Token, cancellationToken).ConfigureAwait(false);
            }

            endedAt = jobs.Clock.GetUtcNow();
        }
        catch
        {
            activity?.Dispose(); // shutdown: the attempt is left to its lease
            await log.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            renewEvery.Dispose();
            await renewal.ConfigureAwait(false);
        }

        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(began);
        WorkflowsTelemetry.EndAttempt(activity, claim.TaskType, result.ExitCode, result.ErrorCode, elapsed);
        LogAttemptEnded(Logger, claim.JobId, claim.TaskType, claim.Attempt, result.ExitCode, result.ErrorCode, elapsed.TotalMilliseconds);
        // The attempt has run. A result that starts the job's next attempt now (an immediate retry, the next task)
        // keeps the slot for it and writes that start with the result (fail-once: 4 writes a job, the retry run at once),
        // unless it would hold the slot idle while its start commits and another worker wants it: then the slot goes
        // back and the next attempt takes one again ahead of new work once the start has committed. Any other result
        // gives the slot back at once, before any write commits. When no slot frees within PrefetchWait (long attempts
        // hold them all), the next attempt is queued here instead.
        var decided = snapshot;
        ReportTaskResult report;
        try
        {
            report = await ReportAsync(decided.State, claim, result, endedAt, configs, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await WriteAloneAsync(log, null).ConfigureAwait(false);
            throw;
        }

        var startsNext = jobs.StartsNextAttempt(decided, report);
        if (!startsNext || (!start.Committed.IsCompleted && slot.Wanted))
        {
            slot.Release();
        }

        JobStep startStep;
        try
        {
            await startWatch.ConfigureAwait(false);
            startStep = await start.Committed.ConfigureAwait(false);
            if (PendingStep.Starts(startStep, claim) && !ReferenceEquals(startStep.Snapshot, decided))
            {
                report = await ReportAsync(startStep.Snapshot.State, claim, result, endedAt, configs, cancellationToken).ConfigureAwait(false); // decided again on the stream as it was
            }
        }
        catch
        {
            await WriteAloneAsync(log, null).ConfigureAwait(false); // the start did not commit: the attempt is left to its lease
            throw;
        }

        if (!PendingStep.Starts(startStep, claim))
        {
            // The start was refused once it met the stream (the job was cancelled or moved on meanwhile): the attempt was
            // stopped, its result is not recorded, and the write may have started another attempt.
            LogStartRefused(Logger, claim.JobId, claim.TaskType, claim.Attempt);
            await WriteAloneAsync(log, null).ConfigureAwait(false);
            return PendingStep.Of(startStep with { Started = startStep.Started == claim ? null : startStep.Started });
        }

        snapshot = startStep.Snapshot;
        LogTail? rest = null;
        try
        {
            var next = startsNext && await slot.TakeFirstAsync(LocalWork.PrefetchWait, cancellationToken).ConfigureAwait(false) ? name : null;
            // The log's last lines commit with the result: no transaction of their own per attempt.
            rest = await log.CloseAsync().ConfigureAwait(false);
            var written = await jobs.BeginStepAsync(claim.JobId, snapshot, report, next, Lease, rest, cancellationToken).ConfigureAwait(false);
            if (written.Decided.Events.Count == 0)
            {
                await WriteAloneAsync(log, rest).ConfigureAwait(false); // the result was refused (the job moved on): the lines still count
                return written;
            }

            return new PendingStep(written.Decided, RecordedAsync(written.Committed, snapshot, log, rest));
        }
        catch
        {
            await WriteAloneAsync(log, rest).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The result as reported to the decider, with the delay a named retry strategy chooses; secrets masked.</summary>
    private ValueTask<ReportTaskResult> ReportAsync(JobState state, ClaimedTask claim, AttemptResult result, DateTimeOffset endedAt, AttemptConfigs configs, CancellationToken cancellationToken) =>
        Strategies.ApplyAsync(
            state, new ReportTaskResult(claim.TaskType, claim.Attempt, result.ExitCode, result.ExceptionType, result.TimedOut, result.ErrorCode)
            {
                EndedAt = endedAt,
                OutputTail = result.OutputTail is { } tail ? SecretMask.Apply(tail, configs.SecretValues) : null,
                Outputs = result.Outputs?.ToDictionary(o => o.Key, o => SecretMask.Apply(o.Value, configs.SecretValues), StringComparer.Ordinal),
            }, cancellationToken);

    /// <summary>Stops the running attempt when its start write fails or is refused (the worker sees why once the attempt ends).</summary>
    private static async Task StopUnlessStartedAsync(Task<JobStep> committed, ClaimedTask claim, CancellationTokenSource cancelled)
    {
        try
        {
            if (PendingStep.Starts(await committed.ConfigureAwait(false), claim))
            {
                return;
            }
        }
#pragma warning disable CA1031 // The worker awaits the same write after the attempt and handles its failure there.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        try
        {
            await cancelled.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The worker stopped before the write ended (shutdown): there is no attempt left to stop.
        }
    }

    /// <summary>
    /// A result's write as recorded: when it was refused or lost to another worker's (a lease taken over), the attempt's
    /// last log lines are written on their own, and the worker stops.
    /// </summary>
    private static async Task<JobStep> RecordedAsync(Task<JobStep> committed, JobSnapshot known, DurableTaskLog log, LogTail? rest)
    {
        try
        {
            var step = await committed.ConfigureAwait(false);
            if (step.Events.Count == 0)
            {
                await WriteAloneAsync(log, rest).ConfigureAwait(false);
            }

            return step;
        }
        catch (JobConcurrencyException)
        {
            // Another worker recorded this attempt's result first: the result is recorded once.
            await WriteAloneAsync(log, rest).ConfigureAwait(false);
            return new JobStep(known, [], null);
        }
        catch
        {
            await WriteAloneAsync(log, rest).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The job's <c>skip_if</c> rendered now, as the job is about to start (null: none). A template that does not render
    /// does not skip the job, as in formicary; the problem is logged.
    /// </summary>
    private async Task<string?> RenderSkipIfAsync(string jobId, JobState state, CancellationToken cancellationToken)
    {
        if (state.Definition?.SkipIf is null || state.Status != JobStatus.Queued)
        {
            return null;
        }

        var configs = Configs is null ? AttemptConfigs.Empty : await Configs.ForAttemptAsync(state.Definition.JobType, cancellationToken).ConfigureAwait(false);
        try
        {
            return runner.RenderSkipIf(jobId, state.Definition, state.Request.Params, configs, state.JobRetry);
        }
        catch (Workflows.Templates.TemplateRenderException e)
        {
            LogSkipIfFailed(Logger, jobId, e.Message);
            return null;
        }
    }

    /// <summary>Writes an attempt's last lines on their own when no result write took them (or the log, if not closed yet).</summary>
    private static async Task WriteAloneAsync(DurableTaskLog log, LogTail? rest)
    {
        try
        {
            if (rest is null)
            {
                await log.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await log.WriteAsync(rest).ConfigureAwait(false);
            }
        }
        catch (Npgsql.NpgsqlException)
        {
            // The database is unreachable: the attempt is left to its lease and runs again, with a log of its own.
        }
    }

    /// <summary>
    /// Keeps the claim alive while the task runs (every third of the lease) and, at each renewal, stops the attempt if
    /// the job is being cancelled (the notification that normally does it may have been missed).
    /// </summary>
    private async Task RenewWhileRunningAsync(ClaimedTask claim, CancellationTokenSource cancelled, PeriodicTimer timer, CancellationToken cancellationToken)
    {
        while (await timer.WaitForNextTickAsync(CancellationToken.None).ConfigureAwait(false))
        {
            try
            {
                await jobs.RenewLeaseAsync(claim, name, Lease, cancellationToken).ConfigureAwait(false);
                if ((await jobs.GetAsync(claim.JobId, cancellationToken).ConfigureAwait(false))?.Status == JobStatus.Cancelling)
                {
                    await cancelled.CancelAsync().ConfigureAwait(false);
                }
            }
            catch (Npgsql.NpgsqlException)
            {
                // A failed renewal is retried on the next tick; at worst the lease lapses and the result is still recorded once.
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return; // the worker stops: the attempt is left to its lease
            }
        }
    }

    /// <summary>A worker's hold on an execution slot (always held when the worker has no shared slots).</summary>
    private sealed class SlotHold(ExecutionSlots? slots)
    {
        private bool _held;
        private long _since;

        public async Task TakeAsync(CancellationToken cancellationToken)
        {
            if (slots is not null && !_held)
            {
                await slots.TakeAsync(cancellationToken).ConfigureAwait(false);
                _held = true;
                _since = System.Diagnostics.Stopwatch.GetTimestamp();
            }
        }

        /// <summary>Takes a slot ahead of new work, waiting at most <paramref name="within"/>; false when none freed by then.</summary>
        public async Task<bool> TakeFirstAsync(TimeSpan within, CancellationToken cancellationToken)
        {
            if (slots is null || _held)
            {
                return true;
            }

            if (!slots.TryTake())
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(within);
                try
                {
                    await slots.TakeFirstAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return false;
                }
            }

            _held = true;
            _since = System.Diagnostics.Stopwatch.GetTimestamp();
            return true;
        }

        /// <summary>True when another worker waits for a slot.</summary>
        public bool Wanted => slots?.Wanted ?? false;

        public void Release()
        {
            if (_held)
            {
                _held = false;
                slots!.Release(System.Diagnostics.Stopwatch.GetElapsedTime(_since));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: task {TaskType} attempt {Attempt} was stopped: its start was refused once written (the job moved on meanwhile), so its result is not recorded.")]
    private static partial void LogStartRefused(ILogger logger, string jobId, string taskType, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: its skip_if does not render, so the job is not skipped: {Problem}")]
    private static partial void LogSkipIfFailed(ILogger logger, string jobId, string problem);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {JobId}: task {TaskType} attempt {Attempt} starts ({Method}).")]
    private static partial void LogAttemptStarted(ILogger logger, string jobId, string taskType, int attempt, Workflows.Definitions.TaskMethod? method);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: task {TaskType} attempt {Attempt} exited {ExitCode} {ErrorCode} after {ElapsedMs:0} ms.")]
    private static partial void LogAttemptEnded(ILogger logger, string jobId, string taskType, int attempt, int? exitCode, string? errorCode, double elapsedMs);
}
