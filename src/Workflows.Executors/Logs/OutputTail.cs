using System.Text;
using Workflows.Definitions;

namespace Workflows.Executors.Logs;

/// <summary>
/// Passes every line on to the attempt's log and keeps the last <see cref="RetryOutput.MaxTailChars"/> characters of
/// stdout and stderr, for <c>retry_on</c> output patterns and retry strategies (the log itself keeps its head when it
/// hits its bound, and the tail is what tells why a task failed).
/// </summary>
/// <param name="inner">The attempt's log.</param>
/// <param name="maxChars">How much to keep.</param>
public sealed class OutputTail(ITaskLog inner, int maxChars = RetryOutput.MaxTailChars) : ITaskLog
{
    private readonly StringBuilder _tail = new();
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public string Text => inner.Text;

    /// <summary>The last stdout and stderr lines, at most the bound, one per line.</summary>
    public string Tail
    {
        get
        {
            lock (_gate)
            {
                return _tail.ToString();
            }
        }
    }

    /// <inheritdoc />
    public void Write(LogSource source, string line)
    {
        inner.Write(source, line);
        if (source == LogSource.System || line is null)
        {
            return;
        }

        lock (_gate)
        {
            _tail.Append(line).Append('\n');
            if (_tail.Length > maxChars)
            {
                _tail.Remove(0, _tail.Length - maxChars);
            }
        }
    }
}
