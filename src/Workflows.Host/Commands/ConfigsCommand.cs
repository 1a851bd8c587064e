using System.CommandLine;
using Workflows.Api.Contracts;
using Workflows.Host.Output;

namespace Workflows.Host.Commands;

/// <summary>
/// <c>workflows configs list TYPE | set TYPE NAME [VALUE|-] [--secret] | delete TYPE NAME</c>: the named values every
/// job of a type sees as template variables. A secret's value is read from standard input when VALUE is <c>-</c> or
/// left out, so it stays out of shell history.
/// </summary>
internal static class ConfigsCommand
{
    public static Command Create(BackendOptions backend, TextWriter output, TextWriter error)
    {
        var configs = new Command("configs", "Job configs: values (some secret) every job of a type sees as template variables.");
        var type = new Argument<string>("job-type") { Description = "The job type." };

        var list = new Command("list", "A job type's configs and the host's secrets (secret values are never shown).") { type };
        list.TreatUnmatchedTokensAsErrors = false;
        list.SetAction(async (parsed, ct) =>
        {
            await using var api = backend.Open(parsed);
            var result = await api.ListConfigsAsync(parsed.GetValue(type)!, ct);
            if (!result.IsSuccess)
            {
                return Printer.Fail(result, error);
            }

            Printer.Table(output, ["NAME", "VALUE", "SECRET", "SCOPE", "UPDATED", "BY"], result.Value!.Select(c => (IReadOnlyList<string>)
                [c.Name, c.Secret ? "***" : c.Value ?? string.Empty, c.Secret ? "yes" : "no", c.Scope, Printer.Time(c.UpdatedAt), c.UpdatedBy ?? "-"]));
            return 0;
        });
        configs.Subcommands.Add(list);

        var name = new Argument<string>("name") { Description = "The variable's name, e.g. API_TOKEN (templates read it as {{.API_TOKEN}})." };
        var value = new Argument<string?>("value") { Description = "The value; '-' or none reads it from standard input (one trailing newline dropped).", Arity = ArgumentArity.ZeroOrOne };
        var secret = new Option<bool>("--secret") { Description = "A secret: masked in task logs, never shown, kept out of HTTP bodies and forked jobs." };
        var set = new Command("set", "Create or replace a config.") { type, name, value, secret };
        set.TreatUnmatchedTokensAsErrors = false;
        set.SetAction(async (parsed, ct) =>
        {
            var given = parsed.GetValue(value);
            if (given is null or "-")
            {
                if (!Console.IsInputRedirected)
                {
                    error.WriteLine("reading the value from standard input; end it with Ctrl-D");
                }

                given = await Console.In.ReadToEndAsync(ct);
                given = given.EndsWith("\r\n", StringComparison.Ordinal) ? given[..^2] : given.EndsWith('\n') ? given[..^1] : given;
            }

            await using var api = backend.Open(parsed);
            var result = await api.SetConfigAsync(parsed.GetValue(type)!, parsed.GetValue(name)!, new ConfigBody(given, parsed.GetValue(secret)), ct);
            if (!result.IsSuccess)
            {
                return Printer.Fail(result, error);
            }

            var config = result.Value!;
            output.WriteLine($"{(result.Status == 201 ? "created" : "replaced")} {(config.Secret ? "secret " : string.Empty)}config '{config.Name}' of '{config.JobType}'");
            return 0;
        });
        configs.Subcommands.Add(set);

        var delete = new Command("delete", "Delete a config.") { type, name };
        delete.TreatUnmatchedTokensAsErrors = false;
        delete.SetAction(async (parsed, ct) =>
        {
            await using var api = backend.Open(parsed);
            var result = await api.DeleteConfigAsync(parsed.GetValue(type)!, parsed.GetValue(name)!, ct);
            if (!result.IsSuccess)
            {
                return Printer.Fail(result, error);
            }

            output.WriteLine($"deleted config '{parsed.GetValue(name)}' of '{parsed.GetValue(type)}'");
            return 0;
        });
        configs.Subcommands.Add(delete);
        return configs;
    }
}
