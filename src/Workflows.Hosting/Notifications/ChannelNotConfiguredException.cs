namespace Workflows.Hosting.Notifications;

/// <summary>A notification's channel (email, slack) is not configured on this host: it is given up at once, saying which setting to set.</summary>
internal sealed class ChannelNotConfiguredException : Exception
{
    public ChannelNotConfiguredException()
    {
    }

    public ChannelNotConfiguredException(string message)
        : base(message)
    {
    }

    public ChannelNotConfiguredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
