namespace Workflows.Host.Serving;

/// <summary>What <c>serve</c> and the command line on the embedded default share.</summary>
internal static class HostSetup
{
    /// <summary>The content root: the executable's folder (its appsettings.json), whatever the working directory.</summary>
    public static string ContentRoot => AppContext.BaseDirectory;
}
