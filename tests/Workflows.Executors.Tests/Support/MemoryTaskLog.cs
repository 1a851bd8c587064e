using System.Text;
using Workflows.Executors.Logs;

namespace Workflows.Executors.Tests.Support;

/// <summary>A task log kept in memory, for executor tests (the durable log is tested with PostgreSQL).</summary>
public sealed class MemoryTaskLog : ITaskLog
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();
    private readonly List<(LogSource Source, string Line)> _lines = [];

    public IReadOnlyList<(LogSource Source, string Line)> Lines
    {
        get
        {
            lock (_gate)
            {
                return _lines.ToList();
            }
        }
    }

    public string Text
    {
        get
        {
            lock (_gate)
            {
                return _text.ToString();
            }
        }
    }

    public void Write(LogSource source, string line)
    {
        lock (_gate)
        {
            _lines.Add((source, line));
            _text.Append(line).Append('\n');
        }
    }
}
