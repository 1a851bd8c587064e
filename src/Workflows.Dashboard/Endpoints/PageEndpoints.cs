using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Workflows.Api.Contracts;
using Workflows.Api.Operations;
using Workflows.Dashboard.Pages;
using Workflows.Dashboard.Reading;
using Workflows.Dashboard.Rendering;
using Workflows.Dashboard.Security;
using Workflows.Marten;
using Workflows.Marten.Definitions;
using Workflows.Marten.Logs;
using Workflows.Runtime.Scheduling;
using Workflows.Yaml;

namespace Workflows.Dashboard.Endpoints;

/// <summary>The pages (GET): sign-in, overview, jobs, job, definitions, approvals, schedules, and the embedded assets.</summary>
internal static class PageEndpoints
{
    public static void Map(RouteGroupBuilder group, string root)
    {
        group.MapGet("/assets/{name}", (string name, HttpContext context) =>
        {
            var stream = typeof(PageEndpoints).Assembly.GetManifestResourceStream("Workflows.Dashboard.Assets." + name);
            if (stream is null)
            {
                return Results.NotFound();
            }

            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Stream(stream, name.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : name.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript; charset=utf-8" : "application/octet-stream");
        });

        group.MapGet("/signin", async (HttpContext context, string? @return, DashboardSession session) =>
        {
            var r = DashboardRequest.Create(context, root, await session.CallerAsync(context));
            return Html.Page(SignInPage.Render(r, @return, null));
        });

        group.MapGet("/", async (HttpContext context, DashboardQueries queries) =>
        {
            var (r, refusal) = await Gate.PageAsync(context, root);
            if (r is null)
            {
                return refusal!;
            }

            var overview = await queries.OverviewAsync(context.RequestAborted);
            return Html.Page(Layout.Render(r, "Overview", "Overview", OverviewPage.Render(r, overview)));
        });

        group.MapGet("/jobs", async (HttpContext context, DashboardQueries queries, WorkflowsOperations operations) =>
        {
            var (r, refusal) = await Gate.PageAsync(context, root);
            if (r is null)
            {
                return refusal!;
            }

            var (filter, error) = JobFilter.Parse(context.Request.Query);
            if (filter is null)
            {
                return Html.Page(Layout.Render(r, "Jobs", "Jobs", "<h1>Jobs</h1>" + Layout.Flash("error", error!)), 400);
            }

            var page = await queries.JobsAsync(filter, context.RequestAborted);
            var types = (await operations.ListDefinitionsAsync(context.RequestAborted)).Value?.Select(d => d.JobType).ToList() ?? [];
            return Html.Page(Layout.Render(r, "Jobs", "Jobs", JobsPage.Render(r, filter, page, types), live: $"{r.Base}/live/jobs{filter.ToQuery(withCursor: true)}"));
        });

        group.MapGet("/jobs/{id}", async (string id, HttpContext context, WorkflowsOperations operations, JobStore jobs, TaskLogs logs, string? ok) =>
        {
            var (r, refusal) = await Gate.PageAsync(context, root);
            if (r is null)
            {
                return refusal!;
            }

            var model = await JobModelAsync(id, operations, jobs, logs, context.RequestAborted);
            if (model.Model is null)
            {
                return Html.Page(Layout.Render(r, "Job", "Jobs", "<h1>Job</h1>" + Layout.Flash("error", model.Error!.Error)), model.Status);
            }

            var flash = ok switch
            {
                "cancelled" => Layout.Flash("ok", "Cancellation recorded: running tasks are being stopped."),
                "retried" => Layout.Flash("ok", "This job is the retry you asked for; it is linked to the job it retries in the lineage below."),
                "triggered" => Layout.Flash("ok", "This job was started now by its schedule's Trigger now; the schedule itself is unchanged."),
                _ => null,
            };
            return Html.Page(Layout.Render(r, model.Model.Job.JobType, "Jobs", JobPage.Render(r, model.Model), flash, live: $"{r.Base}/live/job/{Uri.EscapeDataString(id)}"));
        });

        group.MapGet("/jobs/{id}/artifacts/{task}/{attempt:int}/{**name}", async (string id, string task, int attempt, string name, HttpContext context, WorkflowsOperations operations) =>
        {
            var (r, refusal) = await Gate.PageAsync(context, root);
            if (r is null)
            {
                return refusal!;
            }

            var found = await operations.ArtifactAsync(id, task, attempt, name, context.RequestAborted);
            return found.IsSuccess
                ? Results.Stream(found.Value.Open(), "application/octet-stream", Path.GetFileName(name))
                : Gate.Refuse(r, found.Status, found.Error!.Error);
        });

        group.MapGet("/definitions", async (HttpContext context, WorkflowsOperations operations) =>
        {
            var (r, refusal) = await Gate.PageAsync(context, root);
            if (r is null)
            {
                return refusal!;
            }

            var list = await operations.ListDefinitionsAsync(context.RequestAborted);
            return Html.Page(Layout.Render(r, "Definitions", "Definitions", DefinitionsPage.List(r, list.Value ?? [])));
        });

        group.MapGet("/definitions/{jobType}", async (string jobType, int? version, HttpContext context, WorkflowsOperations operations, DefinitionStore definitions) =>
        {
            var (r, refusal) = await Gate.PageAsync(context, root);
            if (r is null)
            {
                return refusal!;
            }

            var definition = await operations.GetDefinitionAsync(jobType, context.RequestAborted);
            if (!definition.IsSuccess)
            {
                return Html.Page(Layout.Render(r, "Definition", "Definitions", "<h1>Definition</h1>" + Layout.Flash("error", definition.Error!.Error)), definition.Status);
            }

            var shown = definition.Value!.Source == "compiled" ? null : await definitions.GetAsync(jobType, version ?? definition.Value.Latest?.Version, context.RequestAborted);
            var diagnostics = shown is null ? [] : YamlJobLoader.Load(shown.Source, jobType).Problems
                .Select(p => new DiagnosticDto(p.Id, p.Problem.Severity.ToString().ToLowerInvariant(), p.Problem.Message, p.Line, p.Column)).ToList();
            return Html.Page(Layout.Render(r, jobType, "Definitions", DefinitionsPage.Detail(r, definition.Value, shown, diagnostics)));
        });

        group.MapGet("/approvals", async (HttpContext context, WorkflowsOperations operations) =>
        {
            var (r, refusal) = await Gate.PageAsync(context, root);
            if (r is null)
            {
                return refusal!;
            }

            var pending = await operations.PendingApprovalsAsync(0, 200, context.RequestAborted);
            return Html.Page(Layout.Render(r, "Approvals", "Approvals", ApprovalsPage.Render(r, pending.Value!)));
        });

        group.MapGet("/schedules", async (HttpContext context, WorkflowsOperations operations, JobStore jobs, string? ok) =>
        {
            var (r, refusal) = await Gate.PageAsync(context, root);
            if (r is null)
            {
                return refusal!;
            }

            var rows = new List<SchedulesPage.Row>();
            foreach (var schedule in (await operations.ListSchedulesAsync(context.RequestAborted)).Value!.Schedules)
            {
                // A fired instant's job has the instant's id; before the first fire the last instant is only where counting started.
                var last = schedule.LastInstant is { } instant ? await jobs.GetAsync(CronSchedule.JobId(schedule.JobType, instant), context.RequestAborted) : null;
                rows.Add(new SchedulesPage.Row(schedule, last));
            }

            var flash = ok switch
            {
                "paused" => Layout.Flash("ok", "Schedule paused: no instant fires until it is resumed."),
                "resumed" => Layout.Flash("ok", "Schedule resumed from now: the instants of the pause are not run."),
                _ => null,
            };
            return Html.Page(Layout.Render(r, "Schedules", "Schedules", SchedulesPage.Render(r, rows), flash));
        });
    }

    /// <summary>Everything the job page shows, through the API's operations (and the job's recorded definition for the graph).</summary>
    public static async Task<(JobPage.Model? Model, ApiError? Error, int Status)> JobModelAsync(string id, WorkflowsOperations operations, JobStore jobs, TaskLogs logs, CancellationToken ct)
    {
        var job = await operations.GetJobAsync(id, ct);
        if (!job.IsSuccess)
        {
            return (null, job.Error, job.Status);
        }

        // Independent reads, each on its own connection: the page waits for the slowest, not for their sum.
        var state = jobs.StateAsync(id, ct);
        var events = operations.EventsAsync(id, ct);
        var lineage = operations.LineageAsync(id, ct);
        var artifacts = operations.ArtifactsAsync(id, ct);
        var lines = logs.ReadAsync(id, null, ct);
        var notifications = operations.NotificationsAsync(id, ct);
        await Task.WhenAll(state, events, lineage, artifacts, lines, notifications);
        return (new JobPage.Model(job.Value!, (await state).Definition, (await events).Value ?? [], await lines, (await lineage).Value, (await artifacts).Value ?? [], (await notifications).Value ?? []), null, 200);
    }
}
