using System.CommandLine;
using System.Text.Json;
using Workflows.Api.Contracts;
using Workflows.Host.Backends;
using Workflows.Host.Output;
using Workflows.Runtime;

namespace Workflows.Host.Commands;

/// <summary>
/// <c>workflows run FILE.yaml|JOB-TYPE [-p key=value]… [--wait] [--user-key KEY]</c>: uploads the YAML (a new definition version when
/// it changed), submits a job with the parameters and, with <c>--wait</c>, follows it to its end. On the embedded
/// default, <c>--wait</c> runs the workers in this process; exit code 0 when the job completed, 1 when it failed or was
/// cancelled.
/// </summary>
internal static class RunCommand
{
    public static Command Create(BackendOptions backendOptions, TextWriter output, TextWriter error)
    {
        var target = new Argument<string>("job") { Description = "A YAML (or JSON) job definition file, or the job type of an uploaded or compiled definition." };
        var parameters = new Option<string[]>("--param", "-p") { Description = "A parameter key=value (repeatable); fills template variables such as {{.Key}}.", AllowMultipleArgumentsPerToken = false };
        var wait = new Option<bool>("--wait", "-w") { Description = "Follow the job until it ends; exit 0 if it completed, 1 if not." };
        var priority = new Option<int>("--priority") { Description = "Higher runs first (default 0)." };
        var userKey = new Option<string?>("--user-key") { Description = "formicary's user_key: while a job of the type with this key is queued or running, that job is answered and nothing is submitted." };
        var command = new Command("run", "Submit a job (uploading its YAML first when a file is given) and, with --wait, follow it to its end.")
        {
            target, parameters, wait, priority, userKey,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parsed, ct) => RunAsync(backendOptions, parsed, parsed.GetValue(target)!, parsed.GetValue(parameters) ?? [], parsed.GetValue(wait), parsed.GetValue(priority), parsed.GetValue(userKey), output, error, ct));
        return command;
    }

    /// <summary><c>-p key=value</c> options as the API's parameters.</summary>
    public static Dictionary<string, JsonElement> ParseParams(IEnumerable<string> parameters)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            var separator = parameter.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                throw new CommandException($"-p '{parameter}' is not key=value, e.g. -p Greeting=hello.");
            }

            values[parameter[..separator]] = JsonSerializer.SerializeToElement(parameter[(separator + 1)..]);
        }

        return values;
    }

    private static async Task<int> RunAsync(
        BackendOptions backendOptions, ParseResult parsed, string target, string[] parameters, bool wait, int priority, string? userKey, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var values = ParseParams(parameters);

        await using var backend = backendOptions.Open(parsed);
        var jobType = target;
        if (File.Exists(target))
        {
            var uploaded = await backend.UploadDefinitionAsync(await File.ReadAllTextAsync(target, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            if (!uploaded.IsSuccess)
            {
                return Printer.Fail(uploaded, error, target);
            }

            foreach (var d in uploaded.Value!.Diagnostics ?? [])
            {
                await error.WriteLineAsync($"{target}({d.Line},{d.Col}): {d.Severity} {d.Id}: {d.Message}").ConfigureAwait(false);
            }

            jobType = uploaded.Value.JobType;
            await output.WriteLineAsync($"definition {jobType} version {uploaded.Value.Latest?.Version} ({(uploaded.Value.Created == true ? "new" : "unchanged")})").ConfigureAwait(false);
        }
        else if (target.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || target.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
        {
            throw new CommandException($"No file '{target}' (from {Environment.CurrentDirectory}). Give a YAML file's path, or a job type.");
        }

        if (wait)
        {
            await backend.StartWorkersAsync(cancellationToken).ConfigureAwait(false);
        }

        var submitted = await backend.SubmitAsync(new JobRequestBody { JobType = jobType, Params = values, Priority = priority, UserKey = userKey }, cancellationToken).ConfigureAwait(false);
        if (!submitted.IsSuccess)
        {
            return Printer.Fail(submitted, error);
        }

        var id = submitted.Value!.Id;
        await output.WriteLineAsync(submitted.Status == 201
            ? $"submitted job {id} ({jobType})"
            : $"job {id} ({jobType}) holds user key '{userKey}' and is {Printer.State(submitted.Value.Status)}: nothing submitted").ConfigureAwait(false);
        if (!wait)
        {
            if (backend is LocalBackend)
            {
                await output.WriteLineAsync("it runs when a host serves this database (`workflows serve`); add --wait to run it here.").ConfigureAwait(false);
            }

            return 0;
        }

        var final = await JobFollower.FollowAsync(backend, id, output, error, cancellationToken).ConfigureAwait(false);
        if (final is null)
        {
            return 1;
        }

        await output.WriteLineAsync(Printer.Ending(final)).ConfigureAwait(false);
        return final.Status == JobStatus.Completed ? 0 : 1;
    }
}
