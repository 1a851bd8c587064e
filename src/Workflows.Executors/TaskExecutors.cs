using Workflows.Definitions;

namespace Workflows.Executors;

/// <summary>The executors of a host, by method. A method none runs gets an executor that fails the attempt with a clear error.</summary>
public sealed class TaskExecutors
{
    private readonly Dictionary<TaskMethod, ITaskExecutor> _byMethod = [];
    private readonly UnsupportedMethodExecutor _unsupported = new();

    /// <summary>Indexes the executors; a later one wins a method an earlier one also runs.</summary>
    /// <param name="executors">The executors.</param>
    public TaskExecutors(IEnumerable<ITaskExecutor> executors)
    {
        ArgumentNullException.ThrowIfNull(executors);
        foreach (var executor in executors)
        {
            foreach (var method in executor.Methods)
            {
                _byMethod[method] = executor;
            }
        }
    }

    /// <summary>The methods some executor runs.</summary>
    public IReadOnlyCollection<TaskMethod> Methods => _byMethod.Keys;

    /// <summary>The executor for a task: its method's, or one that fails the attempt naming the unsupported method.</summary>
    /// <param name="task">The task.</param>
    public ITaskExecutor For(TaskDefinition task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.EffectiveMethod is { } method && _byMethod.TryGetValue(method, out var executor) ? executor : _unsupported;
    }
}
