namespace Workflows.Executors;

/// <summary>How a task attempt ended, as its executor saw it.</summary>
/// <param name="ExitCode">The exit code (process, container or HTTP status mapped to 0 for 2xx); null when there is none.</param>
/// <param name="ErrorCode">An executor error code (<see cref="ExecutorErrors"/>) when the attempt could not run or its transport failed.</param>
/// <param name="Message">What happened, for the job's log and view (e.g. the image that could not be had).</param>
/// <param name="ExceptionType">For an in-process task that threw, the exception's type.</param>
public sealed record TaskOutcome(int? ExitCode, string? ErrorCode = null, string? Message = null, string? ExceptionType = null)
{
    /// <summary>Task outputs the executor sets itself (EXPIRE_ARTIFACTS' totals, C# <c>context.SetOutput</c>), besides those its stdout sets.</summary>
    public IReadOnlyDictionary<string, string>? Outputs { get; init; }

    /// <summary>An attempt that ran and exited with <paramref name="exitCode"/>.</summary>
    /// <param name="exitCode">The exit code.</param>
    public static TaskOutcome Exited(int exitCode) => new(exitCode);

    /// <summary>An attempt the executor could not run, with its error code and a message naming the problem and the fix.</summary>
    /// <param name="errorCode">One of <see cref="ExecutorErrors"/>.</param>
    /// <param name="message">The problem and the fix.</param>
    /// <param name="exitCode">An exit code to route on, when the error has one.</param>
    public static TaskOutcome Error(string errorCode, string message, int? exitCode = null) => new(exitCode, errorCode, message);
}
