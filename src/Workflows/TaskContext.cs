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
/// <param name="Variables">Request parameters, job variables and task variables, later ones winning.</param>
public sealed record TaskContext(string JobId, string JobType, string TaskType, int Attempt, int? MaxAttempts, IReadOnlyDictionary<string, string> Variables)
{
    /// <summary>Attempts left after this one; null when unlimited.</summary>
    public int? RemainingAttempts => MaxAttempts is { } max ? Math.Max(0, max - Attempt) : null;

    /// <summary>True when a failure of this attempt will not be retried.</summary>
    public bool IsLastAttempt => RemainingAttempts == 0;
}
