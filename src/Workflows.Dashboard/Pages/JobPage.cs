using System.Globalization;
using System.Text;
using Workflows.Api.Contracts;
using Workflows.Dashboard.Rendering;
using Workflows.Definitions;
using Workflows.Marten.Logs;
using Workflows.Marten.Notifications;
using Workflows.Marten.Tokens;
using Workflows.Runtime;
using Workflows.Runtime.Scheduling;
using static Workflows.Dashboard.Rendering.Html;

namespace Workflows.Dashboard.Pages;

/// <summary>One job: summary (with why it was skipped, and its schedule), actions, the DAG, each task's attempts, logs (streamed while it runs), lineage, artifacts, notifications and events.</summary>
internal static class JobPage
{
    public sealed record Model(
        JobDto Job, JobDefinition? Definition, IReadOnlyList<EventDto> Events, IReadOnlyList<TaskLogLine> Logs, LineageDto? Lineage, IReadOnlyList<ArtifactDto> Artifacts,
        IReadOnlyList<NotificationRecord> Notifications);

    public static string Render(DashboardRequest r, Model m)
    {
        var job = m.Job;
        var html = new StringBuilder();
        html.Append("<h1>").Append(E(job.JobType)).Append(" <code class=\"id\">").Append(E(job.Id)).Append("</code></h1>");
        html.Append("<div id=\"live\" data-fp=\"").Append(E(Fingerprint(job))).Append("\">").Append(Live(r, m)).Append("</div>");
        html.Append(Actions(r, job));
        html.Append(Logs(r, job, m.Logs));
        html.Append(Lineage(r, m));
        html.Append(Artifacts(r, m.Artifacts));
        html.Append(Notifications(m.Notifications));
        html.Append(Events(m.Events));
        return html.ToString();
    }

    /// <summary>What the live feed watches: the view changes with every event the job records.</summary>
    public static string Fingerprint(JobDto job) => $"{job.Status}:{job.JobAttempt}:{string.Join(',', (job.Tasks ?? []).Select(t => $"{t.TaskType}/{t.Status}/{t.Attempt}/{t.Attempts.Count}{(t.WaitingForTags is null ? string.Empty : "/waiting")}"))}";

