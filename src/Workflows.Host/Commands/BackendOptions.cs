using System.CommandLine;
using Workflows.Host.Backends;

namespace Workflows.Host.Commands;

/// <summary><c>--server URL --token T</c> (or WORKFLOWS_SERVER / WORKFLOWS_TOKEN): a server over HTTP; without them, the local database.</summary>
internal sealed class BackendOptions
{
    public Option<string?> Server { get; } = new("--server")
    {
        Description = "A Workflows server's URL (default: $WORKFLOWS_SERVER; none: the local database, embedded default or ConnectionStrings:Workflows).",
        Recursive = true,
    };

    public Option<string?> Token { get; } = new("--token")
    {
        Description = "The API token for --server (default: $WORKFLOWS_TOKEN).",
        Recursive = true,
    };

    public IWorkflowsBackend Open(ParseResult parsed)
    {
        var server = parsed.GetValue(Server) ?? Environment.GetEnvironmentVariable("WORKFLOWS_SERVER");
        if (string.IsNullOrWhiteSpace(server))
        {
            return new LocalBackend(parsed.UnmatchedTokens.ToArray());
        }

        if (!Uri.TryCreate(server.EndsWith('/') ? server : server + "/", UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            throw new CommandException($"--server '{server}' is not an http(s) URL, e.g. http://127.0.0.1:5000.");
        }

        var token = parsed.GetValue(Token) ?? Environment.GetEnvironmentVariable("WORKFLOWS_TOKEN");
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new CommandException("--server needs a token: pass --token T or set WORKFLOWS_TOKEN. Create one on the server's machine with `workflows tokens create NAME`.");
        }

        return new RemoteBackend(uri, token);
    }
}

/// <summary>A problem with the command's input, printed as it is (no stack trace), exit code 2.</summary>
internal sealed class CommandException(string message) : Exception(message);
