using System.Text;
using Workflows.Api.Contracts;
using Workflows.Dashboard.Rendering;
using Workflows.Marten.Tokens;
using static Workflows.Dashboard.Rendering.Html;

namespace Workflows.Dashboard.Pages;

/// <summary>Approvals: the gates waiting for votes, with approve and reject (the API's vote operation).</summary>
internal static class ApprovalsPage
{
    public static string Render(DashboardRequest r, PendingApprovalsDto pending)
    {
        var html = new StringBuilder("<h1>Approvals</h1>");
        if (pending.Approvals.Count == 0)
        {
            return html.Append("<p class=\"muted\">No job waits for an approval.</p>").ToString();
        }

        html.Append("<table><thead><tr><th>Job</th><th>Task</th><th>Waiting since</th><th>Deadline</th><th>Votes</th><th>Policy</th><th>Vote</th></tr></thead><tbody>");
        foreach (var a in pending.Approvals)
        {
            html.Append("<tr data-job=\"").Append(E(a.JobId)).Append("\"><td><a href=\"").Append(E(r.Base)).Append("/jobs/").Append(U(a.JobId)).Append("\">").Append(E(a.JobType)).Append(" <code>")
                .Append(E(a.JobId[..Math.Min(12, a.JobId.Length)])).Append("…</code></a></td><td>").Append(E(a.TaskType)).Append(a.Description is { } d ? $"<br><span class=\"muted\">{E(d)}</span>" : string.Empty)
                .Append("</td><td>").Append(TimeTag(a.WaitingSince)).Append("</td><td>").Append(TimeTag(a.Deadline)).Append(a.Escalated ? " <span class=\"tag\">escalated</span>" : string.Empty).Append("</td><td>")
                .Append(a.Approvals).Append(" approved, ").Append(a.Rejections).Append(" rejected").Append(string.Concat(a.Votes.Select(v => $"<br><span class=\"muted\">{E(v.Voter)}: {E(v.Decision)}</span>")))
                .Append("</td><td>at least ").Append(a.Policy.MinApprovals).Append(a.Policy.AllowedRoles.Count > 0 ? ", roles " + E(string.Join(", ", a.Policy.AllowedRoles)) : string.Empty)
                .Append(a.Policy.AllowedUsers.Count > 0 ? ", users " + E(string.Join(", ", a.Policy.AllowedUsers)) : string.Empty).Append("</td><td>")
                .Append("<form method=\"post\" action=\"").Append(E(r.Base)).Append("/approvals/").Append(U(a.JobId)).Append('/').Append(U(a.TaskType)).Append("\">").Append(r.CsrfField())
                .Append("<input name=\"comments\" placeholder=\"comment\" size=\"12\"> ")
                .Append(r.Button("Approve", TokenScopes.Approve, "btn primary", "decision", "approve")).Append(' ')
                .Append(r.Button("Reject", TokenScopes.Approve, "btn danger", "decision", "reject")).Append("</form></td></tr>");
        }

        return html.Append("</tbody></table>").ToString();
    }
}
