namespace Workflows.Marten.Writing;

/// <summary>A job in a group of writes was not at the version its write expected; the group is committed again job by job.</summary>
internal sealed class StaleGroupException : Exception
{
    public StaleGroupException()
        : base("A job in the group changed after its write was decided; the group's writes are committed one by one.")
    {
    }

    public StaleGroupException(string message)
        : base(message)
    {
    }

    public StaleGroupException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
