using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Workflows.Executors;
using Workflows.Executors.Artifacts;
using Workflows.Marten;
using Workflows.Marten.Logs;

namespace Workflows.Hosting;

/// <summary>
/// The host's workers: <see cref="WorkflowsOptions.WorkerCount"/> loops that claim due work and run it on the executors. On
/// shutdown a loop finishes the task it runs; what it had not started stays claimable by its lease.
/// </summary>
internal sealed partial class WorkerService(
    JobStore jobs, TaskRunner runner, TaskLogs logs, IArtifactStore artifacts, RunningAttempts running, IOptions<WorkflowsOptions> options, TimeProvider time, ILogger<WorkerService> logger, ILoggerFactory loggers, Runtime.RetryStrategies strategies)
    : BackgroundService
{
    private readonly WakeSignal _wake = new();

    /// <summary>The host starts only once the tables exist, so nothing submitted after start-up races their creation.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        while (!await TryEnsureSchemaAsync(options.Value.PollInterval, cancellationToken).ConfigureAwait(false))
        {
            // Another process may be creating the same tables at this moment: try again.
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var host = Environment.MachineName + ":" + Environment.ProcessId;
        var workerLogger = loggers.CreateLogger<TaskWorker>();
        var loops = Enumerable.Range(0, settings.WorkerCount)
            .Select(i => RunAsync(new TaskWorker(jobs, runner, logs, artifacts, running, $"{host}/{i}") { Lease = settings.Lease, Logger = workerLogger, Queues = settings.Queues.ToList(), Strategies = strategies }, settings.PollInterval, stoppingToken));
        await Task.WhenAll(loops.Append(ListenAsync(settings.PollInterval, stoppingToken)).Append(SampleQueueDepthAsync(stoppingToken))).ConfigureAwait(false);
    }

    /// <summary>Samples the queue depth for the <c>workflows.queue.depth</c> gauge every 5 seconds.</summary>
    private async Task SampleQueueDepthAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
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
                await jobs.ListenAsync(_wake.Set, jobId => running.Cancel(jobId), stoppingToken).ConfigureAwait(false);
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

    private async Task RunAsync(TaskWorker worker, TimeSpan idle, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int processed;
            try
            {
                processed = await worker.RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A lost connection or a failed claim must not kill the worker: what it claimed stays leased and runs again.
                LogClaimFailed(logger, e);
                processed = 0;
            }

            if (processed == 0)
            {
                try
                {
                    await _wake.WaitAsync(idle, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
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
