using System.Text;
using System.Text.RegularExpressions;

namespace Workflows.Executors.Scripts;

/// <summary>
/// Composes a task's before_script, script and after_script lines into one POSIX <c>sh</c> program, as CI runners
/// do: lines run in order in one shell (a <c>cd</c> or <c>export</c> carries to later lines); the first failing line
/// ends the script and its exit code is the task's; after_script always runs, in its own subshell, and its failure is
/// logged but does not change the exit code. Each line is echoed as <c>$ line</c> before it runs.
/// </summary>
public static partial class ShellScript
{
    /// <summary>Builds the program for <c>sh -c</c>.</summary>
    /// <param name="task">The rendered task.</param>
    public static string Compose(RenderedTask task) => Compose(task, null);

    /// <summary>Builds the program, with <paramref name="between"/> run after before_script and before script (the cache point).</summary>
    /// <param name="task">The rendered task.</param>
    /// <param name="between">Lines of sh run between them as they are (not echoed), or null.</param>
    internal static string Compose(RenderedTask task, string? between)
    {
        ArgumentNullException.ThrowIfNull(task);
        var main = new StringBuilder("set -e\n");
        foreach (var line in task.BeforeScript)
        {
            AppendLine(main, line);
        }

        main.Append(between);
        foreach (var line in task.Script)
        {
            AppendLine(main, line);
        }

        if (task.AfterScript.Count == 0)
        {
            return main.ToString();
        }

        var program = new StringBuilder();
        program.Append("(\n").Append(main).Append(")\n__wf_rc=$?\n(\nset -e\n");
        foreach (var line in task.AfterScript)
        {
            AppendLine(program, line);
        }

        program.Append(") || echo \"after_script failed with exit code $? (ignored)\" >&2\nexit $__wf_rc\n");
        return program.ToString();
    }

    private static void AppendLine(StringBuilder program, string line)
    {
        program.Append("printf '%s\\n' ").Append(Quote("$ " + line)).Append('\n');
        program.Append(Translate(line)).Append('\n');
    }

    /// <summary>
    /// formicary runs each line in its own shell and gives a line that is only <c>env K=V …</c> the meaning "set K for
    /// the later lines"; in one shell that is <c>export K=V …</c> (docs/compatibility.md).
    /// </summary>
    internal static string Translate(string line)
    {
        var match = EnvAssignment().Match(line);
        return match.Success ? "export" + line.Trim()[3..] : line;
    }

    /// <summary>Single-quotes a string for sh.</summary>
    internal static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"^\s*env(\s+[A-Za-z_][A-Za-z0-9_]*=\S*)+\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvAssignment();
}
