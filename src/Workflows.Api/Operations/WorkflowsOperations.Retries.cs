using Workflows.Api.Contracts;
using Workflows.Api.Security;
using Workflows.Executors.Artifacts;
using Workflows.Marten;
using Workflows.Marten.Configs;
using Workflows.Marten.Definitions;
using Workflows.Marten.Logs;
using Workflows.Marten.Tokens;
using Workflows.Runtime;

namespace Workflows.Api.Operations;

/// <summary>Manual retries and lineage (docs/retries.md).</summary>
public sealed partial class WorkflowsOperations
{
    /// <summary>
    /// Retries a failed or cancelled job: a new job linked to it and to its lineage's root (200, as the Job API seed's
    /// table says for its retry endpoints), written with the
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
        return retry.IsSuccess ? ApiResult<JobDto>.Ok(retry.Value!, 200) : retry;
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
    /// Retries all the failed (and cancelled) retries of a job's lineage (<c>PUT …/{id}/retries/retry</c>), answered per
    /// retry, with the body's admin flag and resume choice. A lineage is linear and a retry re-runs the job it retries,
    /// so every failed retry but the lineage's newest job has already been retried by the retry after it (answered with
    /// <see cref="BulkRetryItemDto.RetriedBy"/>); the newest, when it is a failed retry, is retried now: one new job, as
    /// the one-retry-in-flight-per-root rule allows (docs/retries.md).
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

        ArgumentNullException.ThrowIfNull(body);
        var root = view!.RetryRoot is { } rootId ? await jobs.GetAsync(rootId, cancellationToken).ConfigureAwait(false) : view;
        var retries = root?.RetryIds ?? [];
        var results = new List<BulkRetryItemDto>();
        for (var i = 0; i < retries.Count; i++)
        {
            if ((await jobs.GetAsync(retries[i], cancellationToken).ConfigureAwait(false))?.Status is not (JobStatus.Failed or JobStatus.Cancelled))
            {
                continue;
            }

            if (i < retries.Count - 1)
            {
                results.Add(new BulkRetryItemDto(retries[i], 200) { RetriedBy = retries[i + 1] });
                continue;
            }

            var retried = await RetryAsync(caller, retries[i], new RetryBody { AsAdmin = body.AsAdmin, Resume = body.Resume }, cancellationToken).ConfigureAwait(false);
            results.Add(Item(retries[i], retried));
        }

        return ApiResult<BulkRetryDto>.Ok(Bulk(results));
    }

    private static BulkRetryItemDto Item(string id, ApiResult<JobDto> result) => result.IsSuccess
        ? new BulkRetryItemDto(id, result.Status) { RetryId = result.Value!.Id }
        : new BulkRetryItemDto(id, result.Status) { Error = result.Error };

    private static BulkRetryDto Bulk(IReadOnlyList<BulkRetryItemDto> results) =>
        new(results, results.Count(r => r.RetryId is not null), results.Count(r => r.Error is not null));

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
            results[i] = Item(id, await RetryAsync(caller, id, new RetryBody { AsAdmin = body.AsAdmin, Resume = body.Resume }, ct).ConfigureAwait(false));
        }).ConfigureAwait(false);
        return ApiResult<BulkRetryDto>.Ok(Bulk(results));
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
                RetryOf = state.Request.RetryOf,
                Status = state.Status,
                ErrorCode = state.ErrorCode,
                SubmittedBy = state.Request.SubmittedBy,
                DefinitionVersion = state.Request.DefinitionVersion,
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

    /// <summary>
    /// A page of lineages (roots that have been retried), the most recently changed first, read from the job views:
    /// two queries whatever the page holds (the page of roots, then all their jobs).
    /// </summary>
    /// <param name="offset">Lineages to skip.</param>
    /// <param name="limit">At most this many (1 to 200).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<LineageListDto>> ListLineagesAsync(int offset, int limit, CancellationToken cancellationToken = default)
    {
        if (offset < 0 || limit is < 1 or > 200)
        {
            return ApiResult<LineageListDto>.Fail(400, "bad_query", "offset must be 0 or more and limit from 1 to 200.");
        }

        var (roots, total) = await jobs.RetriedRootsAsync(offset, limit, cancellationToken).ConfigureAwait(false);
        var lineages = await jobs.LineagesAsync(roots, cancellationToken).ConfigureAwait(false);
        var page = new List<LineageSummaryDto>();
        foreach (var root in roots)
        {
            if (!lineages.TryGetValue(root, out var views) || views[0].Id != root)
            {
                continue; // the root's view is gone (never for a lineage written by the store)
            }

            var latest = views[^1];
            var effective = views.LastOrDefault(v => v.Status == JobStatus.Completed) ?? latest;
            var inFlight = views.Skip(1).FirstOrDefault(v => v.Status is not (JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled));
            page.Add(new LineageSummaryDto(
                root, views[0].JobType, views.Count - 1, latest.Id, latest.Status, effective.Id, inFlight?.Id,
                views.Select(v => new LineageJobBriefDto(v.Id, v.RetryOf, v.Status, v.ErrorCode, v.CreatedAt, v.EndedAt)).ToList()));
        }

        return ApiResult<LineageListDto>.Ok(new LineageListDto(page, total, offset, limit));
    }
}
