namespace Workflows.Runtime;

/// <summary>Why an operator's pause or resume was refused, in the domain's words (each edge maps the reason to its own: an HTTP status, an exit code).</summary>
public enum PauseRefusalReason
{
    /// <summary>The job is not running: queued, ending, cancelling or finished.</summary>
    NotRunning,

    /// <summary>An operator paused it already, or asked to while its task runs.</summary>
    AlreadyPaused,

    /// <summary>Resume: the job is not paused and no pause was asked for.</summary>
    NotPaused,
}

/// <summary>Why a pause or resume was refused, and a message naming the problem and the fix.</summary>
/// <param name="Reason">The reason.</param>
/// <param name="Message">The problem and the fix.</param>
public sealed record PauseRefusal(PauseRefusalReason Reason, string Message);
