namespace Workflows.Runtime;

/// <summary>
/// The variables a job's tasks leave to later tasks (formicary's job context, FORMICARY-FORMAT §7.3): every output,
/// in the order the tasks ended (a later task's value of a name wins), and <c>&lt;task&gt;-status</c> =
/// <c>COMPLETED</c> or <c>FAILED</c> for each ended task (read with <c>{{ index . "build-status" }}</c>).
/// </summary>
public static class JobContext
{
    /// <summary>The suffix of a task's status variable.</summary>
    public const string StatusSuffix = "-status";

    /// <summary>The context of these task runs (one job attempt's, or a forked child's).</summary>
    /// <param name="tasks">The runs.</param>
    public static IReadOnlyDictionary<string, string> Of(IEnumerable<TaskRun> tasks)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        var context = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var run in tasks.OrderBy(t => t.EndedAt ?? t.StartedAt).ThenBy(t => t.TaskType, StringComparer.Ordinal))
        {
            if (run.Status is TaskRunStatus.Completed or TaskRunStatus.Failed)
            {
                context[run.TaskType + StatusSuffix] = run.Status == TaskRunStatus.Completed ? "COMPLETED" : "FAILED";
            }

            foreach (var output in run.Outputs)
            {
                context[output.Name] = output.Value;
            }
        }

        return context;
    }
}