    /// <summary>The part of the page that follows the job while it runs: summary, DAG and timeline.</summary>
    public static string Live(DashboardRequest r, Model m)
    {
        var job = m.Job;
        var html = new StringBuilder("<section class=\"summary\" data-state=\"").Append(Word(job.Status)).Append("\"><dl>");
        void Row(string name, string valueHtml) => html.Append("<dt>").Append(name).Append("</dt><dd>").Append(valueHtml).Append("</dd>");
        Row("State", Badge(job.Status) + (job.ErrorCode is { } code ? $" <code>{E(code)}</code>" : string.Empty) + (job.FailedTask is { } failed ? $" at <a href=\"#task-{E(failed)}\">{E(failed)}</a>" : string.Empty));
        Row("Submitted by", E(job.SubmittedBy ?? "the host"));
        Row("Created", TimeTag(job.CreatedAt));
        Row("Started", TimeTag(job.StartedAt));
        Row("Ended", TimeTag(job.EndedAt) + (job.EndedAt is null ? string.Empty : " (" + Duration(job.StartedAt ?? job.CreatedAt, job.EndedAt) + ")"));
        Row("Job attempt", job.JobAttempt.ToString(System.Globalization.CultureInfo.InvariantCulture) + (job.Pauses > 0 ? $", {job.Pauses} pause(s)" : string.Empty));
        Row("Tasks", $"{job.Succeeded} completed, {job.Failed} failed, {job.Ignored} ignored");
        if (job.DefinitionVersion is { } version)
        {
            Row("Definition", $"<a href=\"{E(r.Base)}/definitions/{U(job.JobType)}?version={version}\">version {version}</a>");
        }

        if (job.CancelReason is { } reason)
        {
            Row("Cancelled because", E(reason));
        }

        if (Skipped(m.Events) is { } skipIf)
        {
            Row("Skipped", $"<span class=\"skipped\">its <code>skip_if</code> rendered <code>{E(skipIf)}</code> when it was about to start, which says true: it ran nothing and ended failed with <code>{ErrorCodes.FilteredJob}</code>.</span>");
        }

        if (job.Params.TryGetValue(CronSchedule.InstantParam, out var at) && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            var fired = job.Id == CronSchedule.JobId(job.JobType, instant);
            Row("Schedule", $"<span class=\"scheduled\">{TimeTag(instant)} · {(fired ? "fired at this instant by" : "started outside (Trigger now) of")} the <a href=\"{E(r.Base)}/schedules#schedule-{E(job.JobType)}\">schedule of {E(job.JobType)}</a></span>");
        }

        Row("Params", job.Params.Count == 0 ? "<span class=\"muted\">none</span>" :
            "<table class=\"kv\">" + string.Concat(job.Params.Select(p => $"<tr><th>{E(p.Key)}</th><td><code>{E(p.Value)}</code></td></tr>")) + "</table>");
        html.Append("</dl></section>");

        html.Append("<section><h2>Graph</h2>");
        if (m.Definition is { } definition)
        {
            var states = (job.Tasks ?? []).ToDictionary(t => t.TaskType, t => Word(t.Status), StringComparer.Ordinal);
            html.Append("<div class=\"dag-wrap\">").Append(DagSvg.Render(definition, states, "#task-")).Append("</div>")
                .Append("<p class=\"legend\"><span class=\"sw s-completed\"></span>completed <span class=\"sw s-started\"></span>running <span class=\"sw s-failed\"></span>failed <span class=\"sw s-scheduled\"></span>scheduled <span class=\"sw s-not_reached\"></span>not reached · solid arrows: the path taken</p>");
        }
        else
        {
            html.Append("<p class=\"muted\">The job's definition is not recorded.</p>");
        }

        html.Append("</section><section><h2>Timeline</h2>");
        var tasks = job.Tasks ?? [];
        if (tasks.Count == 0)
        {
            html.Append("<p class=\"muted\">No task has run yet.</p>");
        }

        html.Append("<table class=\"timeline\"><thead><tr><th>Task</th><th>Job attempt</th><th>Attempt</th><th>Started</th><th>Ended</th><th>Took</th><th>Exit code</th><th>Action</th><th>Error</th></tr></thead><tbody>");
        foreach (var task in tasks)
        {
            foreach (var a in task.Attempts)
            {
                html.Append("<tr class=\"attempt\" data-task=\"").Append(E(task.TaskType)).Append("\"><td><a href=\"#task-").Append(E(task.TaskType)).Append("\">").Append(E(task.TaskType)).Append("</a></td><td>")
                    .Append(a.JobAttempt).Append("</td><td>").Append(a.Attempt).Append("</td><td>").Append(TimeTag(a.StartedAt)).Append("</td><td>").Append(TimeTag(a.EndedAt)).Append("</td><td>")
                    .Append(Duration(a.StartedAt, a.EndedAt)).Append("</td><td class=\"exit\">").Append(a.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—").Append("</td><td><code>")
                    .Append(E(a.Action)).Append("</code></td><td>").Append(E(a.ErrorCode ?? a.ExceptionType)).Append("</td></tr>");
            }

            if (task.Status is not (TaskRunStatus.Completed or TaskRunStatus.Failed or TaskRunStatus.Cancelled))
            {
                html.Append("<tr class=\"attempt now\" data-task=\"").Append(E(task.TaskType)).Append("\"><td>").Append(E(task.TaskType)).Append("</td><td>").Append(job.JobAttempt).Append("</td><td>")
                    .Append(task.Attempt).Append("</td><td>").Append(TimeTag(task.StartedAt)).Append("</td><td colspan=\"5\">").Append(Badge(task.Status))
                    .Append(task.DueAt is { } due && task.Status == TaskRunStatus.Scheduled ? " due " + TimeTag(due) : string.Empty)
                    .Append(task.Polls > 0 ? $" · {task.Polls} poll(s)" : string.Empty)
                    .Append(task.WaitingForTags is { } tags ? " · <span class=\"waiting-tags\">waits for a host with tags <code>" + E(string.Join(", ", tags)) + "</code>: no live host has them all</span>" : string.Empty)
                    .Append("</td></tr>");
            }
        }

        html.Append("</tbody></table>");
        foreach (var skipped in m.Events.Where(e => e.Type == "task_skipped"))
        {
            var task = skipped.Data.TryGetProperty("task_type", out var t) ? t.GetString() : null;
            var except = skipped.Data.TryGetProperty("except", out var x) ? x.GetString() : null;
            html.Append("<p class=\"task-skipped\" data-task=\"").Append(E(task)).Append("\">Task <b>").Append(E(task)).Append("</b> was not run: its <code>except</code> rendered <code>")
                .Append(E(except)).Append("</code>, which says true, so it completed with exit code SKIPPED.</p>");
        }

        foreach (var task in tasks.Where(t => t.Outputs is { Count: > 0 }))
        {
            html.Append("<p>Outputs of <b>").Append(E(task.TaskType)).Append("</b>: ").Append(E(string.Join(", ", task.Outputs!.Select(o => o.Key + "=" + o.Value)))).Append("</p>");
        }

        return html.Append("</section>").ToString();
    }

    private static string Actions(DashboardRequest r, JobDto job)
    {
        var html = new StringBuilder("<section class=\"actions\"><h2>Actions</h2>");
        var ended = job.Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled;
        if (!ended)
        {
            html.Append("<form method=\"post\" action=\"").Append(E(r.Base)).Append("/jobs/").Append(U(job.Id)).Append("/cancel\">").Append(r.CsrfField())
                .Append(r.Button("Cancel job", TokenScopes.Submit, "btn danger")).Append("</form>");
        }

        if (ended && job.Status != JobStatus.Completed)
        {
            var parameters = string.Join("\n", job.Params.Select(p => p.Key + "=" + p.Value));
            html.Append("<form class=\"retry\" method=\"post\" action=\"").Append(E(r.Base)).Append("/jobs/").Append(U(job.Id)).Append("/retry\">").Append(r.CsrfField())
                .Append("<fieldset><legend>Retry</legend>")
                .Append("<label><input type=\"radio\" name=\"mode\" value=\"rerun\" checked> rerun from the start</label> ")
                .Append("<label><input type=\"radio\" name=\"mode\" value=\"resume\"> resume from the failed task</label>")
                .Append("<label class=\"block\">Params, one <code>name=value</code> a line (changes are recorded in the lineage)<textarea name=\"params\" rows=\"").Append(Math.Max(2, job.Params.Count + 1)).Append("\">")
                .Append(E(parameters)).Append("</textarea></label>")
                .Append(job.Retriable == false ? "<p class=\"muted\">The engine would refuse a retry now (see the lineage: a retry may be in flight, or the job type's max_manual_retries is reached).</p>" : string.Empty)
                .Append(r.Admin ? "<label class=\"block\"><input type=\"checkbox\" name=\"as_admin\" value=\"true\" checked> as admin (needed for another token's job)</label>" : string.Empty)
                .Append(r.Button("Retry job", TokenScopes.Retry, "btn primary")).Append("</fieldset></form>");
        }

        if (ended && job.Status == JobStatus.Completed)
        {
            html.Append("<p class=\"muted\">The job completed: nothing to cancel or retry.</p>");
        }

        return html.Append("</section>").ToString();
    }

    private static string Logs(DashboardRequest r, JobDto job, IReadOnlyList<TaskLogLine> lines)
    {
        var html = new StringBuilder("<section class=\"logs\"><h2>Logs</h2>");
        var ended = job.Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled;
        html.Append("<div data-log-stream=\"").Append(E(r.Base)).Append("/jobs/").Append(U(job.Id)).Append("/logs/live\"").Append(ended ? " data-ended" : string.Empty).Append('>');
        var names = (job.Tasks ?? []).Select(t => t.TaskType).Concat(lines.Select(l => l.TaskType)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var name in names)
        {
            html.Append("<details open id=\"task-").Append(E(name)).Append("\" class=\"log\" data-task=\"").Append(E(name)).Append("\"><summary>").Append(E(name)).Append("</summary><pre>");
            foreach (var line in lines.Where(l => l.TaskType == name))
            {
                html.Append(Line(line));
            }

            html.Append("</pre></details>");
        }

        if (names.Count == 0)
        {
            html.Append("<p class=\"muted none\">No log lines yet.</p>");
        }

        return html.Append("</div></section>").ToString();
    }

    /// <summary>One log line as the page shows it (the live stream sends the same markup).</summary>
    public static string Line(TaskLogLine line) =>
        $"<span class=\"l {line.Source.ToString().ToLowerInvariant()}\" data-key=\"{E(line.TaskType)}/{line.Attempt}/{line.Sequence}\"><i>#{line.Attempt} {line.Source.ToString().ToLowerInvariant()}</i> {E(line.Line)}</span>\n";

    private static string Lineage(DashboardRequest r, Model m)
    {
        var html = new StringBuilder("<section class=\"lineage\"><h2>Lineage</h2>");
        if (m.Lineage is not { } lineage || lineage.Jobs.Count <= 1 && m.Job.Children is not { Count: > 0 } && m.Job.ParentJobId is null)
        {
            return html.Append("<p class=\"muted\">No retries: this job is its own lineage.</p></section>").ToString();
        }

        if (m.Job.ParentJobId is { } parent)
        {
            html.Append("<p>Forked by <a href=\"").Append(E(r.Base)).Append("/jobs/").Append(U(parent)).Append("\"><code>").Append(E(parent)).Append("</code></a> (task ").Append(E(m.Job.ForkTask)).Append(").</p>");
        }

        html.Append("<ol class=\"lineage-graph\">");
        foreach (var j in lineage.Jobs)
        {
            var current = j.Id == m.Job.Id;
            html.Append("<li data-job=\"").Append(E(j.Id)).Append('"').Append(current ? " class=\"current\"" : string.Empty).Append("><a href=\"").Append(E(r.Base)).Append("/jobs/").Append(U(j.Id)).Append("\"><code>")
                .Append(E(j.Id)).Append("</code></a> ").Append(Badge(j.Status))
                .Append(j.RetryOf is null ? " <span class=\"tag\">root</span>" : " <span class=\"tag\">retry</span>")
                .Append(j.Id == lineage.EffectiveId ? " <span class=\"tag\">effective</span>" : string.Empty)
                .Append(j.Id == lineage.InFlightId ? " <span class=\"tag\">in flight</span>" : string.Empty)
                .Append(j.ResumedFrom is { } from ? $" resumed from <b>{E(from)}</b>" : string.Empty)
                .Append(j.ParamsChanged is { Count: > 0 } changed ? " params changed: " + E(string.Join(", ", changed.Select(c => c.Key + "=" + c.Value))) : string.Empty)
                .Append(j.SubmittedBy is { } by ? $" · by {E(by)}" : string.Empty)
                .Append("</li>");
        }

        html.Append("</ol>");
        if (m.Job.Children is { Count: > 0 } children)
        {
            html.Append("<h3>Forked jobs</h3><ul>");
            foreach (var child in children)
            {
                html.Append("<li><a href=\"").Append(E(r.Base)).Append("/jobs/").Append(U(child)).Append("\"><code>").Append(E(child)).Append("</code></a></li>");
            }

            html.Append("</ul>");
        }

        return html.Append("</section>").ToString();
    }

    private static string Artifacts(DashboardRequest r, IReadOnlyList<ArtifactDto> artifacts)
    {
        if (artifacts.Count == 0)
        {
            return string.Empty;
        }

        var html = new StringBuilder("<section><h2>Artifacts</h2><table><thead><tr><th>Task</th><th>Attempt</th><th>Name</th><th class=\"num\">Bytes</th><th>Stored</th></tr></thead><tbody>");
        foreach (var a in artifacts)
        {
            // The API's own URL (under /api) needs a bearer token; the dashboard serves the same download to its signed-in users.
            var url = r.Base + a.Url["/api".Length..];
            html.Append("<tr><td>").Append(E(a.TaskType)).Append("</td><td>").Append(a.Attempt).Append("</td><td><a href=\"").Append(E(url)).Append("\">").Append(E(a.Name)).Append("</a></td><td class=\"num\">")
                .Append(N(a.Size)).Append("</td><td>").Append(TimeTag(a.CreatedAt)).Append("</td></tr>");
        }

        return html.Append("</tbody></table></section>").ToString();
    }

    /// <summary>The rendered <c>skip_if</c> of the job's <c>job_skipped</c> event, or null when it was not skipped.</summary>
    private static string? Skipped(IReadOnlyList<EventDto> events) =>
        events.FirstOrDefault(e => e.Type == "job_skipped") is { } skipped
            ? skipped.Data.TryGetProperty("skip_if", out var text) ? text.GetString() ?? string.Empty : string.Empty
            : null;

    private static string Notifications(IReadOnlyList<NotificationRecord> notifications)
    {
        var html = new StringBuilder("<section class=\"notifications\"><h2>Notifications</h2>");
        if (notifications.Count == 0)
        {
            return html.Append("<p class=\"muted none\">None: its definition has no <code>notify</code> or <code>webhook</code> for what happened, or they are not recorded yet.</p></section>").ToString();
        }

        html.Append("<table><thead><tr><th>Event</th><th>Channel</th><th>Recipient</th><th>Status</th><th class=\"num\">Attempts</th><th>Sent</th><th>Last error</th></tr></thead><tbody>");
        foreach (var n in notifications)
        {
            // The recipient and the error are shown as the API lists them: a webhook's URL as the definition writes it (unrendered), errors with secrets masked.
            html.Append("<tr data-channel=\"").Append(E(n.Channel)).Append("\" data-state=\"").Append(E(n.State)).Append("\" data-status=\"").Append(E(n.Status)).Append("\"><td><code>")
                .Append(E(n.State)).Append("</code>").Append(n.TaskType is { } task ? $" of task {E(task)}" : string.Empty).Append("</td><td>").Append(E(n.Channel)).Append("</td><td class=\"recipient\"><code>")
                .Append(E(n.Recipient ?? "—")).Append("</code></td><td><span class=\"tag\">").Append(E(n.Status)).Append("</span></td><td class=\"num attempts\">").Append(n.Attempts).Append("</td><td>")
                .Append(TimeTag(n.SentAt)).Append("</td><td class=\"error\">").Append(E(n.LastError ?? string.Empty)).Append("</td></tr>");
        }

        return html.Append("</tbody></table></section>").ToString();
    }

    private static string Events(IReadOnlyList<EventDto> events)
    {
        var html = new StringBuilder("<section><details class=\"events\"><summary><h2>Events (").Append(events.Count).Append(")</h2></summary><table><thead><tr><th>#</th><th>At</th><th>Event</th><th>Data</th></tr></thead><tbody>");
        foreach (var e in events)
        {
            var data = e.Data.GetRawText();
            html.Append("<tr><td>").Append(e.Sequence).Append("</td><td>").Append(TimeTag(e.At)).Append("</td><td><code>").Append(E(e.Type)).Append("</code></td><td class=\"data\"><code>")
                .Append(E(data.Length > 400 ? data[..400] + "…" : data)).Append("</code></td></tr>");
        }

        return html.Append("</tbody></table></details></section>").ToString();
    }
}
