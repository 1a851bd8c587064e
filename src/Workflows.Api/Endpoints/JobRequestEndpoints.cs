using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Workflows.Api.Contracts;
using Workflows.Api.Http;
using Workflows.Api.OpenApi;
using Workflows.Api.Operations;
using Workflows.Api.Security;
using Workflows.Marten;
using Workflows.Marten.Tokens;
using Workflows.Runtime;

namespace Workflows.Api.Endpoints;

/// <summary>
/// <c>/api/jobs/requests</c> (and the seeds' <c>/jobs/requests</c>): submit, list, get, update a queued job, delete a
/// finished one, cancel, pause and resume, events, logs, artifacts.
/// </summary>
internal static class JobRequestEndpoints
{
    public static void Map(RouteGroupBuilder group, string prefix)
    {
        MapRetries(group);
        PauseEndpoints.Map(group);
        ApprovalEndpoints.MapVotes(group);
        group.MapPost("", async (HttpContext context, WorkflowsOperations operations, IOptions<WorkflowsApiOptions> options) =>
        {
            var body = await RequestBodies.ReadJsonAsync<JobRequestBody>(context.Request, options.Value.MaxBodyBytes);
            if (!body.IsSuccess)
            {
                return body.As<JobDto>().ToHttp();
            }

            var result = await operations.SubmitAsync(TokenAuthenticationHandler.Caller(context.User), body.Value!, context.RequestAborted);
            return result.ToHttp(result.Value is { } job ? $"{prefix}/{job.Id}" : null);
        })
        .WithSummary("Submit a job: {\"job_type\", \"params\", \"priority\", \"queue\", \"description\", \"scheduled_at\", \"lock_key\", \"user_key\"}. 201 with the new job; 200 with the queued or running job of the type that holds the user_key (nothing is submitted).")
        .Produces<JobDto>(201).Produces<JobDto>(200).Produces<ApiError>(400).Produces<ApiError>(403).Produces<ApiError>(404).Produces<ApiError>(409).Produces<ApiError>(413)
        .Takes<JobRequestBody>()
        .Requires(TokenScopes.Submit, "submit jobs");

        group.MapGet("", async (HttpRequest request, WorkflowsOperations operations, CancellationToken ct) =>
        {
            var query = ParseQuery(request.Query);
            return query.IsSuccess ? (await operations.ListJobsAsync(query.Value!, ct)).ToHttp() : query.As<JobListDto>().ToHttp();
        })
        .WithSummary("List jobs, newest first: ?status=&job_type=&submitted_by=&from=&to=&offset=&limit=.")
        .Produces<JobListDto>().Produces<ApiError>(400)
        .Query("status", "Only jobs in this state.", values: ["queued", "running", "paused", "awaiting_approval", "ending", "cancelling", "completed", "failed", "cancelled"])
        .Query("job_type", "Only jobs of this type.")
        .Query("submitted_by", "Only jobs submitted by this token (its name).")
        .Query("from", "Only jobs requested at or after this time (ISO 8601).", "date-time")
        .Query("to", "Only jobs requested before this time (ISO 8601).", "date-time")
        .Paged(50, 500)
        .Requires(TokenScopes.Read, "list jobs");

        group.MapGet("/{id}", async (string id, WorkflowsOperations operations, CancellationToken ct) => (await operations.GetJobAsync(id, ct)).ToHttp())
            .WithSummary("One job: state, counters, times, tasks and each attempt.")
            .Produces<JobDto>().Produces<ApiError>(404).Produces<ApiError>(410)
            .Requires(TokenScopes.Read, "read jobs");

        group.MapPut("/{id}", async (string id, HttpContext context, WorkflowsOperations operations, IOptions<WorkflowsApiOptions> options) =>
        {
            var body = await RequestBodies.ReadJsonAsync<JobUpdateBody>(context.Request, options.Value.MaxBodyBytes);
            return body.IsSuccess
                ? (await operations.UpdateJobAsync(TokenAuthenticationHandler.Caller(context.User), id, body.Value!, context.RequestAborted)).ToHttp()
                : body.As<JobDto>().ToHttp();
        })
        .WithSummary("Update a queued job: priority, description, scheduled_at.")
        .Produces<JobDto>().Produces<ApiError>(400).Produces<ApiError>(403).Produces<ApiError>(409)
        .Takes<JobUpdateBody>()
        .Requires(TokenScopes.Submit, "update jobs");

        group.MapDelete("/{id}", async (string id, HttpContext context, WorkflowsOperations operations) =>
                (await operations.DeleteJobAsync(TokenAuthenticationHandler.Caller(context.User), id, context.RequestAborted)).ToHttp())
            .WithSummary("Delete a finished job: its stream is archived, not destroyed.")
            .Produces(204).Produces<ApiError>(403).Produces<ApiError>(409)
            .Requires(TokenScopes.Submit, "delete jobs");

        group.MapPost("/{id}/cancel", async (string id, HttpContext context, WorkflowsOperations operations) =>
                (await operations.CancelJobAsync(TokenAuthenticationHandler.Caller(context.User), id, context.RequestAborted)).ToHttp())
            .WithSummary("Cancel a job: running tasks are stopped, cleanup tasks run.")
            .Produces<JobDto>(202).Produces<ApiError>(403).Produces<ApiError>(409)
            .TakesNoBody()
            .Requires(TokenScopes.Submit, "cancel jobs");

        group.MapGet("/{id}/events", async (string id, WorkflowsOperations operations, CancellationToken ct) => (await operations.EventsAsync(id, ct)).ToHttp())
            .WithSummary("The job's event stream, in order.")
            .Produces<IReadOnlyList<EventDto>>()
            .Requires(TokenScopes.Read, "read job events");

        group.MapGet("/{id}/notifications", async (string id, WorkflowsOperations operations, CancellationToken ct) => (await operations.NotificationsAsync(id, ct)).ToHttp())
            .WithSummary("The job's notifications (notify emails and slack messages, job and task webhooks) with each send.")
            .Produces<IReadOnlyList<Workflows.Marten.Notifications.NotificationRecord>>()
            .Requires(TokenScopes.Read, "read job notifications");

        group.MapGet("/{id}/logs", async (string id, string? task, WorkflowsOperations operations, CancellationToken ct) => (await operations.LogsAsync(id, task, ct)).ToHttp())
            .WithSummary("Task logs (?task=NAME for one task).")
            .Produces<IReadOnlyList<LogLineDto>>()
            .Requires(TokenScopes.Read, "read task logs");

        group.MapGet("/{id}/artifacts", async (string id, WorkflowsOperations operations, CancellationToken ct) => (await operations.ArtifactsAsync(id, ct)).ToHttp())
            .WithSummary("The job's artifacts.")
            .Produces<IReadOnlyList<ArtifactDto>>()
            .Requires(TokenScopes.Read, "list artifacts");

        group.MapGet("/{id}/artifacts/{task}/{attempt:int}/{**name}", async (string id, string task, int attempt, string name, WorkflowsOperations operations, CancellationToken ct) =>
        {
            var found = await operations.ArtifactAsync(id, task, attempt, name, ct);
            return found.IsSuccess
                ? Results.Stream(found.Value.Open(), "application/octet-stream", Path.GetFileName(name), entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue("\"" + found.Value.Info.Sha256 + "\""))
                : found.ToHttp();
        })
        .WithSummary("Download one artifact.")
        .Produces(200, contentType: "application/octet-stream").Produces<ApiError>(404)
        .Requires(TokenScopes.Read, "download artifacts");
    }

