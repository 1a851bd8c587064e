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

/// <summary><c>POST /api/jobs/requests/{id}/pause</c> and <c>…/resume</c>: an operator pauses a running job and resumes it.</summary>
internal static class PauseEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapPost("/{id}/pause", async (string id, HttpContext context, WorkflowsOperations operations) =>
                (await operations.PauseJobAsync(TokenAuthenticationHandler.Caller(context.User), id, context.RequestAborted)).ToHttp())
            .WithSummary("Pause a running job until it is resumed: 200 paused now, 202 when its running task finishes first.")
            .Produces<JobDto>().Produces<JobDto>(202).Produces<ApiError>(403).Produces<ApiError>(404).Produces<ApiError>(409)
            .TakesNoBody()
            .Requires(TokenScopes.Submit, "pause jobs");

        group.MapPost("/{id}/resume", async (string id, HttpContext context, WorkflowsOperations operations) =>
                (await operations.ResumeJobAsync(TokenAuthenticationHandler.Caller(context.User), id, context.RequestAborted)).ToHttp())
            .WithSummary("Resume a paused job where it stopped (or withdraw a pause asked for while its task runs).")
            .Produces<JobDto>().Produces<ApiError>(403).Produces<ApiError>(404).Produces<ApiError>(409)
            .TakesNoBody()
            .Requires(TokenScopes.Submit, "resume jobs");
    }
}
