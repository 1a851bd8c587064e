namespace Workflows.Executors.Shell;

/// <summary>Settings of the SHELL executor.</summary>
public sealed class ShellExecutorOptions
{
    /// <summary>The shell that runs the composed script with <c>-c</c>.</summary>
    /// <value>Default: <c>/bin/sh</c>.</value>
    public string Shell { get; set; } = "/bin/sh";

    /// <summary>Where each attempt gets its own working directory (<c>{job}/{task}-{attempt}</c>), deleted after the attempt.</summary>
    /// <value>Default: <c>workflows-work</c> under the system temp folder.</value>
    public string WorkRoot { get; set; } = Path.Combine(Path.GetTempPath(), "workflows-work");
}
