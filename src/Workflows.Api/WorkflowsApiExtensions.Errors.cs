using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Workflows.Api.Contracts;
using Workflows.Api.Http;

namespace Workflows;

/// <summary>The API's error shape for the answers ASP.NET Core writes without a body.</summary>
public static partial class WorkflowsApiExtensions
{
    /// <summary>
    /// Gives the bodiless error answers of the API's paths (<c>/api/…</c>, <c>/jobs/requests…</c>) the API's error shape
    /// <c>{"error": "…", "code": "…"}</c>: a path no endpoint has (404 <c>not_found</c>), a method the path does not take
    /// (405 <c>method_not_allowed</c>), and any other status routing answers alone. Call before the endpoints are mapped.
    /// </summary>
    /// <param name="app">The app.</param>
    public static IApplicationBuilder UseWorkflowsApiErrors(this IApplicationBuilder app) =>
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var path = http.Request.Path;
            if (!path.StartsWithSegments("/api") && !path.StartsWithSegments("/jobs/requests"))
            {
                return;
            }

            var status = http.Response.StatusCode;
            var error = status switch
            {
                StatusCodes.Status404NotFound => new ApiError(
                    $"No endpoint of this API is at {path}: check the path and the ids in it. GET /openapi/v1.json lists the endpoints.", "not_found"),
                StatusCodes.Status405MethodNotAllowed => new ApiError(
                    $"{http.Request.Method} is not a method of {path}. GET /openapi/v1.json lists each endpoint's methods.", "method_not_allowed"),
                _ => new ApiError($"The request was answered {status} ({ReasonPhrases.GetReasonPhrase(status)}).", "http_" + status),
            };
            await http.Response.WriteAsJsonAsync(error, ApiJson.Options).ConfigureAwait(false);
        });
}
