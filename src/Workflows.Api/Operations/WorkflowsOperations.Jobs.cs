using Workflows.Api.Contracts;
using Workflows.Api.Security;
using Workflows.Definitions;
using Workflows.Executors.Artifacts;
using Workflows.Marten;
using Workflows.Marten.Definitions;
using Workflows.Marten.Logs;
using Workflows.Marten.Tokens;
using Workflows.Runtime;

namespace Workflows.Api.Operations;

/// <summary>Job requests: submit, list, get, update, cancel, delete, events, logs, artifacts.</summary>
public sealed partial class WorkflowsOperations
{
    /// <summary>
    /// Submits a job of a stored or compiled type: 201 with the job; 200 with the queued or running job of the type that
    /// holds the request's <c>user_key</c> (nothing submitted); 400 for bad input, 404 for an unknown type, 409 for a disabled one.
    /// </summary>
    /// <param name="caller">Who asks (recorded on the job).</param>
    /// <param name="body">The request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<JobDto>> SubmitAsync(ApiCaller caller, JobRequestBody body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(body);
        if (string.IsNullOrWhiteSpace(body.JobType))
        {
            return ApiResult<JobDto>.Fail(400, "missing_job_type", "The request has no job_type: send {\"job_type\": \"retry-job\", \"params\": {\"Key\": \"Value\"}}.");
        }

        if (ParseParams(body.Params) is not { } parameters)
        {
            return ParamsError<JobDto>(body.Params!);
        }

        var queue = body.Queue ?? "default";
        if (queue.Length is 0 or > 100)
        {
            return ApiResult<JobDto>.Fail(400, "bad_queue", "queue must have 1 to 100 characters (or be left out for 'default').");
        }

        if (TooLong<JobDto>(body.Description, body.LockKey) is { } tooLong)
        {
            return tooLong;
        }

        if (body.UserKey?.Length > MaxUserKey)
        {
            return ApiResult<JobDto>.Fail(400, "bad_user_key", $"user_key has {body.UserKey.Length} characters; at most {MaxUserKey} are accepted (a key names one request, e.g. 'nightly-2024-05-01').");
        }

