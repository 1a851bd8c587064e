using System.Text;
using static Workflows.Dashboard.Rendering.Html;

namespace Workflows.Dashboard.Rendering;

/// <summary>The frame of every page: the navigation, who is signed in, the flash message.</summary>
internal static class Layout
{
    /// <summary>The navigation: (path under the dashboard, label).</summary>
    public static readonly IReadOnlyList<(string Path, string Label)> Nav =
    [
        ("/", "Overview"), ("/jobs", "Jobs"), ("/definitions", "Definitions"), ("/approvals", "Approvals"), ("/schedules", "Schedules"),
    ];

    public static string Render(DashboardRequest r, string title, string active, string body, string? flash = null, string? live = null)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(E(title)).Append(" · Workflows</title>")
            .Append("<link rel=\"stylesheet\" href=\"").Append(E(r.Base)).Append("/assets/dashboard.css\">")
            .Append("<script defer src=\"").Append(E(r.Base)).Append("/assets/dashboard.js\"></script>")
            .Append("</head><body data-base=\"").Append(E(r.Base)).Append('"');
        if (live is not null)
        {
            html.Append(" data-live=\"").Append(E(live)).Append('"');
        }

        html.Append("><header><a class=\"brand\" href=\"").Append(E(r.Base)).Append("/\">Workflows</a><nav>");
        foreach (var (path, label) in Nav)
        {
            var href = r.Base + (path == "/" ? "/" : path);
            html.Append("<a href=\"").Append(E(href)).Append('"').Append(label == active ? " class=\"active\" aria-current=\"page\"" : string.Empty)
                .Append('>').Append(E(label)).Append("</a>");
        }

        html.Append("</nav>");
        if (r.Caller is { } caller)
        {
            html.Append("<form class=\"who\" method=\"post\" action=\"").Append(E(r.Base)).Append("/signout\">").Append(r.CsrfField())
                .Append("<span title=\"").Append(E(string.Join(", ", caller.Scopes))).Append("\">").Append(E(caller.Name)).Append("</span>");
            if (r.Options.Mode == DashboardMode.ReadOnly)
            {
                html.Append(" <span class=\"badge ro\">read-only dashboard</span>");
            }
            else if (!caller.Has(Marten.Tokens.TokenScopes.Submit) && !caller.Has(Marten.Tokens.TokenScopes.Retry))
            {
                html.Append(" <span class=\"badge ro\">read-only token</span>");
            }

            html.Append(" <button type=\"submit\" class=\"link\">Sign out</button></form>");
        }

        html.Append("</header><main id=\"main\">");
        if (flash is not null)
        {
            html.Append(flash);
        }

        html.Append(body).Append("</main></body></html>");
        return html.ToString();
    }

    /// <summary>A message box: <paramref name="kind"/> is ok or error.</summary>
    public static string Flash(string kind, string text) => $"<div class=\"flash {kind}\" role=\"{(kind == "error" ? "alert" : "status")}\">{E(text)}</div>";
}
