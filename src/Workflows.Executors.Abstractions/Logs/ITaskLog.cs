namespace Workflows.Executors.Logs;

/// <summary>Where a log line came from.</summary>
public enum LogSource
{
    /// <summary>Standard output.</summary>
    Stdout,

    /// <summary>Standard error.</summary>
    Stderr,

    /// <summary>The runtime's own lines (image pulled, container removed, response status, …).</summary>
    System,
}

/// <summary>
/// The log of one task attempt. Lines are written as they arrive; the store bounds the size per attempt and masks
/// secrets. Thread-safe: stdout and stderr are written concurrently.
/// </summary>
public interface ITaskLog
{
    /// <summary>Appends one line (without its line break).</summary>
    /// <param name="source">Where it came from.</param>
    /// <param name="line">The line.</param>
    void Write(LogSource source, string line);

    /// <summary>Everything written so far that was kept (bounded), in order; for tests, HTTP bodies and output-conditioned retries.</summary>
    string Text { get; }
}
