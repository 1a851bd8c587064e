using Microsoft.AspNetCore.Http;
using Workflows.Api.Contracts;

namespace Workflows.Api.Http;

/// <summary>
/// Refuses a query string with a NUL character in a name or value (400 <c>bad_query</c>): PostgreSQL cannot hold one
/// in text, so a filter like <c>?job_type=%00</c> was a 500 (found by the HTTP fuzz run).
/// </summary>
internal static class QueryStrings
{
    public static async ValueTask<object?> CheckAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var (name, values) in context.HttpContext.Request.Query)
        {
            if (name.Contains('\0', StringComparison.Ordinal) || values.Any(v => v is not null && v.Contains('\0', StringComparison.Ordinal)))
            {
                return Results.Json(
                    new ApiError($"The query parameter '{name.Replace("\0", "\\0", StringComparison.Ordinal)}' holds a NUL character (%00), which no name or value may hold: remove it.", "bad_query"),
                    ApiJson.Options, statusCode: StatusCodes.Status400BadRequest);
            }
        }

        return await next(context).ConfigureAwait(false);
    }
}
