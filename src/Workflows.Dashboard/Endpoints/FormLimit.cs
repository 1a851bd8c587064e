using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Workflows.Api;

namespace Workflows.Dashboard.Endpoints;

/// <summary>
/// The dashboard's forms are bounded like the API's bodies (<see cref="WorkflowsApiOptions.MaxBodyBytes"/>): a post whose
/// <c>Content-Length</c> is over it is answered 413 before anything is read, and reading stops there when the length
/// is not given (Kestrel's own limit, 30 MB, was the only bound).
/// </summary>
internal static class FormLimit
{
    public static async ValueTask<object?> CheckAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (HttpMethods.IsPost(http.Request.Method))
        {
            var limit = http.RequestServices.GetRequiredService<IOptions<WorkflowsApiOptions>>().Value.MaxBodyBytes;
            if (http.Request.ContentLength > limit)
            {
                return Results.Content(
                    $"<!doctype html><title>Too large</title><p>The form is {http.Request.ContentLength} bytes, over this host's limit of {limit} bytes (Workflows:Api:MaxBodyBytes); nothing was done. Send less (a smaller definition), or raise the limit on the host.</p>",
                    "text/html; charset=utf-8", System.Text.Encoding.UTF8, StatusCodes.Status413PayloadTooLarge);
            }

            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = limit;
            }
        }

        return await next(context).ConfigureAwait(false);
    }
}
