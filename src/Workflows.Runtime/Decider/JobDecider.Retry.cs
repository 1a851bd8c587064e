using Workflows.Definitions;

namespace Workflows.Runtime;

public static partial class JobDecider
{
    /// <summary>
    /// True when the caller submitted the job: by token id when the job has one (a token name can be reused after a
    /// revoke); jobs of the host's own callers, which have no token id, compare by name. The one ownership rule: retries
    /// here, and the API's update, cancel and delete.
    /// </summary>
    /// <param name="job">What the job's request recorded of its submitter.</param>
    /// <param name="callerId">The caller's token id (null for the host's own callers).</param>
    /// <param name="callerName">The caller's name.</param>
    public static bool IsSubmitter(JobRequest job, string? callerId, string? callerName)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.SubmitterId is { } owner ? owner == callerId : callerId is null && job.SubmittedBy == callerName;
    }

    private static bool Owns(JobState job, RetryRequest request) => IsSubmitter(job.Request, request.RequesterId, request.RequestedBy);

    /// <summary>
    /// A manual retry: a new job with the retried job's definition version and params (overrides and a newer
    /// definition only when asked for), linked to the job asked for and to the lineage's root, and a
    /// <see cref="JobRetried"/> on the root, to be written in one transaction. Refused unless the job asked for ended
    /// failed or cancelled, and unless the caller submitted it or is an admin acting explicitly as admin. (At most one
    /// retry of a root in flight is enforced by the store, in the database.)
    /// </summary>
    /// <param name="asked">The job the caller asked to retry.</param>
    /// <param name="root">The lineage's root (the same as <paramref name="asked"/> when it is not a retry).</param>
    /// <param name="request">The request.</param>
    /// <param name="context">The time.</param>
    public static RetryDecision Retry(JobState asked, JobState root, RetryRequest request, DecisionContext context)
    {
        ArgumentNullException.ThrowIfNull(asked);
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(request);
        if (CanRetry(asked, root) is { } refusal)
        {
            return new RetryDecision(null, null, refusal);
        }

        var own = Owns(asked, request);
        if (!own && !(request.IsAdmin && request.AsAdmin))
        {
            var owner = asked.Request.SubmittedBy is { } by ? $"token '{by}'" : "the host itself";
            return Refuse(RetryRefusalReason.NotOwner, request.IsAdmin
                ? $"Job {asked.JobId} was submitted by {owner}; to retry another's job as an admin, say so explicitly (act as admin)."
                : $"Job {asked.JobId} was submitted by {owner}; a token may retry only its own jobs. Retrying another's job needs an admin token acting explicitly as admin.");
        }

        var parameters = new Dictionary<string, string>(asked.Request.Params, StringComparer.Ordinal);
        var changed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Params)
        {
            if (!parameters.TryGetValue(key, out var old) || old != value)
            {
                changed[key] = value;
            }

            parameters[key] = value;
        }

        var (definition, version) = request.Definition ?? (asked.Definition!, asked.Request.DefinitionVersion);
        Dictionary<string, string>? resourcesChanged = null;
        foreach (var (taskType, limits) in request.Resources)
        {
            if (definition.FindTask(taskType) is not { } task || task.Container is not { } container)
            {
                return Refuse(RetryRefusalReason.BadResources,
                    $"Container limits were asked for task '{taskType}', but {(definition.FindTask(taskType) is null ? "the job has no such task" : "it runs no container")}: resources apply to DOCKER tasks.");
            }

            var limited = container with { CpuLimit = limits.CpuLimit ?? container.CpuLimit, MemoryLimit = limits.MemoryLimit ?? container.MemoryLimit };
            definition = definition with { Tasks = definition.Tasks.Select(t => t.TaskType == taskType ? t with { Container = limited } : t).ToEquatableArray() };
            resourcesChanged ??= new Dictionary<string, string>(StringComparer.Ordinal);
            resourcesChanged[taskType] = string.Join(", ", new[] { ("cpu_limit", limits.CpuLimit), ("memory_limit", limits.MemoryLimit) }.Where(l => l.Item2 is not null).Select(l => $"{l.Item1}={l.Item2}"));
        }

        string? resumeFrom = null;
        IReadOnlyList<CarriedTask>? carried = null;
        if (request.Resume || asked.Status == JobStatus.Completed)
        {
            // From the task that failed the job, else (completed with errors) the first task whose failure was
            // ignored, else (cancelled) the first task that did not complete. A completed job is always retried for its
            // failed tasks only: the path passes the carried tasks (PastCarried).
            resumeFrom = asked.FailedTask
                ?? asked.Definition!.Tasks.Select(t => asked.Task(t.TaskType)).Where(t => t.Status == TaskRunStatus.Failed && t.Ignored)
                    .OrderBy(t => t.EndedAt).Select(t => t.TaskType).FirstOrDefault()
                ?? asked.Definition!.Tasks.Select(t => t.TaskType).FirstOrDefault(t => asked.Task(t).Status is TaskRunStatus.Failed or TaskRunStatus.Cancelled or TaskRunStatus.Started);
            if (resumeFrom is not null && definition.FindTask(resumeFrom) is null)
            {
                return Refuse(RetryRefusalReason.CannotResume,
                    $"Job {asked.JobId} would resume from task '{resumeFrom}', which the chosen definition does not have. Retry without resume, or with the pinned definition.");
            }

            carried = resumeFrom is null
                ? null
                : asked.Tasks.Values
                    .Where(t => t.Status == TaskRunStatus.Completed && t.TaskType != resumeFrom && definition.FindTask(t.TaskType) is not null)
                    .OrderBy(t => t.EndedAt).ThenBy(t => t.TaskType, StringComparer.Ordinal)
                    .Select(t => new CarriedTask(t.TaskType, t.ExitCode, asked.Carried.FirstOrDefault(c => c.TaskType == t.TaskType)?.FromJobId ?? asked.JobId) { Outputs = t.Outputs })
                    .ToList();
        }

        var rootId = root.JobId;
        // The retry asks what the retried job asked (its priority, queue, lock, batch parent, …), with the new parameters,
        // definition and asker; it starts at once.
        var newJob = new RequestJob(request.NewJobId, definition, asked.Request with
        {
            Params = parameters,
            SubmittedBy = request.RequestedBy,
            SubmitterId = request.RequesterId,
            DefinitionVersion = version,
            ScheduledAt = null,
            RetryOf = asked.JobId,
            RetryRoot = rootId,
        })
        {
            ResumeFrom = resumeFrom,
            Carried = carried,
        };
        var retried = new JobRetried(rootId, context.Now, request.NewJobId, asked.JobId, request.RequestedBy, !own, changed, asked.Request.DefinitionVersion, version)
        {
            ResumeFrom = resumeFrom,
            ResourcesChanged = resourcesChanged,
        };
        return new RetryDecision(newJob, retried, null);
    }

    /// <summary>
    /// True when the job completed with errors: tasks whose failure <c>allow_failure</c> ignored. The Job API seed: "A job
    /// can go to 'completed' state even though there are errors … In that event, failed records can be retried."
    /// </summary>
    /// <param name="job">The job.</param>
    public static bool CompletedWithErrors(JobState job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Status == JobStatus.Completed && job.Ignored > 0;
    }

    /// <summary>
    /// Why the job may not be retried by anyone (not ended failed or cancelled or completed with errors, a batch parent, its root at
    /// <c>max_manual_retries</c>), or null when a retry would be accepted (the caller's rights aside; one retry of a
    /// root in flight is the store's to enforce).
    /// </summary>
    /// <param name="asked">The job to retry.</param>
    /// <param name="root">Its lineage's root (the same job when it is not a retry).</param>
    public static RetryRefusal? CanRetry(JobState asked, JobState root)
    {
        ArgumentNullException.ThrowIfNull(asked);
        ArgumentNullException.ThrowIfNull(root);
        if (asked.Status is not (JobStatus.Failed or JobStatus.Cancelled) && !CompletedWithErrors(asked))
        {
            return new RetryRefusal(RetryRefusalReason.NotRetriable, asked.Status is JobStatus.Completed
                ? $"Job {asked.JobId} is completed with no failed task; only a failed or cancelled job, or a completed one whose allow_failure tasks failed, can be retried."
                : $"Job {asked.JobId} is {Lower(asked.Status)}; only a failed or cancelled job can be retried. Wait for it to end, or cancel it first.");
        }

        if (asked.Definition!.Tasks.FirstOrDefault(t => t.EffectiveMethod == Definitions.TaskMethod.ForkJob) is { } fork)
        {
            return new RetryRefusal(RetryRefusalReason.BatchParent,
                $"Job {asked.JobId} is a batch parent (task '{fork.TaskType}' forks {fork.ForkJobType} jobs); it cannot be retried as a whole. Retry its failed children instead: a child's retry joins this batch as a new child.");
        }

        if (root.Definition?.MaxManualRetries is { } max && root.RetryIds.Count >= max)
        {
            return new RetryRefusal(RetryRefusalReason.MaxRetries,
                $"Job {root.JobId} has been retried {root.RetryIds.Count} time{(root.RetryIds.Count == 1 ? string.Empty : "s")}, the most its definition allows (max_manual_retries: {max}). Fix the cause, then submit a new job.");
        }

        return null;
    }

    private static RetryDecision Refuse(RetryRefusalReason reason, string message) => new(null, null, new RetryRefusal(reason, message));

    private static string Lower(JobStatus status) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());
}
