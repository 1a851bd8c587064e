namespace Workflows.Yaml;

/// <summary>
/// Raised inside the translator for a construct it cannot translate, or for a template that Go itself would reject
/// (<see cref="IsSyntaxError"/>); caught per action.
/// </summary>
internal sealed class GoTemplateException : Exception
{
    public GoTemplateException(string message)
        : base(message)
    {
    }

    public GoTemplateException()
    {
    }

    public GoTemplateException(string message, Exception inner)
        : base(message, inner)
    {
    }

    private GoTemplateException(string message, bool isSyntaxError)
        : base(message)
    {
        IsSyntaxError = isSyntaxError;
    }

    /// <summary>
    /// True when the template does not parse as a Go template at all (an unclosed action or block, a stray 'end', an
    /// unterminated string, …): a template syntax error (WF3001), not an untranslatable construct (WF4006).
    /// </summary>
    public bool IsSyntaxError { get; }

    /// <summary>A syntax error: Go's own parser rejects the template.</summary>
    public static GoTemplateException Syntax(string message) => new(message, isSyntaxError: true);
}
