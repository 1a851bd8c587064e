using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Workflows.Api.Contracts;
using Workflows.Api.Operations;
using Workflows.Api.Security;
using Workflows.Dashboard.Pages;
using Workflows.Dashboard.Reading;
using Workflows.Dashboard.Rendering;
using Workflows.Dashboard.Security;
using Workflows.Marten;
using Workflows.Marten.Tokens;
using Workflows.Runtime;

namespace Workflows.Dashboard.Endpoints;

/// <summary>
/// The actions (POST, anti-forgery checked): sign-in and sign-out, cancel, retry, bulk retry, enable/disable and
/// upload definitions, vote, pause/resume/trigger schedules. Each calls the same <see cref="WorkflowsOperations"/> method as the HTTP API's endpoint,
/// with the signed-in token as the caller, so the engine's rules and its record of who did it are the API's.
/// </summary>
internal static class ActionEndpoints
{
    public static void Map(RouteGroupBuilder group, string root)
    {
        group.MapPost("/signin", async (HttpContext context, DashboardSession session, SignInThrottle throttle, IOptions<WorkflowsDashboardOptions> options) =>
        {
            var r = DashboardRequest.Create(context, root, null);
            if (!await Gate.ValidAsync(context))
            {
                return Html.Page(SignInPage.Render(r, null, "The sign-in form expired (anti-forgery check); it has been renewed: sign in again."), 400);
            }

            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var back = form["return"].ToString();
            var token = form["token"].ToString();
            if (throttle.Blocked(context.Connection.RemoteIpAddress) is { } wait)
            {
                context.Response.Headers.RetryAfter = SignInThrottle.RetryAfter(wait);
                return Html.Page(SignInPage.Render(r, back, throttle.Message(wait)), 429);
            }

            if (string.IsNullOrWhiteSpace(token) || await session.SignInAsync(context, token, r.CookiePath, options.Value.SignInLifetime) is null)
            {
                throttle.Failed(context.Connection.RemoteIpAddress);
                return Html.Page(SignInPage.Render(r, back, "That token is unknown, malformed or revoked. `workflows tokens list` on the host shows the live tokens; `workflows tokens create NAME` makes one."), 401);
            }

            // Only a path of this dashboard is followed back (never another site).
            var target = back.StartsWith(r.Base + "/", StringComparison.Ordinal) && !back.StartsWith("//", StringComparison.Ordinal) ? back : r.Base + "/";
            return Results.Redirect(target);
        });

        group.MapPost("/signout", async (HttpContext context) =>
        {
            var r = DashboardRequest.Create(context, root, null);
            if (await Gate.ValidAsync(context))
            {
                DashboardSession.SignOut(context, r.CookiePath);
            }

            return Results.Redirect(r.Base + "/signin");
        });

        group.MapPost("/jobs/{id}/cancel", async (string id, HttpContext context, WorkflowsOperations operations) =>
        {
            var (r, _, refusal) = await Gate.ActionAsync(context, root, TokenScopes.Submit, "cancel jobs");
            if (r is null)
            {
                return refusal!;
            }

            var result = await operations.CancelJobAsync(Gate.Caller(r), id, context.RequestAborted);
            return result.IsSuccess ? Results.Redirect($"{r.Base}/jobs/{Uri.EscapeDataString(id)}?ok=cancelled") : Gate.Refuse(r, result.Status, result.Error!.Error);
        });

        group.MapPost("/jobs/{id}/retry", async (string id, HttpContext context, WorkflowsOperations operations, JobStore jobs) =>
        {
            var (r, form, refusal) = await Gate.ActionAsync(context, root, TokenScopes.Retry, "retry jobs");
            if (r is null)
            {
                return refusal!;
            }

            var (parameters, error) = ParseParams(form!["params"].ToString());
            if (error is not null)
            {
                return Gate.Refuse(r, 400, error);
            }

            // Only the params that differ from the retried job's are sent: the lineage records exactly what was changed.
            var view = await jobs.GetAsync(id, context.RequestAborted);
            var changed = parameters!.Where(p => view?.Params.GetValueOrDefault(p.Key) != p.Value)
                .ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value));
            var body = new RetryBody { Resume = form["mode"] == "resume", Params = changed, AsAdmin = form["as_admin"] == "true" };
            var result = await operations.RetryAsync(Gate.Caller(r), id, body, context.RequestAborted);
            return result.IsSuccess ? Results.Redirect($"{r.Base}/jobs/{Uri.EscapeDataString(result.Value!.Id)}?ok=retried") : Gate.Refuse(r, result.Status, result.Error!.Error);
        });

        group.MapGet("/jobs/retry", async (HttpContext context, DashboardQueries queries, WorkflowsOperations operations) =>
        {
            var (r, refusal) = await Gate.PageAsync(context, root);
            if (r is null)
            {
                return refusal!;
            }

            var (filter, error) = JobFilter.Parse(context.Request.Query);
            if (filter is null || filter.Status is not (JobStatus.Failed or JobStatus.Cancelled))
            {
                return Gate.Refuse(r, 400, error ?? "Bulk retry takes a filter on state failed or cancelled: filter the Jobs page first.");
            }

            // The dry run asks the engine, job by job, what the retry endpoint would answer (the same 'retriable' the API reports).
            var page = await queries.JobsAsync(filter with { Limit = Math.Min(filter.Limit, 200) }, context.RequestAborted);
            var rows = new List<(JobView, bool, string?)>();
            foreach (var job in page.Jobs)
            {
                var dto = await operations.GetJobAsync(job.Id, context.RequestAborted);
                var mine = r.Caller!.MayChange(job);
                var why = dto.Value?.Retriable != true ? "the engine would refuse it now (a retry of its lineage is in flight, or max_manual_retries is reached)"
                    : !mine ? $"it was submitted by '{job.SubmittedBy ?? "the host"}', and your token is neither that one nor an admin"
                    : null;
                rows.Add((job, why is null, why));
            }

            return Html.Page(Layout.Render(r, "Bulk retry", "Jobs", JobsPage.DryRun(r, filter, rows)));
        });

        group.MapPost("/jobs/retry", async (HttpContext context, WorkflowsOperations operations) =>
        {
            var (r, form, refusal) = await Gate.ActionAsync(context, root, TokenScopes.Retry, "retry jobs");
            if (r is null)
            {
                return refusal!;
            }

            var ids = form!["id"].Where(i => !string.IsNullOrEmpty(i)).Select(i => i!).ToList();
            var result = await operations.RetryManyAsync(Gate.Caller(r), new BulkRetryBody { Ids = ids, Resume = form["resume"] == "true", AsAdmin = r.Admin }, context.RequestAborted);
            return result.IsSuccess ? Html.Page(Layout.Render(r, "Bulk retry", "Jobs", JobsPage.Retried(r, result.Value!))) : Gate.Refuse(r, result.Status, result.Error!.Error);
        });

        group.MapPost("/definitions/upload", async (HttpContext context, WorkflowsOperations operations) =>
        {
            var (r, form, refusal) = await Gate.ActionAsync(context, root, TokenScopes.Define, "upload definitions");
            if (r is null)
            {
                return refusal!;
            }

            var text = form!["yaml"].ToString();
            var result = await operations.UploadDefinitionAsync(Gate.Caller(r), text, context.RequestAborted);
            if (result.IsSuccess)
            {
                return Results.Redirect($"{r.Base}/definitions/{Uri.EscapeDataString(result.Value!.JobType)}");
            }

            var list = await operations.ListDefinitionsAsync(context.RequestAborted);
            return Html.Page(Layout.Render(r, "Definitions", "Definitions", DefinitionsPage.List(r, list.Value ?? [], text, result.Error)), result.Status);
        });

        foreach (var (verb, disabled) in new[] { ("disable", true), ("enable", false) })
        {
            group.MapPost("/definitions/{jobType}/" + verb, async (string jobType, HttpContext context, WorkflowsOperations operations) =>
            {
                var (r, _, refusal) = await Gate.ActionAsync(context, root, TokenScopes.Define, verb + " job types");
                if (r is null)
                {
                    return refusal!;
                }

                var result = await operations.SetDefinitionDisabledAsync(Gate.Caller(r), jobType, disabled, context.RequestAborted);
                return result.IsSuccess ? Results.Redirect($"{r.Base}/definitions/{Uri.EscapeDataString(jobType)}") : Gate.Refuse(r, result.Status, result.Error!.Error);
            });
        }

        foreach (var (verb, pause) in new[] { ("pause", true), ("resume", false) })
        {
            group.MapPost("/schedules/{jobType}/" + verb, async (string jobType, HttpContext context, WorkflowsOperations operations) =>
            {
                var (r, _, refusal) = await Gate.ActionAsync(context, root, TokenScopes.Define, verb + " schedules");
                if (r is null)
                {
                    return refusal!;
                }

                var result = pause
                    ? await operations.PauseScheduleAsync(Gate.Caller(r), jobType, context.RequestAborted)
                    : await operations.ResumeScheduleAsync(Gate.Caller(r), jobType, context.RequestAborted);
                return result.IsSuccess ? Results.Redirect($"{r.Base}/schedules?ok={verb}d#schedule-{Uri.EscapeDataString(jobType)}") : Gate.Refuse(r, result.Status, result.Error!.Error);
            });
        }

        group.MapPost("/schedules/{jobType}/trigger", async (string jobType, HttpContext context, WorkflowsOperations operations) =>
        {
            var (r, _, refusal) = await Gate.ActionAsync(context, root, TokenScopes.Submit, "trigger schedules");
            if (r is null)
            {
                return refusal!;
            }

            var result = await operations.TriggerScheduleAsync(Gate.Caller(r), jobType, context.RequestAborted);
            return result.IsSuccess ? Results.Redirect($"{r.Base}/jobs/{Uri.EscapeDataString(result.Value!.Id)}?ok=triggered") : Gate.Refuse(r, result.Status, result.Error!.Error);
        });

        group.MapPost("/approvals/{id}/{taskType}", async (string id, string taskType, HttpContext context, WorkflowsOperations operations) =>
        {
            var (r, form, refusal) = await Gate.ActionAsync(context, root, TokenScopes.Approve, "vote on approval gates");
            if (r is null)
            {
                return refusal!;
            }

            var result = await operations.VoteAsync(Gate.Caller(r), id, taskType, new VoteBody { Decision = form!["decision"].ToString(), Comments = form["comments"].ToString() is { Length: > 0 } c ? c : null }, context.RequestAborted);
            return result.IsSuccess ? Results.Redirect($"{r.Base}/approvals") : Gate.Refuse(r, result.Status, result.Error!.Error);
        });
    }

    /// <summary>Params from the retry form's text: one <c>name=value</c> a line; blank lines are skipped.</summary>
    public static (Dictionary<string, string>? Params, string? Error) ParseParams(string text)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var n = 0;
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            n++;
            if (string.IsNullOrWhiteSpace(raw))
            {
                continue;
            }

            var eq = raw.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return (null, $"Params line {n} ('{(raw.Length > 40 ? raw[..40] + "…" : raw)}') is not name=value; write one parameter a line, e.g. Greeting=hello. Nothing was retried.");
            }

            parameters[raw[..eq].Trim()] = raw[(eq + 1)..];
        }

        return (parameters, null);
    }
}
