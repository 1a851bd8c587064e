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

/// <summary><c>/api/caches</c>: the task caches kept between runs (docs/caches.md).</summary>
internal static class CacheEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/caches", async (HttpRequest request, WorkflowsOperations operations, CancellationToken ct) =>
                (await operations.CachesAsync(request.Query["job_type"].FirstOrDefault(), ct)).ToHttp())
            .WithTags("Caches")
            .WithSummary("The task caches (cache: in a DOCKER task) kept between runs: job type, key, archive hash and size, expiry; ?job_type=NAME for one job type.")
            .Query("job_type", "Only this job type's caches.")
            .Produces<IReadOnlyList<CacheDto>>()
            .Requires(TokenScopes.Read, "list caches");
}
