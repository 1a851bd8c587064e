using System.Text;
using Workflows.Runtime;

namespace Workflows.Testing;

public sealed partial class WorkflowRun
{
    /// <summary>Asserts the job completed.</summary>
    /// <exception cref="WorkflowAssertionException">It did not; the message prints the history.</exception>
    public WorkflowRun ShouldComplete() => ShouldEnd(JobStatus.Completed);

    /// <summary>Asserts the job failed with <paramref name="errorCode"/> (any code when null).</summary>
    /// <param name="errorCode">The job's expected error code, e.g. <c>ERR_XYZ</c>.</param>
    /// <exception cref="WorkflowAssertionException">It did not; the message prints the history.</exception>
    public WorkflowRun ShouldFail(string? errorCode = null) => ShouldEnd(JobStatus.Failed, errorCode);

    /// <summary>Asserts where the job is, and its error code when given.</summary>
    /// <param name="status">The expected status.</param>
    /// <param name="errorCode">The expected error code; null to not check it.</param>
    /// <exception cref="WorkflowAssertionException">It is not; the message prints the history.</exception>
    public WorkflowRun ShouldEnd(JobStatus status, string? errorCode = null)
    {
        if (State.Status != status || (errorCode is not null && State.ErrorCode != errorCode))
        {
            throw Fail($"Expected the job to be {status}{(errorCode is null ? string.Empty : " with " + errorCode)}, but it is {State.Status}{(State.ErrorCode is { } code ? " with " + code : string.Empty)}.");
        }

        return this;
    }

    /// <summary>Asserts the path taken: the task of every run, in order (e.g. <c>"first", "second", "second"</c>).</summary>
    /// <param name="path">The expected tasks.</param>
    /// <exception cref="WorkflowAssertionException">The path differs; the message prints both and the history.</exception>
    public WorkflowRun ShouldFollow(params string[] path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!Path.SequenceEqual(path, StringComparer.Ordinal))
        {
            throw Fail($"Expected the path{Environment.NewLine}  {string.Join(" → ", path)}{Environment.NewLine}but it was{Environment.NewLine}  {string.Join(" → ", Path)}");
        }

        return this;
    }

    /// <summary>
    /// Asserts the history holds these lines in this order (others may come between), each a <see cref="Trace"/> line,
    /// or one prefixed with its time (<c>+6s Scheduled second#1 JobRetry</c>) to check when it happened too.
    /// </summary>
    /// <param name="lines">The expected lines.</param>
    /// <exception cref="WorkflowAssertionException">A line is missing or out of order; the message names it and prints the history.</exception>
    public WorkflowRun ShouldHaveHistory(params string[] lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var history = History;
        var at = 0;
        foreach (var line in lines)
        {
            var timed = line.StartsWith('+');
            var found = -1;
            for (var i = at; i < history.Count; i++)
            {
                if (timed ? history[i] == line : Trace[i] == line)
                {
                    found = i;
                    break;
                }
            }

            if (found < 0)
            {
                throw Fail($"Expected the history to have \"{line}\"{(at > 0 ? " after \"" + history[at - 1] + "\"" : string.Empty)}, but it does not.");
            }

            at = found + 1;
        }

        return this;
    }

    /// <summary>Asserts a task's latest run rendered a script line (after templates: <c>exit 2</c>, <c>echo nonce 3f…</c>).</summary>
    /// <param name="taskType">The task.</param>
    /// <param name="line">The expected rendered line.</param>
    /// <exception cref="WorkflowAssertionException">No such line; the message prints the rendered script and the history.</exception>
    public WorkflowRun ShouldRender(string taskType, string line)
    {
        var rendered = Rendered(taskType);
        if (!rendered.Script.Contains(line, StringComparer.Ordinal))
        {
            throw Fail($"Expected task '{taskType}' to render the script line \"{line}\", but its script was:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", rendered.Script)}");
        }

        return this;
    }

    /// <summary>The run as text: status, path and history (what a failed expectation prints).</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("Job '").Append(_test.Definition.JobType).Append("' is ").Append(State.Status);
        if (State.ErrorCode is { } code)
        {
            text.Append(" with ").Append(code);
        }

        text.Append(" after ").Append(Seconds(Elapsed)).Append(" (virtual)").AppendLine();
        text.Append("Path: ").AppendLine(Path.Count == 0 ? "(no task ran)" : string.Join(" → ", Path));
        text.AppendLine("History:");
        foreach (var line in History)
        {
            text.Append("  ").AppendLine(line);
        }

        return text.ToString();
    }

    private WorkflowAssertionException Fail(string expectation) =>
        new(expectation + Environment.NewLine + ToString());
}