        // The new job's id is chosen here, so an answer with another id is the queued or running job that holds the user key.
        var newId = Guid.CreateVersion7().ToString("N");
        string id;
        try
        {
            id = await client.SubmitAsync(
                new JobSubmission(body.JobType)
                {
                    JobId = newId,
                    UserKey = string.IsNullOrEmpty(body.UserKey) ? null : body.UserKey,
                    Params = parameters,
                    Priority = body.Priority ?? 0,
                    Queue = queue,
                    Description = body.Description,
                    ScheduledAt = body.ScheduledAt,
                    SubmittedBy = caller.Name,
                    SubmitterId = caller.TokenId,
                    LockKey = string.IsNullOrWhiteSpace(body.LockKey) ? null : body.LockKey,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (UnknownJobTypeException e)
        {
            return ApiResult<JobDto>.Fail(404, "unknown_job_type", e.Message);
        }
        catch (JobTypeDisabledException e)
        {
            return ApiResult<JobDto>.Fail(409, "job_type_disabled", e.Message);
        }
        catch (MissingParamsException e)
        {
            return ApiResult<JobDto>.Fail(400, "missing_params", e.Message);
        }

        var view = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return ApiResult<JobDto>.Ok(JobMapping.ToDto(view!), id == newId ? 201 : 200);
    }

    /// <summary>A page of jobs, newest first.</summary>
    /// <param name="query">Filters and page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<JobListDto>> ListJobsAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (page, total) = await jobs.ListAsync(query, cancellationToken).ConfigureAwait(false);
        var listed = new List<JobDto>();
        var chars = 0L;
        foreach (var view in page)
        {
            chars += 1024 + (view.Description?.Length ?? 0) + view.Params.Sum(p => p.Key.Length + p.Value.Length);
            if (listed.Count > 0 && chars > MaxPageChars)
            {
                break; // bounded answer: the rest is on the next page (next_offset)
            }

            listed.Add(JobMapping.ToDto(view));
        }

        var next = query.Offset + listed.Count;
        return ApiResult<JobListDto>.Ok(new JobListDto(listed, total, query.Offset, Math.Clamp(query.Limit, 1, 500)) { NextOffset = next < total ? next : null });
    }

    /// <summary>One job with its tasks and every attempt.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<JobDto>> GetJobAsync(string id, CancellationToken cancellationToken = default)
    {
        var view = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (Missing<JobDto>(id, view) is { } missing)
        {
            return missing;
        }

        var events = await jobs.EventsAsync(id, cancellationToken).ConfigureAwait(false);
        var state = JobDecider.Fold(events);
        var root = state.Request.RetryRoot is { } rootId ? JobDecider.Fold(await jobs.EventsAsync(rootId, cancellationToken).ConfigureAwait(false)) : state;
        var job = JobMapping.ToDto(view!, events) with
        {
            Retriable = JobDecider.CanRetry(state, root) is null
                && await jobs.InFlightRetryAsync(root.JobId, cancellationToken).ConfigureAwait(false) is null,
        };
        if (!state.IsFinished && state.Definition?.Tasks.Any(t => !t.Tags.IsEmpty) == true
            && await jobs.WaitingForTagsAsync(id, cancellationToken).ConfigureAwait(false) is { Count: > 0 } waiting)
        {
            job = job with { Tasks = job.Tasks?.Select(t => waiting.TryGetValue(t.TaskType, out var tags) ? t with { WaitingForTags = tags } : t).ToList() };
        }

        if (state.Definition?.Tasks.Any(t => t.EffectiveMethod == TaskMethod.ForkJob) == true)
        {
            job = job with { Children = (await jobs.ChildrenAsync(id, cancellationToken).ConfigureAwait(false)).Select(c => c.Id).ToList() };
        }

        return ApiResult<JobDto>.Ok(job);
    }

    /// <summary>Changes a queued job (priority, description, earliest start): 409 once it started.</summary>
    /// <param name="caller">Who asks: the submitter or an admin.</param>
    /// <param name="id">The job's id.</param>
    /// <param name="body">The changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<JobDto>> UpdateJobAsync(ApiCaller caller, string id, JobUpdateBody body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(body);
        var view = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if ((Missing<JobDto>(id, view) ?? Forbidden<JobDto>(caller, view!, "update")) is { } refused)
        {
            return refused;
        }

        if (body.Priority is null && body.Description is null && body.ScheduledAt is null)
        {
            return ApiResult<JobDto>.Fail(400, "empty_update", "Nothing to change: send one or more of priority, description, scheduled_at.");
        }

        if (TooLong<JobDto>(body.Description, null) is { } tooLong)
        {
            return tooLong;
        }

        // The decider says whether the job may still change (only while queued); no events means it may not.
        var events = await ExecuteAsync(id, new UpdateQueuedJob(body.Priority, body.Description, body.ScheduledAt), cancellationToken).ConfigureAwait(false);
        if (events is null || events.Count == 0)
        {
            var now = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
            return NotQueued(id, now?.Status ?? JobStatus.None);
        }

        return await GetJobAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Cancels a job: a queued one at once, a running one stops its tasks and runs its cleanup. 409 when it has ended.</summary>
    /// <param name="caller">Who asks: the submitter or an admin.</param>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<JobDto>> CancelJobAsync(ApiCaller caller, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var view = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if ((Missing<JobDto>(id, view) ?? Forbidden<JobDto>(caller, view!, "cancel")) is { } refused)
        {
            return refused;
        }

        var events = await ExecuteAsync(id, new CancelJob { RequestedBy = caller.Name }, cancellationToken).ConfigureAwait(false);
        var result = await GetJobAsync(id, cancellationToken).ConfigureAwait(false);
        if (events is not { Count: > 0 } && result.Value?.Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled)
        {
            // The decider took no cancellation: the job had already ended.
            return ApiResult<JobDto>.Fail(409, "job_finished", $"Job {id} has already ended ({Lower(result.Value.Status)}); there is nothing to cancel.");
        }

        return result.IsSuccess ? ApiResult<JobDto>.Ok(result.Value!, 202) : result;
    }

    /// <summary>Deletes a finished job: its stream is archived (kept, no longer listed). 409 while it runs.</summary>
    /// <param name="caller">Who asks: the submitter or an admin.</param>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<bool>> DeleteJobAsync(ApiCaller caller, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var view = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if ((Missing<bool>(id, view) ?? Forbidden<bool>(caller, view!, "delete")) is { } refused)
        {
            return refused;
        }

