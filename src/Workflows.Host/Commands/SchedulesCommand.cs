using System.CommandLine;
using System.Globalization;
using Workflows.Api.Contracts;
using Workflows.Host.Output;

namespace Workflows.Host.Commands;

/// <summary>
/// <c>workflows schedules list | pause TYPE | resume TYPE | trigger TYPE</c>: the cron schedules with their next
/// instants, and an operator's actions on one (with <c>--server --token</c>, or on the local database).
/// </summary>
internal static class SchedulesCommand
{
    public static Command Create(BackendOptions backend, TextWriter output, TextWriter error)
    {
        var schedules = new Command("schedules", "Cron schedules: list them with their next instants, pause, resume, or run one now.");

        var list = new Command("list", "Every schedule: expression, time zone, state, next instant and the instants it did not run (times in UTC).");
        list.TreatUnmatchedTokensAsErrors = false;
        list.SetAction(async (parsed, ct) =>
        {
            await using var api = backend.Open(parsed);
            var result = await api.ListSchedulesAsync(ct);
            if (!result.IsSuccess)
            {
                return Printer.Fail(result, error);
            }

            Printer.Table(output, ["TYPE", "CRON", "TIME ZONE", "VERSION", "STATE", "NEXT", "MISSED"], result.Value!.Schedules.Select(s => (IReadOnlyList<string>)
                [s.JobType, s.Cron, s.TimeZone ?? "UTC", s.Version?.ToString(CultureInfo.InvariantCulture) ?? "compiled", s.Paused ? $"paused by {s.PausedBy ?? "?"}" : "active",
                 s.NextInstants.Count > 0 ? Utc(s.NextInstants[0]) : "-", s.MissedTotal.ToString(CultureInfo.InvariantCulture)]));
            return 0;
        });
        schedules.Subcommands.Add(list);
        schedules.Subcommands.Add(Action("pause", "Pause a schedule: no instant fires until it is resumed.", (api, type, ct) => api.PauseScheduleAsync(type, ct), backend, output, error));
        schedules.Subcommands.Add(Action("resume", "Resume a schedule from now (the instants of the pause are not run).", (api, type, ct) => api.ResumeScheduleAsync(type, ct), backend, output, error));

        var type = new Argument<string>("job-type") { Description = "The scheduled job type." };
        var trigger = new Command("trigger", "Run a scheduled job type now, outside its schedule (the schedule is unchanged).") { type };
        trigger.TreatUnmatchedTokensAsErrors = false;
        trigger.SetAction(async (parsed, ct) =>
        {
            await using var api = backend.Open(parsed);
            var result = await api.TriggerScheduleAsync(parsed.GetValue(type)!, ct);
            if (!result.IsSuccess)
            {
                return Printer.Fail(result, error);
            }

            output.WriteLine($"job {result.Value!.Id} queued ({result.Value.JobType}, triggered now)");
            return 0;
        });
        schedules.Subcommands.Add(trigger);
        return schedules;
    }

    private static Command Action(
        string name, string description, Func<Backends.IWorkflowsBackend, string, CancellationToken, Task<Api.Operations.ApiResult<ScheduleDto>>> act,
        BackendOptions backend, TextWriter output, TextWriter error)
    {
        var type = new Argument<string>("job-type") { Description = "The scheduled job type." };
        var command = new Command(name, description) { type };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parsed, ct) =>
        {
            await using var api = backend.Open(parsed);
            var result = await act(api, parsed.GetValue(type)!, ct);
            if (!result.IsSuccess)
            {
                return Printer.Fail(result, error);
            }

            var schedule = result.Value!;
            output.WriteLine(schedule.Paused
                ? $"schedule of {schedule.JobType} paused"
                : $"schedule of {schedule.JobType} active, next {(schedule.NextInstants.Count > 0 ? Utc(schedule.NextInstants[0]) : "-")}");
            return 0;
        });
        return command;
    }

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
