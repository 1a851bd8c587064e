namespace Workflows.Testing;

/// <summary>A <see cref="WorkflowRun"/> expectation failed; the message says what was expected and prints the run's history.</summary>
public sealed class WorkflowAssertionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WorkflowAssertionException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was expected, what happened, and the history.</param>
    public WorkflowAssertionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was expected, what happened, and the history.</param>
    /// <param name="innerException">The cause.</param>
    public WorkflowAssertionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
