using System.Collections.Immutable;

namespace Workflows.Testing;

/// <summary>
/// What one scripted attempt of a task does: how it exits (an exit code, an exception, an executor error, a timeout),
/// the outputs it sets, the output tail <c>retry_on</c> rules match, and how long it takes on the virtual clock.
/// </summary>
/// <remarks>Immutable: <c>Outcome.Exit(2).Took(TimeSpan.FromSeconds(3))</c> returns a new outcome.</remarks>
public sealed record Outcome
{
    private Outcome()
    {
    }

    /// <summary>The exit code; null when the attempt threw, timed out or its executor failed.</summary>
    public int? ExitCode { get; private init; }

    /// <summary>The exception type name when an in-process task threw.</summary>
    public string? ExceptionType { get; private init; }

    /// <summary>The executor's error code (e.g. <c>ERR_IMAGE_NOT_FOUND</c>).</summary>
    public string? ErrorCode { get; private init; }

    /// <summary>True when the attempt runs past the task's timeout (the kit also sets it when <see cref="Duration"/> exceeds the timeout).</summary>
    public bool TimedOut { get; private init; }

    /// <summary>How long the attempt takes on the virtual clock.</summary>
    /// <value>Default: zero.</value>
    public TimeSpan Duration { get; private init; }

    /// <summary>The task outputs the attempt sets (later tasks see them as template variables).</summary>
    public ImmutableDictionary<string, string> Outputs { get; private init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The tail of stdout and stderr, matched by <c>retry_on</c> output patterns.</summary>
    public string? OutputTail { get; private init; }

    /// <summary>The attempt exits 0.</summary>
    public static Outcome Succeeds { get; } = new() { ExitCode = 0 };

    /// <summary>The attempt exits with <paramref name="code"/> (the task's exit-code map decides what it means).</summary>
    /// <param name="code">The exit code.</param>
    public static Outcome Exit(int code) => new() { ExitCode = code };

    /// <summary>The in-process task throws <typeparamref name="TException"/> (matched by <c>retry_on</c> exception rules).</summary>
    /// <typeparam name="TException">The exception type, reported by its full name as the C# executor reports it.</typeparam>
    public static Outcome Throws<TException>()
        where TException : Exception => Throws(typeof(TException).FullName!);

    /// <summary>The in-process task throws an exception of this type.</summary>
    /// <param name="exceptionType">The exception's full type name as the C# executor reports it, e.g. <c>System.Net.Http.HttpRequestException</c>.</param>
    public static Outcome Throws(string exceptionType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(exceptionType);
        return new() { ExceptionType = exceptionType };
    }

    /// <summary>The executor fails with an error code and no exit code (e.g. <c>ERR_IMAGE_NOT_FOUND</c>).</summary>
    /// <param name="errorCode">The executor's error code.</param>
    public static Outcome Fails(string errorCode)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(errorCode);
        return new() { ErrorCode = errorCode };
    }

    /// <summary>The attempt runs past the task's timeout and is stopped.</summary>
    public static Outcome TimesOut { get; } = new() { TimedOut = true };

    /// <summary>This outcome, taking <paramref name="duration"/> on the virtual clock (longer than the task's timeout: it times out).</summary>
    /// <param name="duration">How long the attempt runs.</param>
    public Outcome Took(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        return this with { Duration = duration };
    }

    /// <summary>This outcome, setting a task output.</summary>
    /// <param name="name">The output's name.</param>
    /// <param name="value">Its value.</param>
    public Outcome WithOutput(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        return this with { Outputs = Outputs.SetItem(name, value) };
    }

    /// <summary>This outcome, printing <paramref name="tail"/> (what <c>retry_on</c> output patterns see).</summary>
    /// <param name="tail">The end of the attempt's stdout and stderr.</param>
    public Outcome Printing(string tail) => this with { OutputTail = tail };

    /// <inheritdoc />
    public override string ToString() =>
        (TimedOut ? "times out" : ExceptionType is { } type ? $"throws {type}" : ErrorCode is { } code && ExitCode is null ? $"fails {code}" : $"exits {ExitCode}")
        + (Duration > TimeSpan.Zero ? $" after {Duration}" : string.Empty);
}
