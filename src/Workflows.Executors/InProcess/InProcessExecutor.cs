using Workflows.Definitions;

namespace Workflows.Executors.InProcess;

/// <summary>
/// In-process C#: runs the handler a workflow class gave the task with <c>.Run(...)</c>. The returned int is the exit
/// code; an exception fails the attempt with its type recorded (retry-on-exception rules read it).
/// </summary>
/// <param name="workflows">The workflow classes of this host, whose handlers it runs.</param>
public sealed class InProcessExecutor(IEnumerable<Workflow> workflows) : ITaskExecutor
{
    private readonly Dictionary<string, Workflow> _byType = workflows.ToDictionary(w => w.Definition.JobType, StringComparer.Ordinal);

    /// <inheritdoc />
    public IReadOnlyCollection<TaskMethod> Methods { get; } = [TaskMethod.InProcess];

    /// <inheritdoc />
    public async Task<TaskOutcome> RunAsync(TaskExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        if (!_byType.TryGetValue(execution.JobType, out var workflow) || !workflow.Handlers.TryGetValue(execution.Task.TaskType, out var handler))
        {
            return TaskOutcome.Error(ExecutorErrors.MethodNotSupported,
                $"Task '{execution.Task.TaskType}' of job type '{execution.JobType}' runs C# code, but this host has no workflow class for '{execution.JobType}' with that task. Register it (services.AddWorkflowsFromAssembly()) in the host that runs the job.");
        }

        var context = new TaskContext(execution.JobId, execution.JobType, execution.Task.TaskType, execution.Attempt, execution.MaxAttempts, execution.Variables);
        try
        {
            return TaskOutcome.Exited(await handler(context, cancellationToken).ConfigureAwait(false)) with { Outputs = context.Outputs };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A task's exception is its outcome: it is recorded (type on the event), never rethrown.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new TaskOutcome(null, Message: $"{e.GetType().Name}: {e.Message}", ExceptionType: e.GetType().FullName) { Outputs = context.Outputs };
        }
    }
}
