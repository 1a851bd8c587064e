using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Workflows.Samples;

/// <summary>
/// A local stand-in for jsonplaceholder.typicode.com on 127.0.0.1 (these machines have no internet): <c>GET /todos/{id}</c>
/// answers 200 with a todo, any other path 404 (so the sensor seed's <c>/blaaaaahtodos/1</c> polls until its template
/// switches URL). <c>/status/{code}</c> answers with that status, to force an exit code. Every request is recorded.
/// </summary>
public sealed class PlaceholderServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _requests = new();

    private PlaceholderServer(WebApplication app) => _app = app;

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress => new(_app.Urls.First());

    /// <summary>The requests served so far, as <c>METHOD /path</c>, in order.</summary>
    public IReadOnlyList<string> Requests => _requests.ToList();

    /// <summary>Starts the server on a free port of 127.0.0.1.</summary>
    public static async Task<PlaceholderServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new PlaceholderServer(app);
        app.Use(async (context, next) =>
        {
            server._requests.Enqueue(context.Request.Method + " " + context.Request.Path + context.Request.QueryString);
            await next(context).ConfigureAwait(false);
        });
        app.MapGet("/todos/{id:int}", (int id) => Results.Json(new { userId = 1, id, title = "delectus aut autem", completed = false }));
        app.MapMethods("/todos", ["POST", "PUT"], async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            return Results.Content(await reader.ReadToEndAsync().ConfigureAwait(false), request.ContentType ?? "text/plain", statusCode: 201);
        });
        app.Map("/status/{code:int}", (int code) => Results.StatusCode(code));
        app.MapFallback(() => Results.Json(new { }, statusCode: 404));
        await app.StartAsync().ConfigureAwait(false);
        return server;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
