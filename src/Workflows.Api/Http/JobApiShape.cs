using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Workflows.Api.Contracts;

namespace Workflows.Api.Http;

/// <summary>
/// Answers the Job API seed's routes (<c>/api/jobs…</c>) in its schema: the job endpoints' results are translated,
/// a job to <see cref="JobApiJob"/>, a page of jobs to an array of them (with <c>X-Total-Count</c>, and
/// <c>X-Next-Offset</c> when more match); errors and other bodies are the API's own.
/// </summary>
internal static class JobApiShape
{
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Translate(await next(context).ConfigureAwait(false), context.HttpContext.Response);

    private static object? Translate(object? result, HttpResponse response) => result switch
    {
        ApiResults.WithLocation located => new ApiResults.WithLocation((IResult)Translate(located.Inner, response)!, located.Location),
        IValueHttpResult { Value: JobDto job } and IStatusCodeHttpResult { StatusCode: var status } =>
            Results.Json(JobApiJob.Of(job), ApiJson.Options, statusCode: status),
        IValueHttpResult { Value: JobListDto page } and IStatusCodeHttpResult { StatusCode: var status } => Page(page, status, response),
        _ => result,
    };

    private static IResult Page(JobListDto page, int? status, HttpResponse response)
    {
        response.Headers["X-Total-Count"] = page.Total.ToString(CultureInfo.InvariantCulture);
        if (page.NextOffset is { } next)
        {
            response.Headers["X-Next-Offset"] = next.ToString(CultureInfo.InvariantCulture);
        }

        return Results.Json(page.Jobs.Select(JobApiJob.Of).ToList(), ApiJson.Options, statusCode: status);
    }
}
