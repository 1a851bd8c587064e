using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Workflows.Api.Contracts;
using Workflows.Api.Http;
using Workflows.Api.OpenApi;
using Workflows.Api.Operations;
using Workflows.Api.Security;
using Workflows.Marten.Tokens;

namespace Workflows.Api.Endpoints;

/// <summary>
/// <c>/api/schedules</c>: cron schedules with their next instants; pause, resume, trigger now. And formicary's
/// <c>POST /api/jobs/requests/{id}/trigger</c>: a queued job waiting for its time runs now.
/// </summary>
internal static class ScheduleEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/schedules").WithTags("Schedules");
        group.MapGet("/", async (WorkflowsOperations operations, CancellationToken ct) => (await operations.ListSchedulesAsync(ct)).ToHttp())
            .WithSummary("Every cron schedule: its expression and time zone, next instants, whether it is paused, and the instants it did not run.")
            .Produces<ScheduleListDto>()
            .Requires(TokenScopes.Read, "read schedules");

        group.MapGet("/{jobType}", async (string jobType, WorkflowsOperations operations, CancellationToken ct) => (await operations.GetScheduleAsync(jobType, ct)).ToHttp())
            .WithSummary("One job type's schedule.")
            .Produces<ScheduleDto>().Produces<ApiError>(404)
            .Requires(TokenScopes.Read, "read schedules");

        group.MapPost("/{jobType}/pause", async (string jobType, HttpContext context, WorkflowsOperations operations) =>
                (await operations.PauseScheduleAsync(TokenAuthenticationHandler.Caller(context.User), jobType, context.RequestAborted)).ToHttp())
            .WithSummary("Pause a schedule: no instant fires until it is resumed (needs define, or define:<job type>).")
            .Produces<ScheduleDto>().Produces<ApiError>(403).Produces<ApiError>(404)
            .TakesNoBody()
            .Requires(TokenScopes.Define, "pause schedules");

        group.MapPost("/{jobType}/resume", async (string jobType, HttpContext context, WorkflowsOperations operations) =>
                (await operations.ResumeScheduleAsync(TokenAuthenticationHandler.Caller(context.User), jobType, context.RequestAborted)).ToHttp())
            .WithSummary("Resume a schedule from now; the instants of the pause are not run (needs define, or define:<job type>).")
            .Produces<ScheduleDto>().Produces<ApiError>(403).Produces<ApiError>(404)
            .TakesNoBody()
            .Requires(TokenScopes.Define, "resume schedules");

        group.MapPost("/{jobType}/trigger", async (string jobType, HttpContext context, WorkflowsOperations operations) =>
                (await operations.TriggerScheduleAsync(TokenAuthenticationHandler.Caller(context.User), jobType, context.RequestAborted)).ToHttp())
            .WithSummary("Run a scheduled job type now, outside its schedule (its ScheduledAt param is now); the schedule is unchanged.")
            .Produces<JobDto>(201).Produces<ApiError>(400).Produces<ApiError>(404)
            .TakesNoBody()
            .Requires(TokenScopes.Submit, "trigger schedules");
    }

    /// <summary>formicary's trigger of a pending request, on a jobs group (<c>/api/jobs/requests</c> or the seeds' <c>/jobs/requests</c>).</summary>
    public static void MapJobTrigger(RouteGroupBuilder jobs)
    {
        jobs.MapPost("/{id}/trigger", async (string id, HttpContext context, WorkflowsOperations operations) =>
                (await operations.TriggerJobAsync(TokenAuthenticationHandler.Caller(context.User), id, context.RequestAborted)).ToHttp())
            .WithSummary("Run a queued job waiting for its scheduled time now (formicary's trigger of a pending request); 409 once it started.")
            .Produces<JobDto>().Produces<ApiError>(403).Produces<ApiError>(404).Produces<ApiError>(409)
            .TakesNoBody()
            .Requires(TokenScopes.Submit, "trigger jobs");
    }
}
