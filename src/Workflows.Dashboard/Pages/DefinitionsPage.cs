using System.Text;
using Workflows.Api.Contracts;
using Workflows.Dashboard.Rendering;
using Workflows.Marten.Definitions;
using Workflows.Marten.Tokens;
using static Workflows.Dashboard.Rendering.Html;

namespace Workflows.Dashboard.Pages;

/// <summary>Definitions: every job type; one type's versions, each version's DAG, source and diagnostics; enable/disable; upload YAML.</summary>
internal static class DefinitionsPage
{
    public static string List(DashboardRequest r, IReadOnlyList<DefinitionSummaryDto> definitions, string? uploadText = null, ApiError? uploadError = null)
    {
        var html = new StringBuilder("<h1>Definitions</h1><table><thead><tr><th>Job type</th><th>Source</th><th>Latest version</th><th>State</th></tr></thead><tbody>");
        foreach (var d in definitions)
        {
            html.Append("<tr data-type=\"").Append(E(d.JobType)).Append("\"><td><a href=\"").Append(E(r.Base)).Append("/definitions/").Append(U(d.JobType)).Append("\">").Append(E(d.JobType)).Append("</a></td><td>")
                .Append(E(d.Source)).Append("</td><td>").Append(d.LatestVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—").Append("</td><td>")
                .Append(d.Disabled ? "<span class=\"badge s-cancelled\">disabled</span>" : "<span class=\"badge s-completed\">enabled</span>").Append("</td></tr>");
        }

        html.Append("</tbody></table>");
        html.Append(Upload(r, uploadText, uploadError));
        return html.ToString();
    }

    public static string Upload(DashboardRequest r, string? text, ApiError? error)
    {
        var html = new StringBuilder("<section class=\"upload\"><h2>Upload a definition (YAML)</h2>");
        if (error is not null)
        {
            html.Append(Layout.Flash("error", error.Error));
            if (error.Diagnostics is { Count: > 0 } diagnostics && text is not null)
            {
                html.Append(Source(text, diagnostics));
            }
        }

        html.Append("<form method=\"post\" action=\"").Append(E(r.Base)).Append("/definitions/upload\">").Append(r.CsrfField())
            .Append("<textarea name=\"yaml\" rows=\"14\" spellcheck=\"false\" placeholder=\"job_type: my-job&#10;tasks:&#10;- task_type: first&#10;  ...\">").Append(E(text)).Append("</textarea>")
            .Append(r.Button("Validate and upload", TokenScopes.Define, "btn primary")).Append("</form></section>");
        return html.ToString();
    }

    public static string Detail(DashboardRequest r, DefinitionDto definition, StoredDefinition? shown, IReadOnlyList<DiagnosticDto> diagnostics)
    {
        var html = new StringBuilder("<h1>").Append(E(definition.JobType)).Append("</h1><p>")
            .Append(definition.Disabled ? "<span class=\"badge s-cancelled\">disabled</span>: new jobs of this type are refused. " : "<span class=\"badge s-completed\">enabled</span> ")
            .Append("Source: ").Append(E(definition.Source)).Append(".</p>");
        if (definition.Source != "compiled")
        {
            html.Append("<form method=\"post\" action=\"").Append(E(r.Base)).Append("/definitions/").Append(U(definition.JobType)).Append(definition.Disabled ? "/enable" : "/disable").Append("\">")
                .Append(r.CsrfField()).Append(r.Button(definition.Disabled ? "Enable" : "Disable", TokenScopes.Define, "btn")).Append("</form>");
        }

        html.Append("<p><a href=\"").Append(E(r.Base)).Append("/jobs?type=").Append(U(definition.JobType)).Append("\">Jobs of this type</a></p>");
        html.Append("<h2>Versions</h2><table><thead><tr><th>Version</th><th>Uploaded</th><th>By</th><th>SHA-256</th><th>Tasks</th></tr></thead><tbody>");
        foreach (var v in definition.Versions.OrderByDescending(v => v.Version))
        {
            var current = shown?.Version == v.Version;
            html.Append("<tr").Append(current ? " class=\"current\"" : string.Empty).Append("><td><a href=\"").Append(E(r.Base)).Append("/definitions/").Append(U(definition.JobType)).Append("?version=").Append(v.Version).Append("\">")
                .Append(v.Version).Append("</a></td><td>").Append(TimeTag(v.CreatedAt)).Append("</td><td>").Append(E(v.CreatedBy)).Append("</td><td><code>").Append(E(v.Sha256[..Math.Min(12, v.Sha256.Length)]))
                .Append("</code></td><td>").Append(E(string.Join(", ", v.Tasks))).Append("</td></tr>");
        }

        html.Append("</tbody></table>");
        if (shown is not null)
        {
            html.Append("<h2>Version ").Append(shown.Version).Append("</h2><div class=\"dag-wrap\">")
                .Append(DagSvg.Render(shown.Definition, new Dictionary<string, string>(StringComparer.Ordinal))).Append("</div>");
            html.Append("<h3>Diagnostics</h3>").Append(diagnostics.Count == 0 ? "<p class=\"muted\">None: the validator has nothing to say about this version.</p>" : string.Empty);
            html.Append(Source(shown.Source, diagnostics));
        }

        return html.ToString();
    }

    /// <summary>The source with line numbers, each diagnostic under the line it is on.</summary>
    public static string Source(string text, IReadOnlyList<DiagnosticDto> diagnostics)
    {
        var html = new StringBuilder("<ol class=\"source\">");
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var here = diagnostics.Where(d => d.Line == i + 1).ToList();
            html.Append("<li").Append(here.Count > 0 ? " class=\"has-diag\"" : string.Empty).Append("><code>").Append(E(lines[i])).Append("</code>");
            foreach (var d in here)
            {
                html.Append("<div class=\"diag ").Append(E(d.Severity)).Append("\" data-diagnostic=\"").Append(E(d.Id)).Append("\">").Append(E(d.Id)).Append(' ').Append(E(d.Severity))
                    .Append(" (line ").Append(d.Line).Append(", column ").Append(d.Col).Append("): ").Append(E(d.Message)).Append("</div>");
            }

            html.Append("</li>");
        }

        html.Append("</ol>");
        var elsewhere = diagnostics.Where(d => d.Line < 1 || d.Line > lines.Length).ToList();
        foreach (var d in elsewhere)
        {
            html.Append("<div class=\"diag ").Append(E(d.Severity)).Append("\" data-diagnostic=\"").Append(E(d.Id)).Append("\">").Append(E(d.Id)).Append(": ").Append(E(d.Message)).Append("</div>");
        }

        return html.ToString();
    }
}
