using Workflows.Definitions;

namespace Workflows.Executors;

/// <summary>
/// Runs one task attempt of the methods it supports. The worker renders the task's templates, opens its log,
/// enforces its timeout and job cancellation through the token, and records the outcome; the executor only runs.
/// </summary>
public interface ITaskExecutor
{
    /// <summary>The methods this executor runs.</summary>
    IReadOnlyCollection<TaskMethod> Methods { get; }

    /// <summary>Runs the attempt to its end and says how it ended.</summary>
    /// <param name="execution">The attempt: rendered task, variables, log and artifacts.</param>
    /// <param name="cancellationToken">
    /// Signalled on the task's timeout, the job's cancellation or shutdown: stop the work (kill the container or
    /// process) and return or throw <see cref="OperationCanceledException"/>; the worker decides what it means.
    /// </param>
    Task<TaskOutcome> RunAsync(TaskExecution execution, CancellationToken cancellationToken);
}
