using Workflows.Definitions;

namespace Workflows.Yaml;

/// <summary>
/// Where the loader is reading: the job or one task (its name for messages, its index for pointers), and the
/// top-level key when inside a nested block such as <c>artifacts:</c>.
/// </summary>
/// <param name="Subject">How messages name the owner: <c>Job 'x'</c> or <c>Task 'y'</c>.</param>
/// <param name="TaskType">The task's name; null at job level.</param>
/// <param name="TaskIndex">The task's index in the definition; -1 at job level.</param>
/// <param name="Parent">The top-level key this nested block is under; null at top level.</param>
/// <param name="Prefix">The path shown before a key in messages, e.g. <c>artifacts.</c>.</param>
internal sealed record Scope(string Subject, string? TaskType, int TaskIndex, string? Parent = null, string Prefix = "")
{
    public static Scope ForJob(string jobType) => new($"Job '{jobType}'", null, -1);

    public static Scope ForTask(string taskType, int index) => new($"Task '{taskType}'", taskType, index);

    /// <summary>The key as shown in messages, e.g. <c>artifacts.when</c>.</summary>
    public string Display(string key) => Prefix + key;

    /// <summary>The top-level key a problem at <paramref name="key"/> belongs to (for suppressing follow-on validator problems).</summary>
    public string TopKey(string key) => Parent ?? key;

    /// <summary>A definition pointer: the key itself at top level; the top-level key with this key as item when nested.</summary>
    public DefinitionPointer Pointer(string key) => Parent is null
        ? new DefinitionPointer(TaskType, key, null, TaskIndex)
        : new DefinitionPointer(TaskType, Parent, key, TaskIndex);

    /// <summary>The scope inside the block under <paramref name="key"/>; <paramref name="index"/> names a list element.</summary>
    public Scope Nested(string key, int? index = null) => this with
    {
        Parent = Parent ?? key,
        Prefix = Prefix + key + (index is { } i ? "[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]" : string.Empty) + ".",
    };
}
