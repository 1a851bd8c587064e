using System.CommandLine;
using Workflows.Api.Contracts;
using Workflows.Host.Output;

namespace Workflows.Host.Commands;

/// <summary>
/// <c>workflows tokens create NAME [--admin] | list | revoke NAME</c>. On the local database the caller is its
/// operator (this is how the first admin token is made); against <c>--server</c> an admin token is needed.
/// </summary>
internal static class TokensCommand
{
    public static Command Create(BackendOptions backend, TextWriter output, TextWriter error)
    {
        var tokens = new Command("tokens", "Create, list and revoke API tokens (stored hashed; a token is shown once).");

        var name = new Argument<string>("name") { Description = "A unique name for who or what uses the token." };
        var admin = new Option<bool>("--admin") { Description = "An admin token (scope admin): manages tokens and may act on others' jobs." };
        var scope = new Option<string[]>("--scope")
        {
            Description = "What the token may do, repeatable: read, submit, retry, define (upload definitions, set configs, every job type), define:JOB_TYPE (one), admin. Default: read, submit, retry.",
            AllowMultipleArgumentsPerToken = true,
        };
        var create = new Command("create", "Create a token; its last line of output is the token alone.") { name, admin, scope };
        create.TreatUnmatchedTokensAsErrors = false;
        create.SetAction(async (parsed, ct) =>
        {
            await using var api = backend.Open(parsed);
            var scopes = (parsed.GetValue(scope) ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            var result = await api.CreateTokenAsync(new TokenRequestBody(parsed.GetValue(name), parsed.GetValue(admin), scopes.Count == 0 ? null : scopes), ct);
            if (!result.IsSuccess)
            {
                return Printer.Fail(result, error);
            }

            output.WriteLine($"created {(result.Value!.Admin ? "admin " : string.Empty)}token '{result.Value.Name}' (id {result.Value.Id}, scopes {string.Join(", ", result.Value.Scopes)}); it is shown once, keep it secret:");
            output.WriteLine(result.Value.Token);
            return 0;
        });
        tokens.Subcommands.Add(create);

        var list = new Command("list", "Every token (no secrets).");
        list.TreatUnmatchedTokensAsErrors = false;
        list.SetAction(async (parsed, ct) =>
        {
            await using var api = backend.Open(parsed);
            var result = await api.ListTokensAsync(ct);
            if (!result.IsSuccess)
            {
                return Printer.Fail(result, error);
            }

            Printer.Table(output, ["NAME", "ID", "SCOPES", "CREATED", "REVOKED"], result.Value!.Select(t => (IReadOnlyList<string>)
                [t.Name, t.Id, string.Join(",", t.Scopes), Printer.Time(t.CreatedAt), t.RevokedAt is null ? string.Empty : Printer.Time(t.RevokedAt)]));
            return 0;
        });
        tokens.Subcommands.Add(list);

        var which = new Argument<string>("name") { Description = "The token's name or id." };
        var revoke = new Command("revoke", "Revoke a token; requests with it are refused from now on.") { which };
        revoke.TreatUnmatchedTokensAsErrors = false;
        revoke.SetAction(async (parsed, ct) =>
        {
            await using var api = backend.Open(parsed);
            var result = await api.RevokeTokenAsync(parsed.GetValue(which)!, ct);
            if (!result.IsSuccess)
            {
                return Printer.Fail(result, error);
            }

            output.WriteLine($"revoked token '{result.Value!.Name}' (id {result.Value.Id})");
            return 0;
        });
        tokens.Subcommands.Add(revoke);
        return tokens;
    }
}
