using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Workflows.Host.Serving;
using Workflows.Marten.Tokens;

namespace Workflows.Host.Commands;

/// <summary><c>workflows serve [--urls URL] [--tags gpu,linux]</c>: workers and the HTTP API until stopped (Ctrl+C / SIGTERM).</summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter output)
    {
        var urls = new Option<string?>("--urls") { Description = "Where to listen, e.g. http://127.0.0.1:5000 (port 0 picks a free one). Default: the Urls setting, else http://localhost:5000." };
        var tags = new Option<string?>("--tags")
        {
            Description = "This host's tags, comma-separated (e.g. gpu,linux): its workers also run tasks whose tags are all among them. Same as --Workflows:Tags:0=gpu. Default: none (only tasks without tags).",
        };
        var command = new Command("serve", "Run the workers and the HTTP API (options: --Key=Value configuration, e.g. --ConnectionStrings:Workflows=…, --Workflows:WorkerCount=4, --Workflows:Definitions=DIR).")
        {
            urls,
            tags,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parsed, ct) => RunAsync(parsed.GetValue(urls), [.. parsed.UnmatchedTokens, .. TagArguments(parsed.GetValue(tags))], output, ct));
        return command;
    }

    /// <summary><c>--tags gpu,linux</c> as configuration arguments (<c>--Workflows:Tags:0=gpu</c>, …).</summary>
    /// <param name="tags">The option's value, or null.</param>
    public static IEnumerable<string> TagArguments(string? tags) => (tags ?? string.Empty)
        .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Select((tag, i) => $"--Workflows:Tags:{i}={tag}");

    public static async Task<int> RunAsync(string? urls, string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        await using var app = WorkflowsWebApp.Build(args, urls);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        foreach (var address in WorkflowsWebApp.Addresses(app))
        {
            // One line per address, for people and for scripts that started it on port 0.
            await output.WriteLineAsync($"workflows: listening on {address}").ConfigureAwait(false);
        }

        if ((await app.Services.GetRequiredService<TokenStore>().ListAsync(cancellationToken).ConfigureAwait(false)).All(t => t.RevokedAt is not null))
        {
            await output.WriteLineAsync("workflows: no API token exists yet; create one with `workflows tokens create NAME --admin` (same configuration as this host).").ConfigureAwait(false);
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
