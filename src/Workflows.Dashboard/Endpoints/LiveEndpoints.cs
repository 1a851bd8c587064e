using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Workflows.Api.Operations;
using Workflows.Dashboard.Pages;
using Workflows.Dashboard.Reading;
using Workflows.Marten;
using Workflows.Marten.Logs;
using Workflows.Runtime;

namespace Workflows.Dashboard.Endpoints;

/// <summary>
/// Server-sent events: <c>changed</c> when what a jobs page or a job page shows has changed (the page's script then
/// fetches the page again and swaps the live part), and a job's new log lines as they are stored. Each feed asks the
/// store every <see cref="WorkflowsDashboardOptions.LiveInterval"/> while the browser listens.
/// </summary>
internal static class LiveEndpoints
{
    public static void Map(RouteGroupBuilder group, string root)
    {
        group.MapGet("/live/jobs", async (HttpContext context, DashboardQueries queries, IOptions<WorkflowsDashboardOptions> options, string? fp) =>
        {
            var (r, refusal) = await Gate.PageAsync(context, root);
            if (r is null || JobFilter.Parse(context.Request.Query).Filter is not { } filter)
            {
                return refusal ?? Results.BadRequest();
            }

            await StreamAsync(context, options.Value.LiveInterval, fp, async ct => DashboardQueries.Fingerprint((await queries.JobsAsync(filter, ct, count: false)).Jobs));
            return Results.Empty;
        });

        group.MapGet("/live/job/{id}", async (string id, HttpContext context, WorkflowsOperations operations, IOptions<WorkflowsDashboardOptions> options, string? fp) =>
        {
            var (r, refusal) = await Gate.PageAsync(context, root);
            if (r is null)
            {
                return refusal!;
            }

            await StreamAsync(context, options.Value.LiveInterval, fp, async ct => (await operations.GetJobAsync(id, ct)).Value is { } job ? JobPage.Fingerprint(job) : "gone");
            return Results.Empty;
        });

        group.MapGet("/jobs/{id}/logs/live", async (string id, HttpContext context, JobStore jobs, TaskLogs logs, IOptions<WorkflowsDashboardOptions> options) =>
        {
            var (r, refusal) = await Gate.PageAsync(context, root);
            if (r is null)
            {
                return refusal!;
            }

            Start(context);
            var sent = new HashSet<(string, int, int)>();
            using var stop = Stopping(context);
            var ct = stop.Token;
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    // Read the state first: lines stored before the job ended are all in the read that follows.
                    var ended = (await jobs.GetAsync(id, ct))?.Status is null or JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled;
                    var fresh = (await logs.ReadAsync(id, null, ct)).Where(l => sent.Add((l.TaskType, l.Attempt, l.Sequence))).ToList();
                    if (fresh.Count > 0)
                    {
                        var data = JsonSerializer.Serialize(fresh.Select(l => new { task = l.TaskType, html = JobPage.Line(l) }));
                        await WriteAsync(context, "lines", data, ct);
                    }

                    if (ended)
                    {
                        await WriteAsync(context, "end", "ended", ct);
                        break;
                    }

                    await Task.Delay(options.Value.LiveInterval, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The browser left, or the host is stopping.
            }

            return Results.Empty;
        });
    }

    private static void Start(HttpContext context)
    {
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary>Ends a feed when the browser leaves or the host stops (an open tab must not hold up a shutdown).</summary>
    private static CancellationTokenSource Stopping(HttpContext context) =>
        CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);

    private static async Task WriteAsync(HttpContext context, string name, string data, CancellationToken ct)
    {
        await context.Response.WriteAsync($"event: {name}\ndata: {data}\n\n", Encoding.UTF8, ct);
        await context.Response.Body.FlushAsync(ct);
    }

    /// <summary>Sends <c>changed</c> each time the fingerprint differs from the last one the browser has (starting from the page's own).</summary>
    private static async Task StreamAsync(HttpContext context, TimeSpan interval, string? known, Func<CancellationToken, Task<string>> fingerprint)
    {
        Start(context);
        using var stop = Stopping(context);
        var ct = stop.Token;
        var beats = 0;
        try
        {
            await context.Response.WriteAsync(": live\n\n", ct);
            await context.Response.Body.FlushAsync(ct);
            while (!ct.IsCancellationRequested)
            {
                var now = await fingerprint(ct);
                if (known is not null && now != known)
                {
                    await WriteAsync(context, "changed", "1", ct);
                }

                known = now;
                if (++beats % 60 == 0)
                {
                    await context.Response.WriteAsync(": keep-alive\n\n", ct);
                    await context.Response.Body.FlushAsync(ct);
                }

                await Task.Delay(interval, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The browser left, or the host is stopping.
        }
    }
}
