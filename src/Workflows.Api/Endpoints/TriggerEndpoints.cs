using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Workflows.Api.Contracts;
using Workflows.Api.Http;
using Workflows.Api.OpenApi;
using Workflows.Api.Operations;
using Workflows.Api.Security;

namespace Workflows.Api.Endpoints;

/// <summary>
/// <c>POST /api/triggers/{jobType}/{name}</c>: an event for a job type's webhook trigger (formicary's route). No API
/// token: a trigger carries its own auth (<c>auth:</c> in its YAML), as in formicary.
/// </summary>
internal static class TriggerEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapPost("/{jobType}/{name}", async (string jobType, string name, HttpContext context, WorkflowsOperations operations, IOptions<WorkflowsApiOptions> options, SignInThrottle throttle) =>
        {
            // A trigger's secret is guessed like a token: its failures count with the sign-ins', per address.
            var address = context.Connection.RemoteIpAddress;
            if (throttle.Blocked(address) is { } wait)
            {
                context.Response.Headers.RetryAfter = SignInThrottle.RetryAfter(wait);
                return Results.Json(throttle.Refusal(wait), ApiJson.Options, statusCode: StatusCodes.Status429TooManyRequests);
            }

            var body = await RequestBodies.ReadBytesAsync(context.Request, options.Value.MaxBodyBytes);
            if (!body.IsSuccess)
            {
                return body.As<TriggerResultDto>().ToHttp();
            }

            var received = new TriggerEvent(
                body.Value!,
                context.Request.Headers.ToDictionary(h => CanonicalHeader(h.Key), h => h.Value.FirstOrDefault() ?? string.Empty, StringComparer.Ordinal),
                context.Request.Query.ToDictionary(q => q.Key, q => q.Value.FirstOrDefault() ?? string.Empty, StringComparer.Ordinal));
            var fired = await operations.FireTriggerAsync(jobType, name, received, context.RequestAborted);
            if (fired.Status == StatusCodes.Status401Unauthorized)
            {
                throttle.Failed(address);
            }

            return fired.ToHttp();
        })
        .WithTags("Triggers")
        .WithSummary("An event for a webhook trigger: authenticated by the trigger's auth (hmac_sha256, bearer_token, api_key_header), filtered, rate-limited and de-duplicated (failed auths count with failed sign-ins per address: 429 past the limit); submits a job with the params its templates read from the body. 202 {request_id} or {filtered: true}.")
        .Produces<TriggerResultDto>(202).Produces<ApiError>(400).Produces<ApiError>(401).Produces<ApiError>(404).Produces<ApiError>(413).Produces<ApiError>(422).Produces<ApiError>(429)
        .Takes<System.Text.Json.JsonElement>()
        .AllowAnonymous()
        .WithMetadata(new OwnAuthentication("the trigger's own auth (hmac_sha256, bearer_token or api_key_header), not an API token"));
    }

    /// <summary>Go's canonical header name (<c>x-github-event</c> → <c>X-Github-Event</c>), so templates read <c>.Headers</c> by the names formicary's do.</summary>
    private static string CanonicalHeader(string name)
    {
        var chars = name.ToCharArray();
        var upper = true;
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = upper ? char.ToUpperInvariant(chars[i]) : char.ToLowerInvariant(chars[i]);
            upper = chars[i] == '-';
        }

        return new string(chars);
    }
}
