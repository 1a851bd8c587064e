using Workflows.Definitions;

namespace Workflows.Runtime;

/// <summary>A retry strategy registered under a name (<c>services.AddRetryStrategy&lt;T&gt;(name)</c>).</summary>
/// <param name="Name">The name tasks refer to (<c>retry_strategy</c>).</param>
/// <param name="Strategy">The strategy.</param>
public sealed record NamedRetryStrategy(string Name, IRetryStrategy Strategy);

/// <summary>
/// The worker's edge to the retry strategies: before a result is reported, asks the task's strategy (if it names one)
/// and puts its decision in the <see cref="ReportTaskResult"/>, so the decider stays pure and records the decision.
/// </summary>
/// <param name="strategies">The registered strategies.</param>
/// <param name="time">The clock (the default decision's due time).</param>
public sealed class RetryStrategies(IEnumerable<NamedRetryStrategy> strategies, TimeProvider time)
{
    private readonly Dictionary<string, IRetryStrategy> _byName = strategies.ToDictionary(s => s.Name, s => s.Strategy, StringComparer.Ordinal);

    /// <summary>No strategies: a task that names one fails with <see cref="ErrorCodes.RetryStrategyNotFound"/> on its first failure.</summary>
    public static RetryStrategies None { get; } = new([], TimeProvider.System);

    /// <summary>The registered names.</summary>
    public IReadOnlyCollection<string> Names => _byName.Keys;

    /// <summary>
    /// The report with the strategy's decision when the task names a strategy and the result is a failure it may decide;
    /// else the report as it is. An unknown name or a strategy that throws stops the task with an error code and a detail
    /// that says what to do.
    /// </summary>
    /// <param name="state">The job's state as the worker read it (the attempt's start is folded in here).</param>
    /// <param name="report">The result to report.</param>
    /// <param name="cancellationToken">Signalled when the worker stops.</param>
    public async ValueTask<ReportTaskResult> ApplyAsync(JobState state, ReportTaskResult report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(report);
        var task = state.Definition?.FindTask(report.TaskType);
        if (task?.RetryStrategy is not { } name)
        {
            return report;
        }

        var now = time.GetUtcNow();
        var started = state.Task(report.TaskType).Status == TaskRunStatus.Started
            ? state
            : JobDecider.Evolve(state, new TaskStarted(state.JobId, now, report.TaskType, report.Attempt));
        if (JobDecider.DefaultRetry(started, report, new DecisionContext(now)) is not { } preview)
        {
            return report; // not a failure a strategy decides (completed, polling, FATAL, …), or a stale report
        }

        if (!_byName.TryGetValue(name, out var strategy))
        {
            var known = _byName.Count == 0 ? "none is registered" : "registered: " + string.Join(", ", _byName.Keys.Order(StringComparer.Ordinal));
            return report with
            {
                Strategy = RetryStrategyDecision.Stop(
                    ErrorCodes.RetryStrategyNotFound,
                    $"Task '{task.TaskType}' names retry strategy '{name}', which this host has not registered ({known}). Register it in every worker host with services.AddRetryStrategy<YourStrategy>(\"{name}\"), or fix the name in retry_strategy.") with { Strategy = name },
            };
        }

        var run = started.Task(report.TaskType);
        var context = new RetryContext(
            state.JobId, state.Definition!.JobType, report.TaskType, report.Attempt, state.JobAttempt, report.ExitCode, preview.ErrorCode,
            report.ExceptionType, report.OutputTail, run.RetriesUsed.Sum(c => c.Used), run.Priority ?? state.Request.Priority, run.Queue ?? state.Request.Queue, preview);
        RetryStrategyDecision decision;
        try
        {
            decision = await strategy.DecideAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A strategy's failure fails the task with a clear code; it must never crash the worker.
        catch (Exception e)
#pragma warning restore CA1031
        {
            decision = RetryStrategyDecision.Stop(ErrorCodes.RetryStrategyFailed, $"Retry strategy '{name}' threw {e.GetType().Name}: {e.Message}");
        }

        return report with { Strategy = (decision ?? RetryStrategyDecision.Stop()) with { Strategy = name } };
    }
}
