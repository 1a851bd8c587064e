using Workflows.Dashboard.Rendering;
using static Workflows.Dashboard.Rendering.Html;

namespace Workflows.Dashboard.Pages;

/// <summary>The sign-in form: an API token, posted with the anti-forgery field, kept in an HttpOnly cookie.</summary>
internal static class SignInPage
{
    public static string Render(DashboardRequest r, string? returnTo, string? error) =>
        Layout.Render(r, "Sign in", string.Empty,
            "<section class=\"signin\"><h1>Sign in</h1>" +
            (error is null ? string.Empty : Layout.Flash("error", error)) +
            $"<form method=\"post\" action=\"{E(r.Base)}/signin\">{r.CsrfField()}" +
            $"<input type=\"hidden\" name=\"return\" value=\"{E(returnTo)}\">" +
            "<label for=\"token\">API token</label><input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"off\" required placeholder=\"wf_…\">" +
            "<button type=\"submit\" class=\"btn primary\">Sign in</button></form>" +
            "<p class=\"muted\">Create a token on the host with <code>workflows tokens create NAME</code> (add <code>--admin</code> to act on every job; " +
            "<code>--scope read</code> makes a token that can see everything and change nothing). The token is kept in an HttpOnly cookie for this dashboard only.</p></section>");
}
