using Spectre.Console;
using Workflows.Api.Contracts;
using Workflows.Host.Backends;
using Workflows.Runtime;

namespace Workflows.Host.Output;

/// <summary>
/// Follows a job to its end: on a terminal, a Spectre.Console live table of its tasks, attempts and exit codes; when
/// the output is redirected (CI, scripts, tests), one line per attempt as it ends. Either way the last line is the
/// job's end: <c>job ID completed</c> or <c>job ID failed ERR_XYZ (task 'x')</c>.
/// </summary>
internal static class JobFollower
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public static async Task<JobDto?> FollowAsync(IWorkflowsBackend backend, string id, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!Console.IsOutputRedirected && ReferenceEquals(output, Console.Out))
        {
            return await LiveAsync(backend, id, error, cancellationToken).ConfigureAwait(false);
        }

        // A resumed attempt (after a pause) keeps its number: each run is told apart by when it ended.
        var printed = new HashSet<(string Task, int JobAttempt, int Attempt, DateTimeOffset EndedAt)>();
        var lastStatus = JobStatus.None;
        while (true)
        {
            var result = await backend.GetJobAsync(id, cancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                Printer.Fail(result, error);
                return null;
            }

            var job = result.Value!;
            foreach (var task in job.Tasks ?? [])
            {
                foreach (var attempt in task.Attempts.Where(a => printed.Add((task.TaskType, a.JobAttempt, a.Attempt, a.EndedAt))))
                {
                    output.WriteLine($"  {task.TaskType}: attempt {attempt.Attempt}{(attempt.JobAttempt > 0 ? $" (job attempt {attempt.JobAttempt + 1})" : string.Empty)} exited {Printer.Code(attempt.ExitCode)} -> {attempt.Action}{(attempt.ErrorCode is { } c && c != attempt.Action ? " (" + c + ")" : string.Empty)}");
                }
            }

            if (job.Status != lastStatus)
            {
                output.WriteLine($"  job {Printer.State(job.Status)}");
                lastStatus = job.Status;
            }

            if (job.Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled)
            {
                return job;
            }

            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<JobDto?> LiveAsync(IWorkflowsBackend backend, string id, TextWriter error, CancellationToken cancellationToken)
    {
        JobDto? final = null;
        var table = new Table().Border(TableBorder.Rounded).AddColumns("Task", "State", "Attempt", "Exit codes", "Error");
        await AnsiConsole.Live(table).AutoClear(false).StartAsync(async context =>
        {
            while (true)
            {
                var result = await backend.GetJobAsync(id, cancellationToken).ConfigureAwait(false);
                if (!result.IsSuccess)
                {
                    Printer.Fail(result, error);
                    return;
                }

                var job = result.Value!;
                table.Title = new TableTitle($"job {Markup.Escape(job.Id)} ({Markup.Escape(job.JobType)}): [bold]{Printer.State(job.Status)}[/] · attempt {job.JobAttempt + 1}");
                table.Rows.Clear();
                foreach (var task in job.Tasks ?? [])
                {
                    table.AddRow(
                        Markup.Escape(task.TaskType),
                        Color(task.Status),
                        task.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Markup.Escape(string.Join(" ", task.Attempts.Select(a => Printer.Code(a.ExitCode)))),
                        Markup.Escape(task.ErrorCode ?? string.Empty));
                }

                context.Refresh();
                if (job.Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled)
                {
                    final = job;
                    return;
                }

                await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        return final;
    }

    private static string Color(TaskRunStatus status) => status switch
    {
        TaskRunStatus.Completed => "[green]completed[/]",
        TaskRunStatus.Failed => "[red]failed[/]",
        TaskRunStatus.Started => "[yellow]started[/]",
        TaskRunStatus.Executing => "[yellow]executing[/]",
        _ => Printer.State(status),
    };
}
