using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Workflows.Hosting.Tests.Support;

/// <summary>Keeps every formatted log line of a host (with its exception), to check what the host wrote.</summary>
internal sealed class ListLogger : ILoggerProvider, ILogger
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue(formatter(state, exception) + (exception is null ? string.Empty : " " + exception));

    public void Dispose()
    {
    }
}
