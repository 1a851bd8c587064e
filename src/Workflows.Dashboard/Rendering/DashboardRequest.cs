using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Workflows.Api.Security;
using Workflows.Marten.Tokens;

namespace Workflows.Dashboard.Rendering;

/// <summary>One request's view of the dashboard: where it is mounted, who is signed in, what they may press.</summary>
internal sealed class DashboardRequest
{
    private DashboardRequest(HttpContext context, string basePath, ApiCaller? caller, WorkflowsDashboardOptions options)
    {
        (Context, Base, Caller, Options) = (context, basePath, caller, options);
    }

    public HttpContext Context { get; }

    /// <summary>The dashboard's root URL path (path base and mount point), without a trailing slash; links are built on it.</summary>
    public string Base { get; }

    public ApiCaller? Caller { get; }

    public WorkflowsDashboardOptions Options { get; }

    /// <summary>The cookie path: the dashboard's root (at least <c>/</c>).</summary>
    public string CookiePath => Base.Length == 0 ? "/" : Base;

    public static DashboardRequest Create(HttpContext context, string prefix, ApiCaller? caller) =>
        new(context, (context.Request.PathBase.Value ?? string.Empty) + prefix, caller,
            context.RequestServices.GetRequiredService<IOptions<WorkflowsDashboardOptions>>().Value);

    /// <summary>True when the dashboard allows actions and the caller's token has <paramref name="scope"/> (the scope the API's endpoint for the same action needs).</summary>
    public bool May(string scope) => Options.Mode == DashboardMode.Full && Caller?.Has(scope) == true;

    /// <summary>Why a button is disabled, or null when it is not.</summary>
    public string? Disabled(string scope) =>
        Options.Mode != DashboardMode.Full ? "The dashboard is read-only on this host (Workflows:Dashboard:Mode)."
        : Caller?.Has(scope) != true ? $"Your token has no '{scope}' scope ({string.Join(", ", Caller?.Scopes ?? [])})."
        : null;

    /// <summary>The anti-forgery hidden field every form posts.</summary>
    public string CsrfField()
    {
        var tokens = Context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(Context);
        return $"<input type=\"hidden\" name=\"{Html.E(tokens.FormFieldName)}\" value=\"{Html.E(tokens.RequestToken)}\">";
    }

    /// <summary>A submit button, disabled (with the reason as its title) when the caller may not do it.</summary>
    public string Button(string label, string scope, string cssClass = "btn", string? name = null, string? value = null)
    {
        var why = Disabled(scope);
        var nv = name is null ? string.Empty : $" name=\"{Html.E(name)}\" value=\"{Html.E(value)}\"";
        return why is null
            ? $"<button type=\"submit\" class=\"{cssClass}\"{nv}>{Html.E(label)}</button>"
            : $"<button type=\"submit\" class=\"{cssClass}\" disabled title=\"{Html.E(why)}\"{nv}>{Html.E(label)}</button>";
    }

    /// <summary>True for the caller: admin tokens act on others' jobs as admins, as the API's <c>as_admin</c> flag says.</summary>
    public bool Admin => Caller?.Has(TokenScopes.Admin) == true;
}
