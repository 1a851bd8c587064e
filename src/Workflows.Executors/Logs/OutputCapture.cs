using Workflows.Definitions;

namespace Workflows.Executors.Logs;

/// <summary>
/// Passes every line on to the attempt's log and collects the task outputs its stdout sets
/// (<c>::set-output name=NAME::VALUE</c>, <see cref="TaskOutputs"/>): the last value of a name wins; beyond
/// <see cref="TaskOutputs.MaxCount"/> names or <see cref="TaskOutputs.MaxValueLength"/> characters an output is
/// dropped, with a system line saying so.
/// </summary>
/// <param name="inner">The attempt's log.</param>
public sealed class OutputCapture(ITaskLog inner) : ITaskLog
{
    private readonly Dictionary<string, string> _outputs = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public string Text => inner.Text;

    /// <summary>The outputs set so far.</summary>
    public IReadOnlyDictionary<string, string> Outputs
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, string>(_outputs, StringComparer.Ordinal);
            }
        }
    }

    /// <inheritdoc />
    public void Write(LogSource source, string line)
    {
        inner.Write(source, line);
        if (source != LogSource.Stdout || line is null || !TaskOutputs.TryParse(line, out var name, out var value))
        {
            return;
        }

        string? dropped = null;
        lock (_gate)
        {
            if (value.Length > TaskOutputs.MaxValueLength)
            {
                dropped = $"output '{name}' dropped: its value has {value.Length} characters, at most {TaskOutputs.MaxValueLength} are kept (put large data in an artifact)";
            }
            else if (_outputs.Count >= TaskOutputs.MaxCount && !_outputs.ContainsKey(name))
            {
                dropped = $"output '{name}' dropped: an attempt keeps at most {TaskOutputs.MaxCount} outputs";
            }
            else
            {
                _outputs[name] = value;
            }
        }

        if (dropped is not null)
        {
            inner.Write(LogSource.System, dropped);
        }
    }
}
