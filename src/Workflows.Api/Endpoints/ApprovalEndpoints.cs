using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Workflows.Api.Contracts;
using Workflows.Api.Http;
using Workflows.Api.OpenApi;
using Workflows.Api.Operations;
using Workflows.Api.Security;
using Workflows.Marten.Tokens;

namespace Workflows.Api.Endpoints;

/// <summary>MANUAL approval gates (formicary's routes): vote, one gate's approval, and <c>/api/approvals/pending</c>.</summary>
internal static class ApprovalEndpoints
{
    /// <summary>Under a job requests group: <c>/{id}/tasks/{taskType}/vote</c> and <c>/{id}/tasks/{taskType}/approval</c>.</summary>
    public static void MapVotes(RouteGroupBuilder group)
    {
        group.MapPost("/{id}/tasks/{taskType}/vote", async (string id, string taskType, HttpContext context, WorkflowsOperations operations, IOptions<WorkflowsApiOptions> options) =>
        {
            var body = await RequestBodies.ReadJsonAsync<VoteBody>(context.Request, options.Value.MaxBodyBytes);
            return body.IsSuccess
                ? (await operations.VoteAsync(TokenAuthenticationHandler.Caller(context.User), id, taskType, body.Value!, context.RequestAborted)).ToHttp()
                : body.As<ApprovalDto>().ToHttp();
        })
        .WithSummary("Vote on a MANUAL task waiting for approval: {\"decision\": \"APPROVED\"|\"REJECTED\", \"comments\"} (comments required to reject; the voter is the token).")
        .Produces<ApprovalDto>().Produces<ApiError>(400).Produces<ApiError>(403).Produces<ApiError>(404).Produces<ApiError>(409)
        .Takes<VoteBody>()
        .Requires(TokenScopes.Approve, "vote on approval gates");

        group.MapGet("/{id}/tasks/{taskType}/approval", async (string id, string taskType, WorkflowsOperations operations, CancellationToken ct) =>
                (await operations.ApprovalAsync(id, taskType, ct)).ToHttp())
            .WithSummary("A MANUAL task's approval: status, policy, votes, deadline.")
            .Produces<ApprovalDto>().Produces<ApiError>(404)
            .Requires(TokenScopes.Read, "read approvals");
    }

    /// <summary><c>/api/approvals/pending</c>.</summary>
    public static void MapPending(RouteGroupBuilder api)
    {
        api.MapGet("/approvals/pending", async (HttpRequest request, WorkflowsOperations operations, CancellationToken ct) =>
        {
            var page = QueryPaging.Read(request.Query, 50, 200);
            return page.IsSuccess
                ? (await operations.PendingApprovalsAsync(page.Value.Offset, page.Value.Limit, ct)).ToHttp()
                : page.As<PendingApprovalsDto>().ToHttp();
        })
        .WithTags("Approvals")
        .WithSummary("The MANUAL tasks waiting for votes, one per job (?offset=&limit=, at most 200).")
        .Produces<PendingApprovalsDto>().Produces<ApiError>(400)
        .Paged(50, 200)
        .Requires(TokenScopes.Read, "list pending approvals");
    }
}
