using System.Globalization;
using System.Text;
using Workflows.Api.Contracts;
using Workflows.Dashboard.Rendering;
using Workflows.Marten;
using Workflows.Marten.Tokens;
using static Workflows.Dashboard.Rendering.Html;

namespace Workflows.Dashboard.Pages;

/// <summary>
/// Schedules: every cron schedule as the API lists it (its next instants, paused or not, the last instant fired and its
/// job, the instants it did not run), with pause, resume and trigger now (the API's operations).
/// </summary>
internal static class SchedulesPage
{
    /// <summary>A schedule's last instant and, when that instant fired, its job (null when the instant is only where the schedule started counting).</summary>
    public sealed record Row(ScheduleDto Schedule, JobView? LastJob);

    public static string Render(DashboardRequest r, IReadOnlyList<Row> rows)
    {
        var html = new StringBuilder("<h1>Schedules</h1>");
        html.Append("<p class=\"muted\">Job types whose definition has a <code>cron_trigger</code> (the latest enabled version, or a compiled workflow). ")
            .Append("Times are UTC; a schedule with a time zone shows the local time beside. See docs/schedules.md.</p>");
        if (rows.Count == 0)
        {
            return html.Append("<p class=\"muted none\">No schedule: no enabled job type has a <code>cron_trigger</code>.</p>").ToString();
        }

        var mayAct = rows.Any(x => MayPause(r, x.Schedule.JobType)) || MayTrigger(r);
        if (!mayAct)
        {
            html.Append("<p class=\"muted note\">").Append(E(r.Disabled(TokenScopes.Define) ?? r.Disabled(TokenScopes.Submit)))
                .Append(" Pausing and resuming a schedule needs the <code>define</code> scope, triggering it <code>submit</code>.</p>");
        }

        html.Append("<table class=\"schedules\"><thead><tr><th>Job type</th><th>Definition</th><th>Cron</th><th>Next instants</th><th>State</th><th>Last fired</th><th>Missed</th>")
            .Append(mayAct ? "<th>Actions</th>" : string.Empty).Append("</tr></thead><tbody>");
        foreach (var (s, last) in rows)
        {
            var zone = Zone(s.TimeZone);
            html.Append("<tr id=\"schedule-").Append(E(s.JobType)).Append("\" data-schedule=\"").Append(E(s.JobType)).Append("\" data-paused=\"").Append(s.Paused ? "true" : "false").Append("\">");
            html.Append("<td class=\"type\"><a href=\"").Append(E(r.Base)).Append("/definitions/").Append(U(s.JobType)).Append("\">").Append(E(s.JobType)).Append("</a></td>");
            html.Append("<td class=\"version\">").Append(s.Version is { } v ? $"<a href=\"{E(r.Base)}/definitions/{U(s.JobType)}?version={v}\">version {v}</a>" : "compiled").Append("</td>");
            html.Append("<td class=\"cron\"><code>").Append(E(s.Cron)).Append("</code><br><span class=\"muted tz\">").Append(E(s.TimeZone ?? "UTC")).Append("</span></td>");

            html.Append("<td class=\"next\">");
            if (s.NextInstants.Count == 0)
            {
                html.Append("<span class=\"muted\">").Append(s.Paused ? "none while paused" : "none").Append("</span>");
            }
            else
            {
                html.Append("<ol class=\"instants\">");
                foreach (var at in s.NextInstants)
                {
                    html.Append("<li>").Append(TimeTag(at)).Append(Local(at, zone)).Append("</li>");
                }

                html.Append("</ol>");
            }

            html.Append("</td><td class=\"state\">");
            html.Append(s.Paused
                ? "<span class=\"badge s-paused\">paused</span>" + (s.PausedBy is { } by ? $" by {E(by)}" : string.Empty) + (s.PausedAt is { } pausedAt ? " since " + TimeTag(pausedAt) : string.Empty)
                : "<span class=\"badge s-running\">active</span>");
            html.Append("</td><td class=\"last\">");
            if (last is not null)
            {
                html.Append(TimeTag(s.LastInstant)).Append(Local(s.LastInstant, zone)).Append("<br><a href=\"").Append(E(r.Base)).Append("/jobs/").Append(U(last.Id)).Append("\"><code>")
                    .Append(E(last.Id)).Append("</code></a> ").Append(Badge(last.Status));
            }
            else if (s.LastInstant is { } instant && s.Missed.Any(m => m.Instant == instant))
            {
                html.Append(TimeTag(instant)).Append(Local(instant, zone)).Append(" <span class=\"muted\">not run (see Missed)</span>");
            }
            else
            {
                // A schedule's last instant before it first fires is where it started counting (its upload, version or resume).
                html.Append("<span class=\"muted\">").Append(s.LastInstant is { } since ? "no job fired yet; counting from " + TimeTag(since) : "no job fired yet").Append("</span>");
            }

            html.Append("</td><td class=\"missed\" data-total=\"").Append(s.MissedTotal.ToString(CultureInfo.InvariantCulture)).Append("\">");
            if (s.MissedTotal == 0)
            {
                html.Append("<span class=\"muted\">none</span>");
            }
            else
            {
                html.Append("<details><summary>").Append(N(s.MissedTotal)).Append(s.MissedTotal == 1 ? " instant" : " instants").Append(" not run</summary><ul class=\"misses\">");
                foreach (var m in s.Missed)
                {
                    html.Append("<li>").Append(TimeTag(m.Instant)).Append(": ").Append(E(m.Reason)).Append("</li>");
                }

                html.Append("</ul>").Append(s.MissedTotal > s.Missed.Count ? $"<span class=\"muted\">the latest {s.Missed.Count} shown</span>" : string.Empty).Append("</details>");
            }

            html.Append("</td>");
            if (mayAct)
            {
                html.Append("<td class=\"actions\">").Append(Actions(r, s)).Append("</td>");
            }

            html.Append("</tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }

    private static string Actions(DashboardRequest r, ScheduleDto s)
    {
        var html = new StringBuilder();
        var path = $"{E(r.Base)}/schedules/{U(s.JobType)}";
        if (MayPause(r, s.JobType))
        {
            html.Append("<form method=\"post\" action=\"").Append(path).Append(s.Paused ? "/resume" : "/pause").Append("\">").Append(r.CsrfField())
                .Append(s.Paused ? "<button type=\"submit\" class=\"btn primary\">Resume</button>" : "<button type=\"submit\" class=\"btn\">Pause</button>").Append("</form> ");
        }

        if (MayTrigger(r))
        {
            html.Append("<form method=\"post\" action=\"").Append(path).Append("/trigger\">").Append(r.CsrfField())
                .Append("<button type=\"submit\" class=\"btn\" title=\"Start a job now, outside the schedule (the schedule is unchanged)\">Trigger now</button></form>");
        }

        return html.ToString();
    }

    /// <summary>As the API's operation decides: <c>define</c>, or <c>define:JOB_TYPE</c>, or admin; and a dashboard that allows actions.</summary>
    private static bool MayPause(DashboardRequest r, string jobType) => r.Options.Mode == DashboardMode.Full && r.Caller?.MayDefine(jobType) == true;

    private static bool MayTrigger(DashboardRequest r) => r.May(TokenScopes.Submit);

    private static TimeZoneInfo? Zone(string? id)
    {
        if (id is null)
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }

    /// <summary>The instant's wall-clock time in the schedule's zone, for reading beside the UTC time.</summary>
    private static string Local(DateTimeOffset? at, TimeZoneInfo? zone)
    {
        if (at is not { } t || zone is null)
        {
            return string.Empty;
        }

        var local = TimeZoneInfo.ConvertTime(t, zone);
        var text = local.ToString(local.Date == t.UtcDateTime.Date ? "HH:mm" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        return $" <span class=\"muted local\">({text} local)</span>";
    }
}
