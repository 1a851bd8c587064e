namespace Workflows.Yaml;

/// <summary>Raised inside the translator for a construct it cannot translate; caught per action.</summary>
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
}
