using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api.Security;
using Workflows.Dashboard.Rendering;
using Workflows.Dashboard.Security;

namespace Workflows.Dashboard.Endpoints;

/// <summary>What every dashboard request passes first: a signed-in caller for pages; for actions also the anti-forgery check, a dashboard that allows actions, and the token's scope.</summary>
internal static class Gate
{
    /// <summary>The request with its caller, or a redirect to the sign-in page.</summary>
    public static async Task<(DashboardRequest? Request, IResult? Refusal)> PageAsync(HttpContext context, string root)
    {
        var caller = await context.RequestServices.GetRequiredService<DashboardSession>().CallerAsync(context).ConfigureAwait(false);
        var request = DashboardRequest.Create(context, root, caller);
        if (caller is null)
        {
            var back = context.Request.Path + context.Request.QueryString;
            return (null, Results.Redirect($"{request.Base}/signin?return={Uri.EscapeDataString(context.Request.PathBase + back)}"));
        }

        return (request, null);
    }

    /// <summary>
    /// An action's checks, in order: a signed-in caller, a genuine form of this dashboard (anti-forgery), a dashboard that
    /// allows actions, and the scope the API's endpoint for the same action needs. The form is read once here.
    /// </summary>
    public static async Task<(DashboardRequest? Request, IFormCollection? Form, IResult? Refusal)> ActionAsync(HttpContext context, string root, string scope, string action)
    {
        var (request, refusal) = await PageAsync(context, root).ConfigureAwait(false);
        if (request is null)
        {
            return (null, null, refusal);
        }

        if (!await ValidAsync(context).ConfigureAwait(false))
        {
            return (null, null, Refuse(request, 400, "The form was not sent by this dashboard or has expired (anti-forgery check). Reload the page and try again."));
        }

        if (request.Options.Mode != DashboardMode.Full)
        {
            return (null, null, Refuse(request, 403, $"The dashboard on this host is read-only (Workflows:Dashboard:Mode = {request.Options.Mode}): it may not {action}. Use the HTTP API or the CLI."));
        }

        if (!request.Caller!.Has(scope))
        {
            return (null, null, Refuse(request, 403,
                $"Token '{request.Caller.Name}' may not {action}: that needs the '{scope}' scope, and the token has {string.Join(", ", request.Caller.Scopes)}. An admin creates a token with it: `workflows tokens create NAME --scope {scope}`."));
        }

        return (request, await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false), null);
    }

    /// <summary>True when the post carries a valid anti-forgery token for this browser.</summary>
    public static async Task<bool> ValidAsync(HttpContext context)
    {
        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context).ConfigureAwait(false);
            return true;
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
    }

    /// <summary>A refusal page with the message.</summary>
    public static IResult Refuse(DashboardRequest request, int status, string message) =>
        Html.Page(Layout.Render(request, "Refused", string.Empty, "<h1>Not done</h1>" + Layout.Flash("error", message) + "<p><a href=\"javascript:history.back()\">Back</a></p>"), status);

    /// <summary>The caller of a request that passed <see cref="ActionAsync"/>.</summary>
    public static ApiCaller Caller(DashboardRequest request) => request.Caller!;
}
