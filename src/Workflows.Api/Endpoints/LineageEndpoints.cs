using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Workflows.Api.Contracts;
using Workflows.Api.Http;
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
            var offset = 0;
            var limit = 50;
            if ((request.Query["offset"].ToString() is { Length: > 0 } o && !int.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
                || (request.Query["limit"].ToString() is { Length: > 0 } l && !int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit)))
            {
                return ApiResult<LineageListDto>.Fail(400, "bad_query", "offset and limit must be whole numbers, e.g. ?offset=0&limit=50.").ToHttp();
            }

            return (await operations.ListLineagesAsync(offset, limit, ct)).ToHttp();
        })
        .WithTags("Jobs")
        .WithSummary("Lineages of retried jobs, the most recently changed first (?offset=&limit=, at most 200): each root, its retries, latest, effective and in-flight job.")
        .Produces<LineageListDto>().Produces<ApiError>(400)
        .Requires(TokenScopes.Read, "read lineages");
    }
}
