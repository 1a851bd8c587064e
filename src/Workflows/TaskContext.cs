namespace Workflows;

/// <summary>The C# code of an in-process task; returns the task's exit code (0 = success).</summary>
/// <param name="context">What the task knows about its run.</param>
/// <param name="cancellationToken">Signalled on timeout or job cancellation.</param>
public delegate ValueTask<int> TaskHandler(TaskContext context, CancellationToken cancellationToken);

/// <summary>What an in-process task knows about its run: job, task, attempt and variables.</summary>
/// <param name="JobId">The job run's id.</param>
/// <param name="JobType">The job type.</param>
/// <param name="TaskType">This task's name.</param>
/// <param name="Attempt">This attempt's number, starting at 1.</param>
/// <param name="MaxAttempts">The most attempts this task gets (1 + retry + the retries of its retry rules); null when unbounded (unlimited retries or a retry strategy).</param>
/// <param name="Variables">Configs, request parameters, job variables, the outputs of earlier tasks and task variables, later ones winning.</param>
public sealed record TaskContext(string JobId, string JobType, string TaskType, int Attempt, int? MaxAttempts, IReadOnlyDictionary<string, string> Variables)
{
    /// <summary>Attempts left after this one; null when unlimited.</summary>
    public int? RemainingAttempts => MaxAttempts is { } max ? Math.Max(0, max - Attempt) : null;

    /// <summary>True when a failure of this attempt will not be retried.</summary>
    public bool IsLastAttempt => RemainingAttempts == 0;

    private readonly Dictionary<string, string> _outputs = new(StringComparer.Ordinal);

    /// <summary>The outputs this attempt set.</summary>
    public IReadOnlyDictionary<string, string> Outputs => _outputs;

    /// <summary>
    /// Sets a task output: the tasks after this one see it as a template variable (<c>{{Name}}</c>), as a script's
    /// <c>::set-output name=Name::value</c> line does. Recorded with the attempt's result, also when the task fails.
    /// </summary>
    /// <param name="name">A template identifier (letters, digits, underscores).</param>
    /// <param name="value">The value (at most <see cref="Workflows.Definitions.TaskOutputs.MaxValueLength"/> characters).</param>
    /// <exception cref="ArgumentException">The name is not an identifier, the value is too long, or the attempt has set the most outputs already.</exception>
    public void SetOutput(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!Workflows.Definitions.VariableNames.IsValid(name))
        {
            throw new ArgumentException($"Output name '{name}' is not a template identifier: use letters, digits and underscores, not starting with a digit.", nameof(name));
        }

        if (value.Length > Workflows.Definitions.TaskOutputs.MaxValueLength)
        {
            throw new ArgumentException($"Output '{name}' has {value.Length} characters; at most {Workflows.Definitions.TaskOutputs.MaxValueLength} are kept. Put large data in an artifact.", nameof(value));
        }

        lock (_outputs)
        {
            if (_outputs.Count >= Workflows.Definitions.TaskOutputs.MaxCount && !_outputs.ContainsKey(name))
            {
                throw new ArgumentException($"Task '{TaskType}' has set {_outputs.Count} outputs; at most {Workflows.Definitions.TaskOutputs.MaxCount} are kept.", nameof(name));
            }

            _outputs[name] = value;
        }
    }
}
