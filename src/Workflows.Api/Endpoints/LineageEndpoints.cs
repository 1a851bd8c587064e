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

/// <summary><c>/api/jobs/lineages</c>: the lineages of retried jobs, a page at a time.</summary>
internal static class LineageEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/jobs/lineages", async (HttpRequest request, WorkflowsOperations operations, CancellationToken ct) =>
        {
            var page = QueryPaging.Read(request.Query, 50, 200);
            return page.IsSuccess
                ? (await operations.ListLineagesAsync(page.Value.Offset, page.Value.Limit, ct)).ToHttp()
                : page.As<LineageListDto>().ToHttp();
        })
        .WithTags("Jobs")
        .WithSummary("Lineages of retried jobs, the most recently changed first (?offset=&limit=, at most 200): each root, its retries, latest, effective and in-flight job.")
        .Produces<LineageListDto>().Produces<ApiError>(400)
        .Paged(50, 200)
        .Requires(TokenScopes.Read, "read lineages");
    }
}
