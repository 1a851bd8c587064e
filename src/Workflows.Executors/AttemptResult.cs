namespace Workflows.Executors;

/// <summary>How an attempt ended, ready to be recorded.</summary>
/// <param name="ExitCode">The exit code, when there is one.</param>
/// <param name="ErrorCode">An executor error code (<see cref="ExecutorErrors"/>), when the attempt could not run or was cancelled.</param>
/// <param name="ExceptionType">An in-process task's exception type.</param>
/// <param name="TimedOut">The attempt ran past the task's timeout and was stopped.</param>
/// <param name="Message">What went wrong, in words.</param>
public sealed record AttemptResult(int? ExitCode, string? ErrorCode = null, string? ExceptionType = null, bool TimedOut = false, string? Message = null)
{
    /// <summary>
    /// The last stdout and stderr of the attempt (bounded), kept only when the task has a <c>retry_on</c> output rule or
    /// a retry strategy (<see cref="Workflows.Definitions.RetryOutput.IsNeeded"/>); null otherwise.
    /// </summary>
    public string? OutputTail { get; init; }

    /// <summary>The task outputs the attempt set (<c>::set-output</c> lines, the executor's own): later tasks see them as template variables.</summary>
    public IReadOnlyDictionary<string, string>? Outputs { get; init; }
}
