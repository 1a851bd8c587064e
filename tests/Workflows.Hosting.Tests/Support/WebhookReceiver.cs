using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Workflows.Hosting.Tests.Support;

/// <summary>One POST a <see cref="WebhookReceiver"/> received.</summary>
internal sealed record ReceivedPost(string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body, int AnsweredWith);

/// <summary>A local HTTP server (Kestrel on 127.0.0.1) that records every POST, answering 503 while <see cref="Refusing"/>.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedPost> Posts { get; } = new();

    /// <summary>How many more POSTs are answered 503 Service Unavailable (int.MaxValue: all of them).</summary>
    public int Refusing;

    /// <summary>When set, only POSTs of this event (<c>X-Workflows-Event</c>) are refused.</summary>
    public string? RefusingOnly { get; set; }

    public string Url { get; private set; } = string.Empty;

    public IEnumerable<ReceivedPost> Accepted => Posts.Where(p => p.AnsweredWith == 200);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var refuse = false;
            if (receiver.RefusingOnly is null || context.Request.Headers["X-Workflows-Event"] == receiver.RefusingOnly)
            {
                refuse = Interlocked.Decrement(ref receiver.Refusing) >= 0;
                if (!refuse)
                {
                    Interlocked.Exchange(ref receiver.Refusing, 0);
                }
            }

            var status = refuse ? 503 : 200;
            receiver.Posts.Enqueue(new ReceivedPost(
                context.Request.Path, context.Request.QueryString.Value ?? string.Empty,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body, status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        receiver.Url = app.Urls.Single();
        return receiver;
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds of the POSTs received.</summary>
    public async Task<IReadOnlyList<ReceivedPost>> WaitUntilAsync(Func<IReadOnlyList<ReceivedPost>, bool> condition, TimeSpan? limit = null)
    {
        var until = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(30));
        while (!condition(Posts.ToList()) && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }

        return Posts.ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
