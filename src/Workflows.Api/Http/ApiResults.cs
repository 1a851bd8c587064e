using Microsoft.AspNetCore.Http;
using Workflows.Api.Contracts;
using Workflows.Api.Operations;

namespace Workflows.Api.Http;

/// <summary>Writes an <see cref="ApiResult{T}"/> as it is: its status, and its value or error as snake_case JSON.</summary>
internal static class ApiResults
{
    public static IResult ToHttp<T>(this ApiResult<T> result, string? location = null)
    {
        if (!result.IsSuccess)
        {
            return Results.Json(result.Error, ApiJson.Options, statusCode: result.Status);
        }

        if (result.Status == StatusCodes.Status204NoContent)
        {
            return Results.NoContent();
        }

        return location is not null && result.Status == StatusCodes.Status201Created
            ? Results.Json(result.Value, ApiJson.Options, statusCode: 201) is var json ? new WithLocation(json, location) : json
            : Results.Json(result.Value, ApiJson.Options, statusCode: result.Status);
    }

    /// <summary>A result with a <c>Location</c> header (a 201's).</summary>
    internal sealed class WithLocation(IResult inner, string location) : IResult
    {
        public IResult Inner => inner;

        public string Location => location;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
