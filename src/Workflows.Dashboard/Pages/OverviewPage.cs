using System.Text;
using Workflows.Dashboard.Reading;
using Workflows.Dashboard.Rendering;
using Workflows.Runtime;
using static Workflows.Dashboard.Rendering.Html;

namespace Workflows.Dashboard.Pages;

/// <summary>Overview: jobs by state and type, the last day's throughput, the job types that failed, the workers' leases.</summary>
internal static class OverviewPage
{
    public static string Render(DashboardRequest r, DashboardQueries.Overview o)
    {
        var html = new StringBuilder("<h1>Overview</h1><section class=\"cards\">");
        foreach (var status in Enum.GetValues<JobStatus>().Where(s => s != JobStatus.None))
        {
            var n = o.ByState.GetValueOrDefault(status);
            html.Append("<a class=\"card s-").Append(Word(status)).Append("\" href=\"").Append(E(r.Base)).Append("/jobs?status=").Append(Word(status)).Append("\" data-state=\"").Append(Word(status)).Append("\">")
                .Append("<span class=\"count\">").Append(N(n)).Append("</span><span class=\"label\">").Append(Word(status).Replace('_', ' ')).Append("</span></a>");
        }

        html.Append("</section><div class=\"grid2\"><section><h2>Jobs by type</h2>");
        var types = o.ByType.GroupBy(t => t.JobType).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        if (types.Count == 0)
        {
            html.Append("<p class=\"muted\">No jobs yet.</p>");
        }
        else
        {
            var shown = new[] { JobStatus.Queued, JobStatus.Running, JobStatus.Completed, JobStatus.Failed, JobStatus.Cancelled };
            html.Append("<table><thead><tr><th>Job type</th>");
            foreach (var s in shown)
            {
                html.Append("<th class=\"num\">").Append(Word(s)).Append("</th>");
            }

            html.Append("<th class=\"num\">other</th><th class=\"num\">all</th></tr></thead><tbody>");
            foreach (var g in types)
            {
                html.Append("<tr><td><a href=\"").Append(E(r.Base)).Append("/jobs?type=").Append(U(g.Key)).Append("\">").Append(E(g.Key)).Append("</a></td>");
                foreach (var s in shown)
                {
                    var n = g.Where(t => t.Status == s).Sum(t => t.Count);
                    html.Append("<td class=\"num\">").Append(n == 0 ? "·" : $"<a href=\"{E(r.Base)}/jobs?type={U(g.Key)}&amp;status={Word(s)}\">{N(n)}</a>").Append("</td>");
                }

                html.Append("<td class=\"num\">").Append(N(g.Where(t => !shown.Contains(t.Status)).Sum(t => t.Count))).Append("</td><td class=\"num\">").Append(N(g.Sum(t => t.Count))).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        html.Append("</section><section><h2>Throughput, last 24 hours</h2>");
        if (o.Throughput.Count == 0)
        {
            html.Append("<p class=\"muted\">No job ended in the last 24 hours.</p>");
        }
        else
        {
            var max = Math.Max(1, o.Throughput.Max(t => t.Completed + t.Failed));
            html.Append("<div class=\"bars\" role=\"img\" aria-label=\"Jobs ended per hour\">");
            foreach (var (hour, completed, failed) in o.Throughput)
            {
                html.Append("<div class=\"bar\" title=\"").Append(E($"{Time(hour)}: {completed} completed, {failed} failed")).Append("\">")
                    .Append("<div class=\"f\" style=\"height:").Append(100 * failed / max).Append("%\"></div>")
                    .Append("<div class=\"c\" style=\"height:").Append(100 * completed / max).Append("%\"></div>")
                    .Append("<span>").Append(hour.UtcDateTime.ToString("HH", System.Globalization.CultureInfo.InvariantCulture)).Append("</span></div>");
            }

            html.Append("</div><p class=\"muted\">").Append(N(o.Throughput.Sum(t => t.Completed))).Append(" completed, ").Append(N(o.Throughput.Sum(t => t.Failed))).Append(" failed.</p>");
        }

        html.Append("<h2>Failing job types, last 24 hours</h2>");
        if (o.Failing.Count == 0)
        {
            html.Append("<p class=\"muted\">None.</p>");
        }
        else
        {
            html.Append("<table><thead><tr><th>Job type</th><th class=\"num\">failed</th><th>last error</th><th>last failed</th></tr></thead><tbody>");
            foreach (var (type, failed, error, at) in o.Failing)
            {
                html.Append("<tr><td><a href=\"").Append(E(r.Base)).Append("/jobs?type=").Append(U(type)).Append("&amp;status=failed\">").Append(E(type)).Append("</a></td><td class=\"num\">")
                    .Append(N(failed)).Append("</td><td><code>").Append(E(error)).Append("</code></td><td>").Append(TimeTag(at)).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        html.Append("<h2>Workers</h2>");
        html.Append("<p>").Append(N(o.DueUnclaimed)).Append(" due piece").Append(o.DueUnclaimed == 1 ? string.Empty : "s").Append(" of work waiting for a worker.</p>");
        if (o.Hosts.Count == 0)
        {
            html.Append("<p class=\"muted\">No host has been seen in the last ").Append(N((long)DashboardQueries.AliveWithin.TotalSeconds)).Append(" s.</p>");
        }
        else
        {
            html.Append("<table id=\"hosts\"><thead><tr><th>Host alive (lease owner)</th><th>started</th><th>last seen</th><th class=\"num\">slots busy</th><th class=\"num\">leases held</th><th>tags</th></tr></thead><tbody>");
            var leases = o.Workers.ToDictionary(w => w.Owner, w => w.Leases, StringComparer.Ordinal);
            foreach (var host in o.Hosts)
            {
                html.Append("<tr><td><code>").Append(E(host.Owner)).Append("</code></td><td>").Append(TimeTag(host.StartedAt)).Append("</td><td>").Append(TimeTag(host.SeenAt))
                    .Append("</td><td class=\"num\">").Append(N(host.Busy)).Append(" of ").Append(N(host.Slots))
                    .Append("</td><td class=\"num\">").Append(N(leases.GetValueOrDefault(host.Owner)))
                    .Append("</td><td>").Append(host.Tags.Count == 0 ? "<span class=\"muted\">none</span>" : "<code>" + E(string.Join(", ", host.Tags)) + "</code>").Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        if (o.Workers.Count == 0)
        {
            html.Append("<p class=\"muted\">No worker holds a lease now (no task is running).</p>");
        }
        else
        {
            html.Append("<table><thead><tr><th>Leases by owner</th><th class=\"num\">leases held</th><th>latest lease until</th></tr></thead><tbody>");
            foreach (var (owner, leases, until) in o.Workers)
            {
                html.Append("<tr><td><code>").Append(E(owner)).Append("</code></td><td class=\"num\">").Append(N(leases)).Append("</td><td>").Append(TimeTag(until)).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        return html.Append("</section></div>").ToString();
    }
}
