using System.Text;
using Workflows.Executors.Logs;
using Workflows.Executors.Secrets;

namespace Workflows.Marten.Logs;

/// <summary>
/// One attempt's log: lines are masked, bounded (<see cref="TaskLogs.MaxBytesPerAttempt"/>) and written to PostgreSQL
/// in batches every 250 ms while the task runs. Dispose it to write the rest (and a note of what was cut).
/// </summary>
public sealed class DurableTaskLog : ITaskLog, IAsyncDisposable
{
    private static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(250);
    private readonly TaskLogs _logs;
    private readonly string _jobId;
    private readonly string _taskType;
    private readonly int _attempt;
    private readonly string[] _secrets;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();
    private readonly PeriodicTimer _timer;
    private readonly Task _flusher;
    private List<(int Seq, DateTimeOffset At, LogSource Source, string Line)> _pending = [];
    private int _next;
    private long _bytes;
    private long _droppedBytes;
    private int _droppedLines;
    private int _closed;

    internal DurableTaskLog(TaskLogs logs, string jobId, string taskType, int attempt, int next, IEnumerable<string> secrets, TimeProvider time)
    {
        _logs = logs;
        _jobId = jobId;
        _taskType = taskType;
        _attempt = attempt;
        _next = next;
        _secrets = secrets.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToArray();
        _time = time;
        _timer = new PeriodicTimer(FlushEvery, time);
        _flusher = FlushPeriodicallyAsync();
    }

    /// <inheritdoc />
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

    /// <inheritdoc />
    public void Write(LogSource source, string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        line = SecretMask.Apply(line, _secrets);

        lock (_gate)
        {
            var size = Encoding.UTF8.GetByteCount(line) + 1;
            if (_bytes + size > _logs.MaxBytesPerAttempt)
            {
                _droppedBytes += size;
                _droppedLines++;
                return;
            }

            _bytes += size;
            _text.Append(line).Append('\n');
            _pending.Add((_next++, _time.GetUtcNow(), source, line));
        }
    }

    /// <summary>Writes what is left, with a line saying how much was cut when the log hit its bound.</summary>
    public async ValueTask DisposeAsync()
    {
        var rest = await CloseAsync().ConfigureAwait(false);
        if (rest is not null)
        {
            await WriteAsync(rest).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops the periodic flush and returns the lines not written yet (with the note of what was cut), for the caller
    /// to write in the transaction that records the attempt's result (one transaction less per attempt); null when
    /// closed already. Write them with <see cref="WriteAsync(LogTail)"/> if that write fails.
    /// </summary>
    public async ValueTask<LogTail?> CloseAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return null;
        }

        // Disposing the timer ends its wait (no cancellation exception: one per attempt was a measurable cost).
        _timer.Dispose();
        await _flusher.ConfigureAwait(false);
        lock (_gate)
        {
            if (_droppedLines > 0)
            {
                _pending.Add((_next++, _time.GetUtcNow(), LogSource.System,
                    $"log truncated: {_droppedLines} more lines ({_droppedBytes} bytes) over the {_logs.MaxBytesPerAttempt}-byte limit per attempt"));
            }

            var rest = new LogTail(_jobId, _taskType, _attempt, _pending);
            _pending = [];
            return rest;
        }
    }

    /// <summary>Writes lines this log returned from <see cref="CloseAsync"/> in a transaction of their own.</summary>
    /// <param name="rest">The lines.</param>
    public Task WriteAsync(LogTail rest) =>
        rest.Lines.Count == 0 ? Task.CompletedTask : _logs.WriteAsync(rest.JobId, rest.TaskType, rest.Attempt, rest.Lines, CancellationToken.None);

    /// <summary>Flushes every <see cref="FlushEvery"/> until the timer is disposed (the final flush follows).</summary>
    private async Task FlushPeriodicallyAsync()
    {
        while (await _timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            await FlushAsync().ConfigureAwait(false);
        }
    }

    private async Task FlushAsync()
    {
        List<(int Seq, DateTimeOffset At, LogSource Source, string Line)> batch;
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            batch = _pending;
            _pending = [];
        }

        try
        {
            await _logs.WriteAsync(_jobId, _taskType, _attempt, batch, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Npgsql.NpgsqlException)
        {
            // Not written: put the lines back, in order, for the next flush.
            lock (_gate)
            {
                batch.AddRange(_pending);
                _pending = batch;
            }
        }
    }
}

/// <summary>The lines of an attempt's log not written yet, written with the attempt's result.</summary>
/// <param name="JobId">The job.</param>
/// <param name="TaskType">The task.</param>
/// <param name="Attempt">The attempt.</param>
/// <param name="Lines">The lines, in order.</param>
public sealed record LogTail(string JobId, string TaskType, int Attempt, IReadOnlyList<(int Seq, DateTimeOffset At, LogSource Source, string Line)> Lines);