    /// <summary>Manual retries and lineage (see docs/retries.md).</summary>
    public static void MapRetries(RouteGroupBuilder group)
    {
        group.MapPost("/{id}/retry", async (string id, HttpContext context, WorkflowsOperations operations, IOptions<WorkflowsApiOptions> options) =>
        {
            var body = await ReadOptionalAsync<RetryBody>(context, options.Value.MaxBodyBytes);
            return body.IsSuccess
                ? (await operations.RetryAsync(TokenAuthenticationHandler.Caller(context.User), id, body.Value!, context.RequestAborted)).ToHttp()
                : body.As<JobDto>().ToHttp();
        })
        .WithSummary("Retry a failed or cancelled job: a new job linked to it and its root ({\"as_admin\", \"params\", \"definition\": \"pinned\"|\"latest\", \"resume\"}).")
        .Produces<JobDto>(200).Produces<ApiError>(403).Produces<ApiError>(409)
        .Takes<RetryBody>(required: false)
        .Requires(TokenScopes.Retry, "retry jobs");

        group.MapPost("/retry", async (HttpContext context, WorkflowsOperations operations, IOptions<WorkflowsApiOptions> options) =>
        {
            var body = await RequestBodies.ReadJsonAsync<BulkRetryBody>(context.Request, options.Value.MaxBodyBytes);
            return body.IsSuccess
                ? (await operations.RetryManyAsync(TokenAuthenticationHandler.Caller(context.User), body.Value!, context.RequestAborted)).ToHttp()
                : body.As<BulkRetryDto>().ToHttp();
        })
        .WithSummary("Retry many jobs {\"ids\": […], \"as_admin\"}; answered per id, never all-or-nothing.")
        .Produces<BulkRetryDto>().Produces<ApiError>(400)
        .Takes<BulkRetryBody>()
        .Requires(TokenScopes.Retry, "retry jobs");

        group.MapPost("/{id}/retries/{retryId}/retry", async (string id, string retryId, HttpContext context, WorkflowsOperations operations, IOptions<WorkflowsApiOptions> options) =>
        {
            var body = await ReadOptionalAsync<RetryBody>(context, options.Value.MaxBodyBytes);
            return body.IsSuccess
                ? (await operations.RetryRetryAsync(TokenAuthenticationHandler.Caller(context.User), id, retryId, body.Value!, context.RequestAborted)).ToHttp()
                : body.As<JobDto>().ToHttp();
        })
        .WithSummary("Retry one retry of a job (the new job lands on the root).")
        .Produces<JobDto>(200).Produces<ApiError>(404).Produces<ApiError>(409)
        .Takes<RetryBody>(required: false)
        .Requires(TokenScopes.Retry, "retry jobs");

        group.MapPut("/{id}/retries/retry", async (string id, HttpContext context, WorkflowsOperations operations, IOptions<WorkflowsApiOptions> options) =>
        {
            var body = await ReadOptionalAsync<RetryBody>(context, options.Value.MaxBodyBytes);
            return body.IsSuccess
                ? (await operations.RetryFailedRetriesAsync(TokenAuthenticationHandler.Caller(context.User), id, body.Value!, context.RequestAborted)).ToHttp()
                : body.As<BulkRetryDto>().ToHttp();
        })
        .WithSummary("Retry all the failed and cancelled retries of a job, answered per retry: the newest is retried, each earlier one names the retry that already retried it.")
        .Produces<BulkRetryDto>()
        .Takes<RetryBody>(required: false)
        .Requires(TokenScopes.Retry, "retry jobs");

        group.MapGet("/{id}/lineage", async (string id, WorkflowsOperations operations, CancellationToken ct) => (await operations.LineageAsync(id, ct)).ToHttp())
            .WithSummary("The job's lineage: root, retries in order, latest, effective and in-flight job.")
            .Produces<LineageDto>().Produces<ApiError>(404)
            .Requires(TokenScopes.Read, "read lineages");
    }

