namespace Workflows.Hosting.Embedded;

/// <summary>
/// The embedded default PostgreSQL could not be found, initialised or started. The message says what was tried and
/// how to fix it (install the PostgreSQL server binaries, or set <c>ConnectionStrings:Workflows</c> to use a server).
/// </summary>
public sealed class EmbeddedPostgresException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public EmbeddedPostgresException()
        : base("The embedded PostgreSQL could not be started.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and how to fix it.</param>
    public EmbeddedPostgresException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed and how to fix it.</param>
    /// <param name="innerException">The underlying failure.</param>
    public EmbeddedPostgresException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