        return await jobs.ArchiveAsync(id, cancellationToken).ConfigureAwait(false)
            ? ApiResult<bool>.Ok(true, 204)
            : ApiResult<bool>.Fail(409, "job_not_finished", $"Job {id} is {Lower(view!.Status)}; only a finished job can be deleted. Cancel it first (POST /api/jobs/requests/{id}/cancel).");
    }

    /// <summary>The job's events, in order.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<IReadOnlyList<EventDto>>> EventsAsync(string id, CancellationToken cancellationToken = default)
    {
        var view = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (Missing<IReadOnlyList<EventDto>>(id, view) is { } missing)
        {
            return missing;
        }

        var events = await jobs.EventsAsync(id, cancellationToken).ConfigureAwait(false);
        return ApiResult<IReadOnlyList<EventDto>>.Ok(events.Select((e, i) => JobMapping.ToDto(e, i + 1)).ToList());
    }

    /// <summary>The job's task logs (one task's when <paramref name="taskType"/> is given), in order.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="taskType">The task, or null for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<IReadOnlyList<LogLineDto>>> LogsAsync(string id, string? taskType, CancellationToken cancellationToken = default)
    {
        var view = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (Missing<IReadOnlyList<LogLineDto>>(id, view) is { } missing)
        {
            return missing;
        }

        if (taskType is not null && !view!.Tasks.Any(t => t.TaskType == taskType))
        {
            var state = await jobs.StateAsync(id, cancellationToken).ConfigureAwait(false);
            if (state.Definition?.FindTask(taskType) is null)
            {
                return ApiResult<IReadOnlyList<LogLineDto>>.Fail(404, "unknown_task",
                    $"Job {id} has no task '{taskType}'. Its tasks: {string.Join(", ", state.Definition?.Tasks.Select(t => t.TaskType) ?? [])}.");
            }
        }

        var lines = await logs.ReadAsync(id, taskType, cancellationToken).ConfigureAwait(false);
        return ApiResult<IReadOnlyList<LogLineDto>>.Ok(lines
            .Select(l => new LogLineDto(l.TaskType, l.Attempt, l.Sequence, l.At, l.Source.ToString().ToLowerInvariant(), l.Line))
            .ToList());
    }

    /// <summary>The job's artifacts.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<IReadOnlyList<ArtifactDto>>> ArtifactsAsync(string id, CancellationToken cancellationToken = default)
    {
        var view = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (Missing<IReadOnlyList<ArtifactDto>>(id, view) is { } missing)
        {
            return missing;
        }

        var list = await artifacts.ListAsync(id, null, cancellationToken).ConfigureAwait(false);
        return ApiResult<IReadOnlyList<ArtifactDto>>.Ok(list
            .Select(a => new ArtifactDto(a.TaskType, a.Attempt, a.Name, a.Size, a.Sha256, a.CreatedAt, a.ExpiresAt, a.ApiPath))
            .ToList());
    }

    /// <summary>Finds one artifact to download.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="taskType">The task.</param>
    /// <param name="attempt">The attempt.</param>
    /// <param name="name">The artifact's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<(ArtifactInfo Info, Func<Stream> Open)>> ArtifactAsync(string id, string taskType, int attempt, string name, CancellationToken cancellationToken = default)
    {
        var view = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (Missing<(ArtifactInfo, Func<Stream>)>(id, view) is { } missing)
        {
            return missing;
        }

        // Routing leaves an escaped '/' (%2F) in a catch-all value as it was sent.
        name = name.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        var list = await artifacts.ListAsync(id, taskType, cancellationToken).ConfigureAwait(false);
        var info = list.FirstOrDefault(a => a.Attempt == attempt && a.Name == name);
        return info is null
            ? ApiResult<(ArtifactInfo, Func<Stream>)>.Fail(404, "not_found", $"Job {id} has no artifact '{name}' from task '{taskType}' attempt {attempt}. GET /api/jobs/requests/{id}/artifacts lists them.")
            : ApiResult<(ArtifactInfo, Func<Stream>)>.Ok((info, () => artifacts.OpenRead(info)));
    }
}
