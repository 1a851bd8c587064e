using System.Text.Json;
using Workflows.Api.Contracts;
using Workflows.Api.Security;
using Workflows.Definitions;
using Workflows.Executors.Artifacts;
using Workflows.Marten;
using Workflows.Marten.Configs;
using Workflows.Marten.Definitions;
using Workflows.Marten.Logs;
using Workflows.Marten.Tokens;
using Workflows.Runtime;
using Workflows.Yaml;

namespace Workflows.Api.Operations;

/// <summary>
/// What the API does, once: the HTTP endpoints translate requests into these calls and write the result as it is; the
/// command line calls the same against the embedded default. Every refusal is an <see cref="ApiError"/> that names the
/// problem and the fix; nothing is stored when a request is refused.
/// </summary>
/// <param name="jobs">The job store.</param>
/// <param name="client">Submits jobs.</param>
/// <param name="definitions">Stored definitions.</param>
/// <param name="tokens">API tokens.</param>
/// <param name="logs">Task logs.</param>
/// <param name="artifacts">Artifacts.</param>
/// <param name="workflows">This host's compiled workflows.</param>
/// <param name="configs">Job configs and the host's secrets.</param>
/// <param name="options">The host's options (its execution policy, for upload warnings).</param>
public sealed partial class WorkflowsOperations(
    JobStore jobs, WorkflowClient client, DefinitionStore definitions, TokenStore tokens, TaskLogs logs, IArtifactStore artifacts, IEnumerable<Workflow> workflows, JobConfigs configs,
    Microsoft.Extensions.Options.IOptions<WorkflowsOptions> options)
{
    private const int MaxParams = 256;
    private const int MaxParamLength = 64 * 1024;
    private const int MaxBulkRetry = 1000;

    // Bounds on what one job carries, so that one list page (at most 500 jobs) stays a few MiB.
    private const int MaxParamsChars = 64 * 1024;
    private const int MaxDescription = 4096;
    private const int MaxLockKey = 200;
    private const int MaxPageChars = 4 * 1024 * 1024;

    // ------------------------------------------------------------------ definitions

    /// <summary>Validates and stores a YAML (or JSON) definition: 201 for a new version, 200 when the same text is stored already, 400 with every diagnostic.</summary>
    /// <param name="caller">Who uploads.</param>
    /// <param name="text">The definition's text.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<DefinitionDto>> UploadDefinitionAsync(ApiCaller caller, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (string.IsNullOrWhiteSpace(text))
        {
            return ApiResult<DefinitionDto>.Fail(400, "empty_definition", "The request body is empty: send the job definition as YAML (Content-Type: application/yaml) or JSON.");
        }

        var loaded = YamlJobLoader.Load(text, "upload");
        var diagnostics = loaded.Problems.Select(ToDto).ToList();
        if (!loaded.Succeeded)
        {
            var errors = loaded.Problems.Count(p => p.IsError);
            return ApiResult<DefinitionDto>.Fail(400, new ApiError(
                $"The definition has {errors} error{(errors == 1 ? string.Empty : "s")}; nothing was stored. Fix each diagnostic (line and column are in the uploaded text) and upload again.",
                "invalid_definition") { Diagnostics = diagnostics });
        }

        var definition = loaded.Definition!;
        if (MayNotDefine<DefinitionDto>(caller, definition.JobType, "upload definitions") is { } notAllowed)
        {
            return notAllowed;
        }

        if (client.IsCompiled(definition.JobType))
        {
            return ApiResult<DefinitionDto>.Fail(409, "compiled_job_type",
                $"Job type '{definition.JobType}' is a compiled C# workflow of this host; an uploaded definition cannot replace it. Give the upload another job_type, or change the C# workflow.");
        }

        (StoredDefinition Stored, bool Created) saved;
        try
        {
            saved = await definitions.SaveAsync(definition, text, caller.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            return ApiResult<DefinitionDto>.Fail(409, "concurrent_upload", e.Message);
        }

        var result = await GetDefinitionAsync(definition.JobType, cancellationToken).ConfigureAwait(false);
        var refused = options.Value.Execution.Refusals(definition);
        return ApiResult<DefinitionDto>.Ok(
            result.Value! with { Created = saved.Created, Diagnostics = diagnostics.Count == 0 ? null : diagnostics, HostWarnings = refused.Count == 0 ? null : refused },
            saved.Created ? 201 : 200);
    }

    /// <summary>Every job type: the stored ones and this host's compiled workflows.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<IReadOnlyList<DefinitionSummaryDto>>> ListDefinitionsAsync(CancellationToken cancellationToken = default)
    {
        var stored = await definitions.ListAsync(cancellationToken).ConfigureAwait(false);
        var list = stored.Select(t => new DefinitionSummaryDto(t.Id, "stored", t.LatestVersion, t.Disabled))
            .Concat(workflows.Select(w => new DefinitionSummaryDto(w.Definition.JobType, "compiled", null, false)))
            .OrderBy(d => d.JobType, StringComparer.Ordinal)
            .ToList();
        return ApiResult<IReadOnlyList<DefinitionSummaryDto>>.Ok(list);
    }

    /// <summary>A job type with its version history.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<DefinitionDto>> GetDefinitionAsync(string jobType, CancellationToken cancellationToken = default)
    {
        if (client.IsCompiled(jobType))
        {
            return ApiResult<DefinitionDto>.Ok(new DefinitionDto(jobType, "compiled", false, null, []));
        }

        var type = await definitions.GetTypeAsync(jobType, cancellationToken).ConfigureAwait(false);
        if (type is null)
        {
            return NoSuchDefinition<DefinitionDto>(jobType);
        }

        var versions = (await definitions.VersionsAsync(jobType, cancellationToken).ConfigureAwait(false)).Select(ToDto).ToList();
        return ApiResult<DefinitionDto>.Ok(new DefinitionDto(jobType, "stored", type.Disabled, versions.LastOrDefault(), versions));
    }

    /// <summary>One stored version, with the text that was uploaded.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<DefinitionVersionDto>> GetDefinitionVersionAsync(string jobType, int version, CancellationToken cancellationToken = default)
    {
        var stored = await definitions.GetAsync(jobType, version, cancellationToken).ConfigureAwait(false);
        return stored is null
            ? ApiResult<DefinitionVersionDto>.Fail(404, "not_found", $"Job type '{jobType}' has no version {version}. GET /api/jobs/definitions/{jobType} lists its versions.")
            : ApiResult<DefinitionVersionDto>.Ok(ToDto(stored) with { Source = stored.Source });
    }

    /// <summary>Disables (or enables) new jobs of a stored type; needs the define scope for the type.</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="jobType">The job type.</param>
    /// <param name="disabled">True to disable.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<DefinitionDto>> SetDefinitionDisabledAsync(ApiCaller caller, string jobType, bool disabled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (MayNotDefine<DefinitionDto>(caller, jobType, disabled ? "disable jobs" : "enable jobs") is { } refused)
        {
            return refused;
        }

        if (client.IsCompiled(jobType))
        {
            return ApiResult<DefinitionDto>.Fail(409, "compiled_job_type", $"Job type '{jobType}' is a compiled C# workflow of this host; it cannot be disabled through the API.");
        }

        return await definitions.SetDisabledAsync(jobType, disabled, cancellationToken).ConfigureAwait(false)
            ? await GetDefinitionAsync(jobType, cancellationToken).ConfigureAwait(false)
            : NoSuchDefinition<DefinitionDto>(jobType);
    }

    // ------------------------------------------------------------------ job requests

    /// <summary>Submits a job of a stored or compiled type: 201 with the job, 400 for bad input, 404 for an unknown type, 409 for a disabled one.</summary>
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

        string id;
        try
        {
            id = await client.SubmitAsync(
                new JobSubmission(body.JobType)
                {
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
        return ApiResult<JobDto>.Ok(JobMapping.ToDto(view!), 201);
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
        var root = state.RetryRoot is { } rootId ? JobDecider.Fold(await jobs.EventsAsync(rootId, cancellationToken).ConfigureAwait(false)) : state;
        var job = JobMapping.ToDto(view!, events) with
        {
            Retriable = JobDecider.CanRetry(state, root) is null
                && await jobs.InFlightRetryAsync(root.JobId, cancellationToken).ConfigureAwait(false) is null,
        };
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

        var events = await ExecuteAsync(id, new CancelJob(), cancellationToken).ConfigureAwait(false);
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
            .Select(a => new ArtifactDto(a.TaskType, a.Attempt, a.Name, a.Size, a.Sha256, a.CreatedAt, a.ExpiresAt,
                $"/api/jobs/requests/{id}/artifacts/{Uri.EscapeDataString(a.TaskType)}/{a.Attempt}/{string.Join('/', a.Name.Split('/').Select(Uri.EscapeDataString))}"))
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

    // ------------------------------------------------------------------ retries

    /// <summary>
    /// Retries a failed or cancelled job: a new job linked to it and to its lineage's root (201), written with the
    /// root's <c>job_retried</c> event in one transaction. 409 while it runs or while another retry of the root is in
    /// flight (naming it); 403 for another token's job unless an admin says <c>as_admin</c>.
    /// </summary>
    /// <param name="caller">Who asks (recorded on the retry).</param>
    /// <param name="id">The job to retry.</param>
    /// <param name="body">Overrides and the admin flag.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<JobDto>> RetryAsync(ApiCaller caller, string id, RetryBody body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(body);
        var view = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (Missing<JobDto>(id, view) is { } missing)
        {
            return missing;
        }

        if (ParseParams(body.Params) is not { } parameters)
        {
            return ParamsError<JobDto>(body.Params!);
        }

        var request = new RetryRequest(Guid.CreateVersion7().ToString("N"), caller.Name, caller.Admin, body.AsAdmin)
        {
            RequesterId = caller.TokenId, Params = parameters, Resume = body.Resume,
        };
        if (body.Resources is { Count: > 0 } resources)
        {
            if (resources.FirstOrDefault(r => r.Value is null || (r.Value.CpuLimit is null && r.Value.MemoryLimit is null)) is { Key: { } empty })
            {
                return ApiResult<JobDto>.Fail(400, "bad_resources", $"resources for task '{empty}' change nothing: give cpu_limit (e.g. \"2\") or memory_limit (e.g. \"1Gi\").");
            }

            request = request with { Resources = resources.ToDictionary(r => r.Key, r => new ContainerLimitsOverride(r.Value.CpuLimit, r.Value.MemoryLimit)) };
        }
        switch (body.Definition)
        {
            case null or "pinned":
                break;
            case "latest":
                try
                {
                    request = request with { Definition = await client.ResolveAsync(view!.JobType, cancellationToken).ConfigureAwait(false) };
                }
                catch (UnknownJobTypeException e)
                {
                    return ApiResult<JobDto>.Fail(409, "unknown_job_type", e.Message);
                }
                catch (JobTypeDisabledException e)
                {
                    return ApiResult<JobDto>.Fail(409, "job_type_disabled", e.Message);
                }

                break;
            default:
                return ApiResult<JobDto>.Fail(400, "bad_definition_choice", $"definition '{body.Definition}' is neither 'pinned' (the retried job's version, the default) nor 'latest'.");
        }

        var decision = await jobs.RetryAsync(id, request, cancellationToken).ConfigureAwait(false);
        if (decision is null)
        {
            return Missing<JobDto>(id, null)!;
        }

        if (decision.Refusal is { } refusal)
        {
            return RetryRefusals.ToResult<JobDto>(refusal);
        }

        var retry = await GetJobAsync(request.NewJobId, cancellationToken).ConfigureAwait(false);
        return retry.IsSuccess ? ApiResult<JobDto>.Ok(retry.Value!, 201) : retry;
    }

    /// <summary>Retries a retry of a job (<c>POST …/{id}/retries/{retryId}/retry</c>); the new job lands on the root.</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="id">A job of the lineage.</param>
    /// <param name="retryId">One of the root's retries.</param>
    /// <param name="body">Overrides and the admin flag.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<JobDto>> RetryRetryAsync(ApiCaller caller, string id, string retryId, RetryBody body, CancellationToken cancellationToken = default)
    {
        var view = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (Missing<JobDto>(id, view) is { } missing)
        {
            return missing;
        }

        var root = view!.RetryRoot is { } rootId ? await jobs.GetAsync(rootId, cancellationToken).ConfigureAwait(false) : view;
        if (root is null || !root.RetryIds.Contains(retryId))
        {
            return ApiResult<JobDto>.Fail(404, "not_a_retry", $"Job {retryId} is not a retry of job {id}'s lineage (root {root?.Id ?? id}). GET /api/jobs/requests/{id}/lineage lists its retries.");
        }

        return await RetryAsync(caller, retryId, body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Retries the failed and cancelled retries of a job's lineage (<c>PUT …/{id}/retries/retry</c>), answered per
    /// retry, with the body's admin flag and resume choice.
    /// </summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="id">A job of the lineage.</param>
    /// <param name="body">as_admin and resume (params and definition do not apply to many).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<BulkRetryDto>> RetryFailedRetriesAsync(ApiCaller caller, string id, RetryBody body, CancellationToken cancellationToken = default)
    {
        var view = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (Missing<BulkRetryDto>(id, view) is { } missing)
        {
            return missing;
        }

        var root = view!.RetryRoot is { } rootId ? await jobs.GetAsync(rootId, cancellationToken).ConfigureAwait(false) : view;
        var failed = new List<string>();
        foreach (var retryId in root?.RetryIds ?? [])
        {
            if ((await jobs.GetAsync(retryId, cancellationToken).ConfigureAwait(false))?.Status is JobStatus.Failed or JobStatus.Cancelled)
            {
                failed.Add(retryId);
            }
        }

        ArgumentNullException.ThrowIfNull(body);
        return await RetryManyAsync(caller, new BulkRetryBody { Ids = failed, AsAdmin = body.AsAdmin, Resume = body.Resume }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Retries many jobs (<c>POST /api/jobs/requests/retry</c>), each on its own as <see cref="RetryAsync"/> would, and
    /// answers per id in the order asked: never all-or-nothing. Retries only queue new jobs, so the call returns once
    /// they are queued, whatever they run.
    /// </summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="body">The ids.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<BulkRetryDto>> RetryManyAsync(ApiCaller caller, BulkRetryBody body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (body.Ids is null)
        {
            return ApiResult<BulkRetryDto>.Fail(400, "missing_ids", "The request has no ids: send {\"ids\": [\"<job id>\", …]}.");
        }

        if (body.Ids.Count > MaxBulkRetry)
        {
            return ApiResult<BulkRetryDto>.Fail(400, "too_many_ids", $"The request has {body.Ids.Count} ids; at most {MaxBulkRetry} are retried at once. Split the list.");
        }

        var results = new BulkRetryItemDto[body.Ids.Count];
        await Parallel.ForAsync(0, body.Ids.Count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var id = body.Ids[i] ?? string.Empty;
            var result = await RetryAsync(caller, id, new RetryBody { AsAdmin = body.AsAdmin, Resume = body.Resume }, ct).ConfigureAwait(false);
            results[i] = result.IsSuccess
                ? new BulkRetryItemDto(id, result.Status) { RetryId = result.Value!.Id }
                : new BulkRetryItemDto(id, result.Status) { Error = result.Error };
        }).ConfigureAwait(false);
        var retried = results.Count(r => r.RetryId is not null);
        return ApiResult<BulkRetryDto>.Ok(new BulkRetryDto(results, retried, results.Length - retried));
    }

    /// <summary>A job's lineage: its root and every retry of the root, in order, with pointers to the latest, effective and in-flight job.</summary>
    /// <param name="id">Any job of the lineage.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<LineageDto>> LineageAsync(string id, CancellationToken cancellationToken = default)
    {
        var view = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (view is null)
        {
            return Missing<LineageDto>(id, view)!;
        }

        var rootId = view.RetryRoot ?? id;
        var rootEvents = await jobs.EventsAsync(rootId, cancellationToken).ConfigureAwait(false);
        var retried = rootEvents.OfType<JobRetried>().ToDictionary(e => e.RetryJobId);
        var lineage = new List<LineageJobDto>();
        foreach (var jobId in new[] { rootId }.Concat(retried.Keys))
        {
            var events = jobId == rootId ? rootEvents : await jobs.EventsAsync(jobId, cancellationToken).ConfigureAwait(false);
            var state = JobDecider.Fold(events);
            var retry = retried.GetValueOrDefault(jobId);
            lineage.Add(new LineageJobDto
            {
                Id = jobId,
                RetryOf = state.RetryOf,
                Status = state.Status,
                ErrorCode = state.ErrorCode,
                SubmittedBy = state.SubmittedBy,
                DefinitionVersion = state.DefinitionVersion,
                JobAttempts = events.OfType<JobStarted>().Count() + events.OfType<JobRetryScheduled>().Count(),
                TaskAttempts = events.OfType<TaskExited>().Count(),
                Attempts = JobMapping.Attempts(events),
                ParamsChanged = retry?.ParamsChanged,
                AsAdmin = retry?.AsAdmin,
                ResumedFrom = retry?.ResumeFrom,
                ResourcesChanged = retry?.ResourcesChanged,
                CreatedAt = state.CreatedAt,
                EndedAt = state.EndedAt,
            });
        }

        var latest = lineage[^1].Id;
        var effective = lineage.LastOrDefault(j => j.Status == JobStatus.Completed)?.Id ?? latest;
        var inFlight = await jobs.InFlightRetryAsync(rootId, cancellationToken).ConfigureAwait(false);
        return ApiResult<LineageDto>.Ok(new LineageDto(rootId, retried.Count, latest, effective, inFlight, lineage));
    }

    // ------------------------------------------------------------------ tokens

    /// <summary>Creates a token (admin only through the API; the CLI on the host's database may create the first one).</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="body">Name and kind.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<TokenDto>> CreateTokenAsync(ApiCaller caller, TokenRequestBody body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(body);
        if (AdminOnly<TokenDto>(caller, "create tokens") is { } refused)
        {
            return refused;
        }

        try
        {
            var scopes = body.Admin ? [.. body.Scopes ?? [], TokenScopes.Admin] : body.Scopes;
            var (token, text) = await tokens.CreateAsync(body.Name ?? string.Empty, scopes, cancellationToken).ConfigureAwait(false);
            return ApiResult<TokenDto>.Ok(ToDto(token) with { Token = text }, 201);
        }
        catch (ArgumentException e)
        {
            var taken = e.Message.Contains("exists already", StringComparison.Ordinal);
            return ApiResult<TokenDto>.Fail(taken ? 409 : 400, e.ParamName == "requested" ? "bad_token_scope" : "bad_token_name", e.Message.Split(" (Parameter", 2)[0]);
        }
    }

    /// <summary>Every token, without secrets (admin only).</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<IReadOnlyList<TokenDto>>> ListTokensAsync(ApiCaller caller, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (AdminOnly<IReadOnlyList<TokenDto>>(caller, "list tokens") is { } refused)
        {
            return refused;
        }

        return ApiResult<IReadOnlyList<TokenDto>>.Ok((await tokens.ListAsync(cancellationToken).ConfigureAwait(false)).Select(ToDto).ToList());
    }

    /// <summary>Revokes a token by name or id (admin only).</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="nameOrId">The token's name or id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<TokenDto>> RevokeTokenAsync(ApiCaller caller, string nameOrId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (AdminOnly<TokenDto>(caller, "revoke tokens") is { } refused)
        {
            return refused;
        }

        var revoked = await tokens.RevokeAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        return revoked is null
            ? ApiResult<TokenDto>.Fail(404, "not_found", $"No live token is named or has the id '{nameOrId}'. `workflows tokens list` shows them.")
            : ApiResult<TokenDto>.Ok(ToDto(revoked));
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>Parameters as strings, or null when one is not a string, number or boolean, or too long, or too many.</summary>
    private static Dictionary<string, string>? ParseParams(Dictionary<string, JsonElement>? values)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in values ?? [])
        {
            string? text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            };
            if (text is null || text.Length > MaxParamLength || key.Length is 0 or > 200)
            {
                return null;
            }

            parameters[key] = text;
        }

        return parameters.Count > MaxParams || parameters.Sum(p => (long)p.Key.Length + p.Value.Length) > MaxParamsChars ? null : parameters;
    }

    private static ApiResult<T> ParamsError<T>(Dictionary<string, JsonElement> values)
    {
        if (values.Count > MaxParams)
        {
            return ApiResult<T>.Fail(400, "bad_params", $"The request has {values.Count} parameters; at most {MaxParams} are accepted.");
        }

        if (values.All(p => p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
            && (p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()!.Length : p.Value.GetRawText().Length) <= MaxParamLength && p.Key.Length is > 0 and <= 200))
        {
            return ApiResult<T>.Fail(400, "bad_params",
                $"The parameters take more than {MaxParamsChars} characters in all (names and values); keep large data out of parameters: store it where the job can fetch it and pass its address.");
        }

        var (key, value) = values.First(p => p.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            || (p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()!.Length : p.Value.GetRawText().Length) > MaxParamLength || p.Key.Length is 0 or > 200);
        return value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
            ? ApiResult<T>.Fail(400, "bad_params", $"Parameter '{Truncate(key)}' is too long or has an empty name: names take 1 to 200 characters, values at most {MaxParamLength} characters.")
            : ApiResult<T>.Fail(400, "bad_params",
                $"Parameter '{key}' is {value.ValueKind.ToString().ToLowerInvariant()}; parameters must be strings, numbers or booleans (they fill template variables such as {{{{.{key}}}}}). Send it as a string, e.g. JSON-encoded.");
    }

    private async Task<IReadOnlyList<JobEvent>?> ExecuteAsync(string id, JobCommand command, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await jobs.ExecuteAsync(id, command, cancellationToken).ConfigureAwait(false);
            }
            catch (JobConcurrencyException) when (attempt < 5)
            {
                // A worker recorded something first: decide again on the new state.
            }
        }
    }

    private static ApiResult<T>? Missing<T>(string id, JobView? view) => view switch
    {
        null => ApiResult<T>.Fail(404, "not_found", $"No job has the id '{id}'. GET /api/jobs/requests lists jobs."),
        { ArchivedAt: { } at } => ApiResult<T>.Fail(410, "deleted", $"Job {id} was deleted at {at:O}; its events are archived in the database, not served."),
        _ => null,
    };

    private static ApiResult<T>? Forbidden<T>(ApiCaller caller, JobView view, string verb) => caller.MayChange(view.SubmitterId)
        ? null
        : ApiResult<T>.Fail(403, "forbidden",
            $"Token '{caller.Name}' may not {verb} job {view.Id}: it was submitted by {(view.SubmittedBy is { } by ? $"token '{by}'{(view.SubmitterId is { } tid ? $" (id {tid})" : string.Empty)}" : "the host itself")}. Use that token or an admin token.");

    private static ApiResult<T>? MayNotDefine<T>(ApiCaller caller, string jobType, string verb) => caller.MayDefine(jobType)
        ? null
        : ApiResult<T>.Fail(403, "forbidden",
            $"Token '{caller.Name}' may not {verb} of job type '{jobType}': that needs the 'define' scope for every job type or 'define:{jobType}', and the token has {string.Join(", ", caller.Scopes)}. An admin creates such a token with `workflows tokens create NAME --scope define:{jobType}`.");

    private static ApiResult<T>? AdminOnly<T>(ApiCaller caller, string verb) => caller.Admin
        ? null
        : ApiResult<T>.Fail(403, "forbidden", $"Only an admin token may {verb}; token '{caller.Name}' is not one. An admin creates one with `workflows tokens create NAME --admin`.");

    private static ApiResult<T>? TooLong<T>(string? description, string? lockKey) =>
        description?.Length > MaxDescription
            ? ApiResult<T>.Fail(400, "bad_description", $"description has {description.Length} characters; at most {MaxDescription} are accepted. Shorten it.")
            : lockKey?.Length > MaxLockKey
                ? ApiResult<T>.Fail(400, "bad_lock_key", $"lock_key has {lockKey.Length} characters; at most {MaxLockKey} are accepted (a key names what must not run twice at once, e.g. 'deploy-prod').")
                : null;

    private static ApiResult<JobDto> NotQueued(string id, JobStatus status) =>
        ApiResult<JobDto>.Fail(409, "job_not_queued", $"Job {id} is {Lower(status)}; only a queued job can be updated.");

    private static ApiResult<T> NoSuchDefinition<T>(string jobType) =>
        ApiResult<T>.Fail(404, "not_found", $"No definition has the job type '{jobType}'. Upload it with POST /api/jobs/definitions (YAML body).");

    private static string Lower(JobStatus status) => JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static DiagnosticDto ToDto(LocatedProblem p) =>
        new(p.Id, p.Problem.Severity.ToString().ToLowerInvariant(), p.Problem.Message, p.Line, p.Column);

    private static DefinitionVersionDto ToDto(StoredDefinition d) =>
        new(d.JobType, d.Version, d.CreatedAt, d.CreatedBy, d.Sha256, d.Definition.Tasks.Select(t => t.TaskType).ToList());

    private static TokenDto ToDto(ApiToken t) => new(t.Id, t.Name, t.Admin, t.CreatedAt, t.RevokedAt) { Scopes = TokenScopes.Of(t) };
}
