using System.CommandLine;
using System.Globalization;
using Workflows.Api.Contracts;
using Workflows.Host.Output;
using Workflows.Marten;
using Workflows.Runtime;

namespace Workflows.Host.Commands;

/// <summary><c>workflows jobs list|show|events|logs|retry|lineage|cancel|pause|resume</c>.</summary>
internal static class JobsCommand
{
    public static Command Create(BackendOptions backend, TextWriter output, TextWriter error)
    {
        var jobs = new Command("jobs", "List and inspect jobs, read their events and logs, cancel, pause and resume them.");

        var status = new Option<string?>("--status") { Description = "Only jobs in this state (queued, running, completed, failed, cancelled, …)." };
        var type = new Option<string?>("--type") { Description = "Only jobs of this job type." };
        var limit = new Option<int>("--limit") { Description = "At most this many (default 20).", DefaultValueFactory = _ => 20 };
        var list = new Command("list", "Jobs, newest first.") { status, type, limit };
        list.TreatUnmatchedTokensAsErrors = false;
        list.SetAction(async (parsed, ct) =>
        {
            JobStatus? state = null;
            if (parsed.GetValue(status) is { } text)
            {
                state = Enum.TryParse<JobStatus>(text.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var s) && s != JobStatus.None && !int.TryParse(text, out _)
                    ? s
                    : throw new CommandException($"--status '{text}' is not a job state; use queued, running, paused, awaiting_approval, ending, cancelling, completed, failed or cancelled.");
            }

            await using var api = backend.Open(parsed);
            var result = await api.ListJobsAsync(new JobQuery { Status = state, JobType = parsed.GetValue(type), Limit = parsed.GetValue(limit) }, ct);
            if (!result.IsSuccess)
            {
                return Printer.Fail(result, error);
            }

            Printer.Table(output, ["ID", "TYPE", "STATE", "CREATED", "ERROR"], result.Value!.Jobs.Select(j => (IReadOnlyList<string>)
                [j.Id, j.JobType, Printer.State(j.Status), Printer.Time(j.CreatedAt), j.ErrorCode ?? string.Empty]));
            await output.WriteLineAsync($"{result.Value.Jobs.Count} of {result.Value.Total}");
            return 0;
        });
        jobs.Subcommands.Add(list);

        jobs.Subcommands.Add(WithId("show", "A job: state, counters, times, each task and its attempts.", backend, error, async (api, id, ct) =>
        {
            var result = await api.GetJobAsync(id, ct);
            if (!result.IsSuccess)
            {
                return Printer.Fail(result, error);
            }

            var job = result.Value!;
            output.WriteLine($"job {job.Id} ({job.JobType}{(job.DefinitionVersion is { } v ? " v" + v.ToString(CultureInfo.InvariantCulture) : string.Empty)}): {Printer.State(job.Status)}{(job.ErrorCode is { } code ? " " + code : string.Empty)}");
            output.WriteLine($"  tasks succeeded {job.Succeeded}, failed {job.Failed}, ignored {job.Ignored}; job attempt {job.JobAttempt + 1}{(job.Pauses > 0 ? $"; paused {job.Pauses} time{(job.Pauses == 1 ? string.Empty : "s")}" : string.Empty)}; retriable {(job.Retriable == true ? "yes" : "no")}");
            if (job.PausedBy is { } pausedBy)
            {
                output.WriteLine($"  paused by {pausedBy}: it waits for `workflows jobs resume {job.Id}`");
            }
            else if (job.PauseRequestedBy is { } askedBy)
            {
                output.WriteLine($"  {askedBy} asked to pause it: it pauses when its running task ends");
            }
            if (job.RetryRoot is { } root)
            {
                output.WriteLine($"  retry of {job.RetryOf} (root {root})");
            }

            if (job.RetryIds is { Count: > 0 } retries)
            {
                output.WriteLine($"  retried {retries.Count} time{(retries.Count == 1 ? string.Empty : "s")}: {string.Join(", ", retries)}");
            }

            output.WriteLine($"  created {Printer.Time(job.CreatedAt)}, started {Printer.Time(job.StartedAt)}, ended {Printer.Time(job.EndedAt)}{(job.QueueTime is { } q ? $", queued {q:0.###} s" : string.Empty)}{(job.SubmittedBy is { } by ? ", by " + by : string.Empty)}");
            Printer.Table(output, ["TASK", "STATE", "ATTEMPT", "EXIT CODES", "ERROR"], (job.Tasks ?? []).Select(t => (IReadOnlyList<string>)
                [t.TaskType, Printer.State(t.Status), t.Attempt.ToString(CultureInfo.InvariantCulture), string.Join(" ", t.Attempts.Select(a => Printer.Code(a.ExitCode))), t.ErrorCode ?? string.Empty]));
            foreach (var waiting in (job.Tasks ?? []).Where(t => t.WaitingForTags is not null))
            {
                output.WriteLine($"  task {waiting.TaskType} waits for a host with tags {string.Join(", ", waiting.WaitingForTags!)}: no live host has them all (start one with `workflows serve --tags {string.Join(",", waiting.WaitingForTags!)}`)");
            }

            return 0;
        }));

        jobs.Subcommands.Add(WithId("events", "The job's events, in order.", backend, error, async (api, id, ct) =>
        {
            var result = await api.EventsAsync(id, ct);
            if (!result.IsSuccess)
            {
                return Printer.Fail(result, error);
            }

            foreach (var e in result.Value!)
            {
                output.WriteLine($"{e.Sequence,4}  {Printer.Time(e.At)}  {e.Type,-26} {e.Data.GetRawText()}");
            }

            return 0;
        }));

        var task = new Argument<string?>("task") { Description = "Only this task's log.", Arity = ArgumentArity.ZeroOrOne };
        var logs = WithId("logs", "The job's task logs (one task's when named).", backend, error, null, task);
        logs.SetAction(async (parsed, ct) =>
        {
            await using var api = backend.Open(parsed);
            var result = await api.LogsAsync(parsed.GetValue<string>("id")!, parsed.GetValue(task), ct);
            if (!result.IsSuccess)
            {
                return Printer.Fail(result, error);
            }

            foreach (var line in result.Value!)
            {
                output.WriteLine($"{line.TaskType}#{line.Attempt} {line.Source,-6} {line.Line}");
            }

            return 0;
        });
        jobs.Subcommands.Add(logs);

        var ids = new Argument<string[]>("ids") { Description = "The jobs to retry (failed or cancelled).", Arity = ArgumentArity.OneOrMore };
        var asAdmin = new Option<bool>("--as-admin") { Description = "Retry another token's job (admin token only)." };
        var parameters = new Option<string[]>("--param", "-p") { Description = "Change a parameter for the retry, key=value (one id only; recorded in the lineage)." };
        var latest = new Option<bool>("--latest") { Description = "Run the job type's latest definition instead of the retried job's pinned version (one id only)." };
        var resume = new Option<bool>("--resume") { Description = "Resume from the failed task, keeping completed tasks and their artifacts (default: rerun from the start)." };
        var memory = new Option<string[]>("--memory") { Description = "A container task's new memory limit, TASK=SIZE (e.g. build=1Gi; one id only)." };
        var cpu = new Option<string[]>("--cpu") { Description = "A container task's new CPU limit, TASK=CPUS (e.g. build=2; one id only)." };
        var retry = new Command("retry", "Retry failed or cancelled jobs, or completed ones whose allow_failure tasks failed (for those tasks): new jobs linked to them and their root (one retry of a root in flight at a time).") { ids, asAdmin, parameters, latest, resume, memory, cpu };
        retry.TreatUnmatchedTokensAsErrors = false;
        retry.SetAction(async (parsed, ct) =>
        {
            var list = parsed.GetValue(ids)!;
            var changes = RunCommand.ParseParams(parsed.GetValue(parameters) ?? []);
            var resources = new Dictionary<string, ContainerLimitsDto>(StringComparer.Ordinal);
            foreach (var (option, isMemory) in new[] { (memory, true), (cpu, false) })
            {
                foreach (var value in parsed.GetValue(option) ?? [])
                {
                    var at = value.IndexOf('=', StringComparison.Ordinal);
                    if (at <= 0)
                    {
                        throw new CommandException($"{option.Name} '{value}' is not TASK=VALUE, e.g. {option.Name} build={(isMemory ? "1Gi" : "2")}.");
                    }

                    var limits = resources.GetValueOrDefault(value[..at]) ?? new ContainerLimitsDto();
                    resources[value[..at]] = isMemory ? limits with { MemoryLimit = value[(at + 1)..] } : limits with { CpuLimit = value[(at + 1)..] };
                }
            }

            await using var api = backend.Open(parsed);
            if (list.Length == 1)
            {
                var result = await api.RetryAsync(list[0], new RetryBody { AsAdmin = parsed.GetValue(asAdmin), Params = changes, Definition = parsed.GetValue(latest) ? "latest" : null, Resume = parsed.GetValue(resume), Resources = resources.Count == 0 ? null : resources }, ct);
                if (!result.IsSuccess)
                {
                    return Printer.Fail(result, error);
                }

                output.WriteLine($"retried {list[0]} as job {result.Value!.Id} (root {result.Value.RetryRoot}){(parsed.GetValue(resume) ? ", resuming from its failed task" : string.Empty)}");
                return 0;
            }

            if (changes.Count > 0 || parsed.GetValue(latest) || resources.Count > 0)
            {
                throw new CommandException("-p, --latest, --memory and --cpu apply to one job at a time; retry the jobs one by one to change them.");
            }

            var many = await api.RetryManyAsync(new BulkRetryBody { Ids = [.. list], AsAdmin = parsed.GetValue(asAdmin), Resume = parsed.GetValue(resume) }, ct);
            if (!many.IsSuccess)
            {
                return Printer.Fail(many, error);
            }

            foreach (var item in many.Value!.Results)
            {
                output.WriteLine(item.RetryId is { } retryId ? $"retried {item.Id} as job {retryId}" : $"not retried {item.Id}: {item.Error!.Error} ({item.Error.Code})");
            }

            output.WriteLine($"{many.Value.Retried} retried, {many.Value.Refused} refused");
            return many.Value.Refused == 0 ? 0 : 1;
        });
        jobs.Subcommands.Add(retry);

        jobs.Subcommands.Add(WithId("lineage", "A job's lineage: its root and every retry, in order.", backend, error, async (api, id, ct) =>
        {
            var result = await api.LineageAsync(id, ct);
            if (!result.IsSuccess)
            {
                return Printer.Fail(result, error);
            }

            var lineage = result.Value!;
            output.WriteLine($"root {lineage.RootId}: {lineage.RetryCount} retr{(lineage.RetryCount == 1 ? "y" : "ies")}; latest {lineage.LatestId}; effective {lineage.EffectiveId}{(lineage.InFlightId is { } f ? "; in flight " + f : string.Empty)}");
            Printer.Table(output, ["ID", "RETRY OF", "STATE", "ERROR", "JOB ATTEMPTS", "TASK ATTEMPTS", "BY", "CHANGED"], lineage.Jobs.Select(j => (IReadOnlyList<string>)
            [
                j.Id, j.RetryOf ?? "-", Printer.State(j.Status), j.ErrorCode ?? string.Empty,
                j.JobAttempts.ToString(CultureInfo.InvariantCulture), j.TaskAttempts.ToString(CultureInfo.InvariantCulture), j.SubmittedBy ?? string.Empty,
                string.Join(",", (j.ParamsChanged ?? new Dictionary<string, string>()).Select(p => p.Key + "=" + p.Value)
                    .Concat((j.ResourcesChanged ?? new Dictionary<string, string>()).Select(r => $"{r.Key}: {r.Value}"))),
            ]));
            return 0;
        }));

        jobs.Subcommands.Add(WithId("cancel", "Cancel a job: running tasks are stopped and its cleanup tasks run.", backend, error, async (api, id, ct) =>
        {
            var result = await api.CancelJobAsync(id, ct);
            if (!result.IsSuccess)
            {
                return Printer.Fail(result, error);
            }

            output.WriteLine($"job {id} {Printer.State(result.Value!.Status)}");
            return 0;
        }));

        jobs.Subcommands.Add(WithId("pause", "Pause a running job until it is resumed (its running task finishes first).", backend, error, async (api, id, ct) =>
        {
            var result = await api.PauseJobAsync(id, ct);
            if (!result.IsSuccess)
            {
                return Printer.Fail(result, error);
            }

            output.WriteLine(result.Value!.PauseRequestedBy is not null
                ? $"job {id} {Printer.State(result.Value.Status)}: pauses when its running task ends"
                : $"job {id} {Printer.State(result.Value.Status)}");
            return 0;
        }));

        jobs.Subcommands.Add(WithId("resume", "Resume a paused job where it stopped.", backend, error, async (api, id, ct) =>
        {
            var result = await api.ResumeJobAsync(id, ct);
            if (!result.IsSuccess)
            {
                return Printer.Fail(result, error);
            }

            output.WriteLine($"job {id} {Printer.State(result.Value!.Status)}");
            return 0;
        }));
        return jobs;
    }

    private static Command WithId(
        string name, string description, BackendOptions backend, TextWriter error, Func<Backends.IWorkflowsBackend, string, CancellationToken, Task<int>>? action, Argument<string?>? extra = null)
    {
        var id = new Argument<string>("id") { Description = "The job's id." };
        var command = new Command(name, description) { id };
        if (extra is not null)
        {
            command.Arguments.Add(extra);
        }

        command.TreatUnmatchedTokensAsErrors = false;
        if (action is not null)
        {
            command.SetAction(async (parsed, ct) =>
            {
                await using var api = backend.Open(parsed);
                return await action(api, parsed.GetValue(id)!, ct);
            });
        }

        return command;
    }
}
