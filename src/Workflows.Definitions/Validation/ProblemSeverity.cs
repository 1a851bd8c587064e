namespace Workflows.Definitions
{
    /// <summary>How serious a <see cref="Problem"/> is.</summary>
    public enum ProblemSeverity
    {
        /// <summary>Worth knowing; nothing is wrong.</summary>
        Info,

        /// <summary>The definition runs, but probably not as meant.</summary>
        Warning,

        /// <summary>The definition cannot run; it is rejected.</summary>
        Error,
    }
}
