using System.Text;
using Workflows.Dashboard.Reading;
using Workflows.Dashboard.Rendering;
using Workflows.Marten;
using Workflows.Marten.Tokens;
using Workflows.Runtime;
using static Workflows.Dashboard.Rendering.Html;

namespace Workflows.Dashboard.Pages;

/// <summary>Jobs: the filter form, the table (refreshed live), the next-page link, and the bulk retry of the filtered set.</summary>
internal static class JobsPage
{
    public static string Render(DashboardRequest r, JobFilter filter, DashboardQueries.JobPage page, IReadOnlyList<string> jobTypes)
    {
        var html = new StringBuilder("<h1>Jobs</h1>");
        html.Append("<form class=\"filters\" method=\"get\" action=\"").Append(E(r.Base)).Append("/jobs\">")
            .Append("<label>State <select name=\"status\"><option value=\"\">any</option>");
        foreach (var s in Enum.GetValues<JobStatus>().Where(s => s != JobStatus.None))
        {
            html.Append("<option value=\"").Append(Word(s)).Append('"').Append(filter.Status == s ? " selected" : string.Empty).Append('>').Append(Word(s)).Append("</option>");
        }

        html.Append("</select></label><label>Type <select name=\"type\"><option value=\"\">any</option>");
        foreach (var t in jobTypes)
        {
            html.Append("<option").Append(filter.JobType == t ? " selected" : string.Empty).Append('>').Append(E(t)).Append("</option>");
        }

        html.Append("</select></label>")
            .Append("<label>Submitted by <input name=\"by\" value=\"").Append(E(filter.SubmittedBy)).Append("\" size=\"10\"></label>")
            .Append("<label>From <input type=\"datetime-local\" name=\"from\" value=\"").Append(E(filter.From?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture))).Append("\"></label>")
            .Append("<label>To <input type=\"datetime-local\" name=\"to\" value=\"").Append(E(filter.To?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture))).Append("\"></label>")
            .Append("<label>Text in params <input name=\"q\" value=\"").Append(E(filter.Text)).Append("\" size=\"12\"></label>")
            .Append("<button type=\"submit\" class=\"btn\">Filter</button> <a href=\"").Append(E(r.Base)).Append("/jobs\">clear</a>")
            .Append(" <span class=\"muted\">(times in UTC)</span></form>");
        html.Append("<div id=\"live\" data-fp=\"").Append(E(DashboardQueries.Fingerprint(page.Jobs))).Append("\">").Append(Table(r, filter, page)).Append("</div>");
        if (filter.Status is JobStatus.Failed or JobStatus.Cancelled)
        {
            html.Append("<p><a class=\"btn\" href=\"").Append(E(r.Base)).Append("/jobs/retry").Append(E(filter.ToQuery())).Append("\">Retry these ").Append(Word(filter.Status.Value)).Append(" jobs…</a> <span class=\"muted\">(a dry run lists what would happen first)</span></p>");
        }
        else
        {
            html.Append("<p class=\"muted\">Bulk retry: filter on state failed or cancelled.</p>");
        }

        return html.ToString();
    }

    public static string Table(DashboardRequest r, JobFilter filter, DashboardQueries.JobPage page)
    {
        var html = new StringBuilder();
        html.Append("<p class=\"muted\">").Append(E(page.TotalText)).Append(" matching job").Append(page.TotalText == "1" ? string.Empty : "s").Append(", newest first.</p>");
        html.Append("<table class=\"jobs\"><thead><tr><th>Job</th><th>Type</th><th>State</th><th>Tasks ok/failed</th><th>Created</th><th>Duration</th><th>Submitted by</th><th>Params</th></tr></thead><tbody>");
        foreach (var job in page.Jobs)
        {
            html.Append("<tr data-job=\"").Append(E(job.Id)).Append("\" data-state=\"").Append(Word(job.Status)).Append("\"><td><a href=\"").Append(E(r.Base)).Append("/jobs/").Append(U(job.Id)).Append("\"><code>")
                .Append(E(job.Id[..Math.Min(12, job.Id.Length)])).Append("…</code></a>").Append(job.RetryOf is null ? string.Empty : " <span class=\"tag\">retry</span>")
                .Append("</td><td>").Append(E(job.JobType)).Append("</td><td>").Append(Badge(job.Status))
                .Append(job.ErrorCode is { } code ? $" <code>{E(code)}</code>" : string.Empty).Append("</td><td>")
                .Append(job.Succeeded).Append(" / ").Append(job.Failed).Append("</td><td>").Append(TimeTag(job.CreatedAt)).Append("</td><td>")
                .Append(Duration(job.StartedAt, job.EndedAt)).Append("</td><td>").Append(E(job.SubmittedBy ?? "host")).Append("</td><td class=\"params\">")
                .Append(E(string.Join(" ", job.Params.Take(4).Select(p => p.Key + "=" + (p.Value.Length > 24 ? p.Value[..24] + "…" : p.Value))))).Append("</td></tr>");
        }

        html.Append("</tbody></table>");
        if (page.Jobs.Count == 0)
        {
            html.Append("<p class=\"muted\">No job matches.</p>");
        }

        if (page.NextCreated is { } next)
        {
            html.Append("<p><a class=\"btn\" rel=\"next\" href=\"").Append(E(r.Base)).Append("/jobs").Append(E((filter with { AfterCreated = next, AfterId = page.NextId }).ToQuery(withCursor: true)))
                .Append("\">Older jobs →</a></p>");
        }

        return html.ToString();
    }

    /// <summary>The bulk retry's dry run: each job of the filtered set and what a retry would do, then the button that retries them.</summary>
    public static string DryRun(DashboardRequest r, JobFilter filter, IReadOnlyList<(JobView Job, bool Retriable, string? Why)> rows)
    {
        var html = new StringBuilder("<h1>Retry ").Append(rows.Count).Append(" job").Append(rows.Count == 1 ? string.Empty : "s").Append(": dry run</h1>");
        html.Append("<p>Nothing has been retried yet. Each job below would be retried as a new job linked to it (its lineage keeps the history), through the same operation as <code>POST /api/jobs/requests/retry</code>.</p>");
        html.Append("<table class=\"dryrun\"><thead><tr><th>Job</th><th>Type</th><th>State</th><th>What would happen</th></tr></thead><tbody>");
        foreach (var (job, retriable, why) in rows)
        {
            html.Append("<tr data-job=\"").Append(E(job.Id)).Append("\"><td><a href=\"").Append(E(r.Base)).Append("/jobs/").Append(U(job.Id)).Append("\"><code>").Append(E(job.Id)).Append("</code></a></td><td>")
                .Append(E(job.JobType)).Append("</td><td>").Append(Badge(job.Status)).Append("</td><td>")
                .Append(retriable ? "<span class=\"would ok\">would be retried</span>" : $"<span class=\"would no\">would be refused: {E(why)}</span>").Append("</td></tr>");
        }

        html.Append("</tbody></table>");
        var ids = rows.Where(x => x.Retriable).Select(x => x.Job.Id).ToList();
        html.Append("<form method=\"post\" action=\"").Append(E(r.Base)).Append("/jobs/retry\">").Append(r.CsrfField());
        foreach (var id in ids)
        {
            html.Append("<input type=\"hidden\" name=\"id\" value=\"").Append(E(id)).Append("\">");
        }

        html.Append("<label><input type=\"checkbox\" name=\"resume\" value=\"true\"> resume each from its failed task (keep completed tasks)</label> ")
            .Append(ids.Count == 0 ? "<button class=\"btn\" disabled>Nothing to retry</button>" : r.Button($"Retry {ids.Count} job{(ids.Count == 1 ? string.Empty : "s")}", TokenScopes.Retry, "btn primary"))
            .Append(" <a href=\"").Append(E(r.Base)).Append("/jobs").Append(E(filter.ToQuery())).Append("\">back</a></form>");
        return html.ToString();
    }

    /// <summary>The bulk retry's answer, per job.</summary>
    public static string Retried(DashboardRequest r, Api.Contracts.BulkRetryDto result)
    {
        var html = new StringBuilder("<h1>Bulk retry</h1><p>").Append(result.Retried).Append(" retried, ").Append(result.Refused).Append(" refused.</p>");
        html.Append("<table><thead><tr><th>Job</th><th>Result</th></tr></thead><tbody>");
        foreach (var item in result.Results)
        {
            html.Append("<tr><td><a href=\"").Append(E(r.Base)).Append("/jobs/").Append(U(item.Id)).Append("\"><code>").Append(E(item.Id)).Append("</code></a></td><td>")
                .Append(item.RetryId is { } retry ? $"retried as <a href=\"{E(r.Base)}/jobs/{U(retry)}\"><code>{E(retry)}</code></a>"
                    : item.RetriedBy is { } by ? $"already retried by <a href=\"{E(r.Base)}/jobs/{U(by)}\"><code>{E(by)}</code></a>"
                    : $"refused: {E(item.Error?.Error)}")
                .Append("</td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }
}
