namespace Workflows.Runtime;

/// <summary>
/// formicary's request states (<c>internal/types/request_state.go</c>) as job statuses, for what names them:
/// <c>CountByJobTypeAndState</c> in templates.
/// </summary>
public static class FormicaryStates
{
    private static readonly Dictionary<string, JobStatus[]> Statuses = new(StringComparer.Ordinal)
    {
        ["PENDING"] = [JobStatus.Queued],
        ["READY"] = [JobStatus.Queued],
        ["STARTED"] = [JobStatus.Running, JobStatus.Ending, JobStatus.Cancelling],
        ["EXECUTING"] = [JobStatus.Running, JobStatus.Ending, JobStatus.Cancelling],
        ["RUNNING"] = [JobStatus.Running, JobStatus.Ending, JobStatus.Cancelling],
        ["PAUSED"] = [JobStatus.Paused],
        ["MANUAL_APPROVAL_REQUIRED"] = [JobStatus.AwaitingApproval],
        ["WAIT_FOR_APPROVAL"] = [JobStatus.AwaitingApproval],
        ["COMPLETED"] = [JobStatus.Completed],
        ["FAILED"] = [JobStatus.Failed],
        ["CANCELLED"] = [JobStatus.Cancelled],

        // Known to formicary but never a job request's state (task outcomes, exit actions, history): nothing is in them.
        ["HISTORY"] = [],
        ["WAITING"] = [],
        ["FATAL"] = [],
        ["RESTART_JOB"] = [],
        ["PAUSE_JOB"] = [],
        ["RESTART_TASK"] = [],
        ["APPROVED"] = [],
        ["REJECTED"] = [],
        ["RESERVED"] = [],
        ["DELETED"] = [],
        ["UNKNOWN"] = [],
    };

    /// <summary>
    /// The statuses a job in one of formicary's states has here: <c>PENDING</c>/<c>READY</c> queued; <c>STARTED</c>,
    /// <c>EXECUTING</c>, <c>RUNNING</c> running (also while failing into cleanup or cancelling); <c>PAUSED</c>;
    /// <c>MANUAL_APPROVAL_REQUIRED</c> awaiting approval; the three ends. formicary's other known states hold no job.
    /// </summary>
    /// <param name="states">formicary's state names, any case.</param>
    /// <returns>The statuses (each once).</returns>
    /// <exception cref="ArgumentException">A state is not one of formicary's; the message lists them.</exception>
    public static IReadOnlyCollection<JobStatus> ToStatuses(IEnumerable<string> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        var statuses = new HashSet<JobStatus>();
        foreach (var state in states)
        {
            if (!Statuses.TryGetValue(state.Trim().ToUpperInvariant(), out var these))
            {
                throw new ArgumentException(
                    $"'{state}' is not a formicary job state; use one of {string.Join(", ", Statuses.Where(s => s.Value.Length > 0).Select(s => s.Key))}.",
                    nameof(states));
            }

            statuses.UnionWith(these);
        }

        return statuses;
    }
}
