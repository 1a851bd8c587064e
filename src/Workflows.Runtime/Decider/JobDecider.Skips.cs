using Workflows.Definitions;

namespace Workflows.Runtime;

public static partial class JobDecider
{
    /// <summary>
    /// True when a rendered <c>skip_if</c> or <c>except</c> says skip: the text contains <c>true</c> (formicary's
    /// <c>strings.Contains(…, "true")</c>, so <c> true </c> from <c>{{if …}} true {{end}}</c> counts; an empty render does not).
    /// </summary>
    /// <param name="rendered">The rendered text, or null when the key is not set.</param>
    public static bool SaysSkip(string? rendered) => rendered is not null && rendered.Contains("true", StringComparison.Ordinal);

    /// <summary>
    /// formicary's <c>DeleteFilteredCronJobs</c>: a job skipped by its <c>skip_if</c> whose definition has a
    /// <c>cron_trigger</c> and the job variable <c>DeleteFilteredCronJobs: true</c> is deleted once it failed
    /// <c>ERR_FILTERED_JOB</c>. Deleted as <c>DELETE /api/jobs/requests/{id}</c> deletes: archived, so it leaves the lists
    /// and counts while its events (<c>JobSkipped</c> among them) stay in the database; formicary deletes the request.
    /// </summary>
    /// <param name="definition">The skipped job's definition.</param>
    public static bool DeletesWhenSkipped(JobDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return !string.IsNullOrEmpty(definition.CronTrigger)
            && definition.JobVariables.Any(v => v.Name == "DeleteFilteredCronJobs" && string.Equals(v.Value, "true", StringComparison.Ordinal));
    }

    /// <summary><c>skip_if</c> said true at the job's start: the job is recorded as skipped and fails with <c>ERR_FILTERED_JOB</c>, running nothing.</summary>
    private static void SkipJob(Decision decision, string skipIf)
    {
        decision.Emit(new JobSkipped(decision.JobId, decision.Now, skipIf));
        decision.Emit(new JobFailed(decision.JobId, decision.Now, ErrorCodes.FilteredJob, null));
    }

    /// <summary>
    /// <c>except</c> said true: the started attempt is not run; the task completes with exit code SKIPPED and the path goes
    /// on through an exit-code map entry keyed <c>SKIPPED</c>, else the task's completed route.
    /// </summary>
    private static void SkipTask(Decision decision, CheckExcept check)
    {
        var task = decision.Definition.FindTask(check.TaskType)!;
        decision.Emit(new TaskSkipped(decision.JobId, decision.Now, task.TaskType, check.Attempt, check.Except));
        decision.Emit(new TaskCompleted(decision.JobId, decision.Now, task.TaskType));
        switch (decision.State.Status)
        {
            case JobStatus.Cancelling:
                End(decision, JobEnd.Cancelled, null, null);
                break;
            case JobStatus.Ending:
                ContinueEnding(decision);
                break;
            default:
                Advance(decision, PastCarried(decision, StateRoute(task, "SKIPPED") ?? OnCompleted(task)));
                break;
        }
    }
}
