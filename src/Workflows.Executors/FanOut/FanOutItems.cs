using System.Text.Json;
using Workflows.Definitions;

namespace Workflows.Executors.FanOut;

/// <summary>The items of a fan-out: the elements of the JSON array that the variable named by <c>fan_out.source</c> holds.</summary>
public static class FanOutItems
{
    /// <summary>
    /// The items, each as its child sees it under <c>item_var</c>: a string element as itself, any other element
    /// (number, object, array, true, false, null) as its JSON text.
    /// </summary>
    /// <param name="taskType">The task (for the error).</param>
    /// <param name="source">The variable's name.</param>
    /// <param name="value">Its value; null when the attempt has no such variable.</param>
    /// <param name="error">Why there are no items: the variable is missing or does not hold a JSON array.</param>
    public static IReadOnlyList<string>? Read(string taskType, string source, string? value, out string? error)
    {
        error = null;
        if (value is null)
        {
            error = $"Task '{taskType}': fan_out.source '{source}' is not a variable of this job. " +
                $"Set '{source}' to a JSON array (e.g. [\"a\",\"b\"]) in job_variables, as a request param, or as an output of an earlier task (::set-output name={source}::[...]).";
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(value);
            if (document.RootElement.ValueKind == JsonValueKind.Array)
            {
                return document.RootElement.EnumerateArray()
                    .Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText())
                    .ToList();
            }

            error = Holds(taskType, source, value, $"a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an array");
        }
        catch (JsonException e)
        {
            error = Holds(taskType, source, value, "not JSON: " + e.Message);
        }

        return null;
    }

    private static string Holds(string taskType, string source, string value, string what) =>
        $"Task '{taskType}': fan_out.source '{source}' must hold a JSON array of items (e.g. [\"a\",\"b\"]), but holds '{(value.Length > 200 ? value[..200] + "…" : value)}' ({what}). " +
        $"Set '{source}' to a JSON array.";

    /// <summary>The task of one item in task mode: the fanned-out task, named <c>&lt;task&gt;-fo-&lt;index&gt;</c> as formicary names it, without <c>fan_out</c>.</summary>
    /// <param name="task">The fan-out task.</param>
    /// <param name="index">The item's index.</param>
    public static TaskDefinition ItemTask(TaskDefinition task, int index)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task with { TaskType = $"{task.TaskType}-fo-{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}", FanOut = null };
    }
}
