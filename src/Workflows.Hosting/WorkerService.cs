using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Executors;
using Workflows.Executors.Artifacts;
using Workflows.Marten;
using Workflows.Marten.Logs;

namespace Workflows.Hosting;

/// <summary>
/// The host's workers: <see cref="WorkflowsOptions.WorkerCount"/> loops that run work from this process's
/// <see cref="LocalWork"/> queue, fed by jobs submitted in this process (handed over once committed) and by one claimer
/// that claims due rows from the database for idle workers only (woken by NOTIFY from any process, by a worker going
/// idle, or by its poll). On shutdown a loop finishes the task it runs; what it had not started stays claimable by its
/// lease.
/// </summary>
internal sealed partial class WorkerService(
    JobStore jobs, TaskRunner runner, TaskLogs logs, IArtifactStore artifacts, RunningAttempts running, LocalWork local, IOptions<WorkflowsOptions> options, TimeProvider time, ILogger<WorkerService> logger, ILoggerFactory loggers, Runtime.RetryStrategies strategies, Marten.Configs.JobConfigs configs, Marten.Hosts.HostHeartbeats heartbeats)
    : BackgroundService
{
    /// <summary>Items that may wait in the local queue per worker (jobs submitted here beyond it wait for a claim).</summary>
    private const int BacklogPerWorker = 64;

    /// <summary>
    /// Worker loops per execution slot (<see cref="ExecutionSlots"/>): a loop holds a slot only while its attempt runs and
    /// then waits for its writes to commit, so a slot runs the next loop's attempt meanwhile. Eight, measured: with four,
    /// the loops of a 5-task chain all waited for commits while slots were free (dag benchmark: 566 vs 756-875 jobs a
    /// second on 8 slots; no-op jobs unchanged); more loops writing at once also make larger group commits.
    /// </summary>
    private const int LoopsPerSlot = 8;

    /// <summary>Job rows (starts, timeouts) one claim takes at most per idle worker.</summary>
    private const int ClaimBatchLimit = 64;

    /// <summary>
    /// After a claim that found fewer due rows than it could take, how long a slot given back or an idle worker does
    /// not claim again (an announcement of new work, NOTIFY or the poll, still does at once). With prefetch every slot
    /// given back woke a claim that found nothing: 2,500 empty claims in a 20,000-job run, twice PostgreSQL's CPU a job.
    /// </summary>
    private static readonly TimeSpan ShortClaimRecheck = TimeSpan.FromMilliseconds(20);

    private readonly WakeSignal _wake = new();
    private long _shortClaimAt;
    private ExecutionSlots? _slots;

    /// <summary>The host starts only once the tables exist, so nothing submitted after start-up races their creation.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        while (!await TryEnsureSchemaAsync(options.Value.PollInterval, cancellationToken).ConfigureAwait(false))
        {
            // Another process may be creating the same tables at this moment: try again.
        }

        var settings = options.Value;
        if (settings.WorkerCount > 0)
        {
            _slots = new ExecutionSlots(settings.WorkerCount);
            _slots.Released += _wake.Set;
            local.Open(settings.WorkerCount * LoopsPerSlot, settings.WorkerCount * BacklogPerWorker, Owner, settings.Lease, settings.Queues.ToList(), _slots, settings.Tags.ToList());
            local.WorkerIdle += _wake.Set;
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        local.Close();
        local.WorkerIdle -= _wake.Set;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_slots is not null)
        {
            try
            {
                await heartbeats.ForgetAsync(Owner, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or OperationCanceledException)
            {
                // The row stays, no longer seen: the dashboard stops listing the host when its last heartbeat ages out.
            }
        }
    }

    public override void Dispose()
    {
        _slots?.Dispose();
        base.Dispose();
    }

    /// <summary>This process as a lease owner: its claimer and workers share it (any of them renews what another claimed).</summary>
    /// <remarks>One per service, not per process: two hosts started in one process (tests) are two owners with their own heartbeats and tags.</remarks>
    private string Owner { get; } = Environment.MachineName + ":" + Environment.ProcessId + ":" + Guid.NewGuid().ToString("N")[..8];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.WorkerCount == 0)
        {
            return; // a submit-only host: no loops to wake, nothing of its own to cancel
        }

        var workerLogger = loggers.CreateLogger<TaskWorker>();
        var loops = Enumerable.Range(0, settings.WorkerCount * LoopsPerSlot)
            .Select(_ => RunAsync(new TaskWorker(jobs, runner, logs, artifacts, running, Owner)
            {
                Lease = settings.Lease, Logger = workerLogger, Queues = settings.Queues.ToList(), Tags = local.Tags, Strategies = strategies, Configs = configs, Slots = _slots,
            }, stoppingToken))
            .ToList();
        await Task.WhenAll(loops.Append(ClaimAsync(settings, stoppingToken)).Append(ListenAsync(settings.PollInterval, stoppingToken)).Append(SampleAsync(stoppingToken))).ConfigureAwait(false);
    }

    /// <summary>Claims due rows for idle workers (and, while attempts are short, a little ahead of them) and queues them locally.</summary>
    private async Task ClaimAsync(WorkflowsOptions settings, CancellationToken stoppingToken)
    {
        var queues = settings.Queues.ToList();
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            var free = local.ClaimRoom;
            var shortAt = Volatile.Read(ref _shortClaimAt);
            var recheckIn = shortAt == 0 ? TimeSpan.Zero : ShortClaimRecheck - System.Diagnostics.Stopwatch.GetElapsedTime(shortAt);
            if (free > 0 && recheckIn <= TimeSpan.Zero)
            {
                try
                {
                    var claims = await jobs.ClaimWorkAsync(Owner, Math.Min(free, ClaimBatchLimit), free, settings.Lease, queues, local.Tags, stoppingToken).ConfigureAwait(false);
                    foreach (var item in claims.OrderBy(c => c.Claim.IsJobRow ? 0 : 1))
                    {
                        local.Post(item);
                    }

                    claimed = claims.Count;
                    Volatile.Write(ref _shortClaimAt, claimed < Math.Min(free, ClaimBatchLimit) ? System.Diagnostics.Stopwatch.GetTimestamp() : 0);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    // A lost connection or a failed claim must not stop claiming: what was claimed stays leased and runs again.
                    LogClaimFailed(logger, e);
                }
            }

            if (claimed == 0 || local.ClaimRoom == 0)
            {
                try
                {
                    // A claim held back after a short one is made once its pause is over, whatever the poll's clock says.
                    await (free > 0 && recheckIn > TimeSpan.Zero
                        ? _wake.WaitAsync(recheckIn, TimeProvider.System, stoppingToken)
                        : _wake.WaitAsync(settings.PollInterval, time, stoppingToken)).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Every 5 seconds: this host's heartbeat (alive, its slots and how many are busy: the dashboard's hosts) and the
    /// queue depth for the <c>workflows.queue.depth</c> gauge.
    /// </summary>
    private async Task SampleAsync(CancellationToken stoppingToken)
    {
        var started = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var slots = _slots!;
                await heartbeats.BeatAsync(new Marten.Hosts.HostBeat(Owner, started, time.GetUtcNow(), slots.Count, slots.Count - slots.Free, [.. local.Tags]), stoppingToken).ConfigureAwait(false);
                WorkflowsTelemetry.SetQueueDepth(await jobs.CountDueAsync(stoppingToken).ConfigureAwait(false));
                await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
            {
                // The gauge keeps its last value; the worker loops report the database's trouble.
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One LISTEN connection per process wakes the idle loops when any process schedules work (no waiting for a poll).</summary>
    private async Task ListenAsync(TimeSpan retry, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await jobs.ListenAsync(Announced, jobId => running.Cancel(jobId), configs, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Polling still finds the work; listening resumes after a pause.
                LogListenFailed(logger, e);
                await Task.Delay(retry, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Work became due somewhere (NOTIFY): the next claim goes to the database whatever the last one found.</summary>
    private void Announced()
    {
        Volatile.Write(ref _shortClaimAt, 0);
        _wake.Set();
    }

    private async Task<bool> TryEnsureSchemaAsync(TimeSpan idle, CancellationToken stoppingToken)
    {
        try
        {
            await jobs.EnsureSchemaAsync(stoppingToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogSchemaFailed(logger, e);
            await Task.Delay(idle, time, stoppingToken).ConfigureAwait(false);
            return false;
        }
    }

    private async Task RunAsync(TaskWorker worker, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            WorkItem item;
            try
            {
                item = await local.Reader.ReadAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            local.Taken();
            try
            {
                await worker.ProcessAsync(item, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return; // the attempt is left to its lease
            }
            catch (Exception e)
            {
                // A lost connection or a failed write must not kill the worker: what it held stays leased and runs again.
                LogClaimFailed(logger, e);
            }
            finally
            {
                local.Done();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for due work failed; idle workers poll until listening resumes.")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Creating the Workflows tables failed; trying again.")]
    private static partial void LogSchemaFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A worker loop failed to claim or record work; it retries after its idle interval.")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);
}
