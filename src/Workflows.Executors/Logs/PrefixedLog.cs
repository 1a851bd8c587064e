namespace Workflows.Executors.Logs;

/// <summary>Writes each line to another log with a prefix (a fan-out item's lines in its task's log: <c>[2] deploying</c>).</summary>
/// <param name="inner">The log written to.</param>
/// <param name="prefix">What each line starts with.</param>
public sealed class PrefixedLog(ITaskLog inner, string prefix) : ITaskLog
{
    /// <inheritdoc />
    public string Text => inner.Text;

    /// <inheritdoc />
    public void Write(LogSource source, string line) => inner.Write(source, prefix + line);
}