    /// <summary>A JSON body that may be left out (no body: the defaults).</summary>
    private static async Task<ApiResult<T>> ReadOptionalAsync<T>(HttpContext context, long limit)
        where T : class, new()
    {
        if (context.Request.ContentLength is null or 0 && string.IsNullOrEmpty(context.Request.ContentType))
        {
            return ApiResult<T>.Ok(new T());
        }

        return await RequestBodies.ReadJsonAsync<T>(context.Request, limit);
    }

    private static ApiResult<JobQuery> ParseQuery(IQueryCollection query)
    {
        var result = new JobQuery();
        if (query["status"].ToString() is { Length: > 0 } status)
        {
            if (!Enum.TryParse<JobStatus>(status.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var parsed) || parsed == JobStatus.None || int.TryParse(status, out _))
            {
                return ApiResult<JobQuery>.Fail(400, "bad_query", $"status '{status}' is not a job state; use one of queued, running, paused, awaiting_approval, ending, cancelling, completed, failed, cancelled.");
            }

            result = result with { Status = parsed };
        }

        result = result with
        {
            JobType = NullIfEmpty(query["job_type"]),
            SubmittedBy = NullIfEmpty(query["submitted_by"]),
        };
        foreach (var (name, apply) in new (string, Func<JobQuery, DateTimeOffset, JobQuery>)[] { ("from", (q, t) => q with { CreatedFrom = t }), ("to", (q, t) => q with { CreatedTo = t }) })
        {
            if (query[name].ToString() is { Length: > 0 } text)
            {
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                {
                    return ApiResult<JobQuery>.Fail(400, "bad_query", $"{name} '{text}' is not a time; use ISO 8601, e.g. 2026-11-24T10:00:00Z.");
                }

                result = apply(result, time);
            }
        }

        var page = QueryPaging.Read(query, result.Limit, 500);
        return page.IsSuccess ? ApiResult<JobQuery>.Ok(result with { Offset = page.Value.Offset, Limit = page.Value.Limit }) : page.As<JobQuery>();
    }

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is { Length: > 0 } text ? text : null;
}
