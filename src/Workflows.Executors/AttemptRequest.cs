using Workflows.Definitions;
using Workflows.Executors.Secrets;

namespace Workflows.Executors;

/// <summary>A task attempt the runtime wants run: the pinned definition, the job's params and where the job is.</summary>
/// <param name="JobId">The job run.</param>
/// <param name="Definition">The pinned definition.</param>
/// <param name="Params">Request parameters.</param>
/// <param name="Task">The task.</param>
/// <param name="Attempt">The task attempt, from 1.</param>
/// <param name="JobAttempt">The job attempt, from 0.</param>
/// <param name="JobStartedAt">When the job started (JobElapsedSecs counts from it).</param>
public sealed record AttemptRequest(
    string JobId,
    JobDefinition Definition,
    IReadOnlyDictionary<string, string> Params,
    TaskDefinition Task,
    int Attempt,
    int JobAttempt,
    DateTimeOffset? JobStartedAt)
{
    /// <summary>The host's secrets and the job type's configs: variables with the lowest precedence, secret ones masked.</summary>
    public AttemptConfigs Configs { get; init; } = AttemptConfigs.Empty;

    /// <summary>The job context: the outputs of the tasks that ran before this attempt (later ones winning).</summary>
    public IReadOnlyDictionary<string, string> Context { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The <c>JobRetry</c> template variable: formicary's one <c>retried</c> counter, job retries and pauses (the
    /// runtime's <c>JobState.JobRetry</c>); <see cref="JobAttempt"/> unless set.
    /// </summary>
    public int JobRetry
    {
        get => _jobRetry ?? JobAttempt;
        init => _jobRetry = value;
    }

    private readonly int? _jobRetry;
}
