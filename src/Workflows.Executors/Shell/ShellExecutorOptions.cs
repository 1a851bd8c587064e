namespace Workflows.Executors.Shell;

/// <summary>Settings of the SHELL executor.</summary>
public sealed class ShellExecutorOptions
{
    /// <summary>The shell that runs the composed script (given the path of the script file).</summary>
    /// <value>Default: <c>/bin/sh</c>.</value>
    public string Shell { get; set; } = "/bin/sh";

    /// <summary>Where each attempt gets its own working directory (<c>{job}/{task}-{attempt}</c>), deleted after the attempt.</summary>
    /// <value>Default: <c>workflows-work</c> under the system temp folder.</value>
    public string WorkRoot { get; set; } = Path.Combine(Path.GetTempPath(), "workflows-work");

    /// <summary>Whether SHELL tasks run at all, and as which user (<see cref="ExecutionPolicy.AllowShell"/>, <see cref="ExecutionPolicy.RunAs"/>).</summary>
    /// <value>Default: a new <see cref="ExecutionPolicy"/>: SHELL tasks are refused.</value>
    public ExecutionPolicy Policy { get; set; } = new();

    /// <summary>
    /// The host's environment variables a SHELL task's process inherits; every other one (the host's secrets
    /// <c>Workflows__Secrets__*</c>, its connection string, …) is removed. The task's own and the runtime's variables are added.
    /// </summary>
    /// <value>
    /// Default: <c>PATH</c>, <c>HOME</c>, <c>USER</c>, <c>LOGNAME</c>, <c>LANG</c>, <c>LC_ALL</c>, <c>TZ</c>, <c>TMPDIR</c>
    /// (a task run as another user gets that user's <c>USER</c>/<c>LOGNAME</c> and its working directory as <c>HOME</c>).
    /// </value>
    public IList<string> InheritedEnvironment { get; } = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR"];
}
