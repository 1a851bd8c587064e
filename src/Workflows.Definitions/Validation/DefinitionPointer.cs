namespace Workflows.Definitions
{
    /// <summary>
    /// Where in a definition a problem is: the task (null for job level), the key as written in YAML, and an item
    /// within it (an exit code, a list element). Each edge turns it into its own location: a syntax span in C#,
    /// a line and column in YAML.
    /// </summary>
    /// <param name="TaskType">The task's name, or null for a job-level key.</param>
    /// <param name="Key">The YAML key, e.g. <c>on_completed</c>, <c>on_exit_code</c>, <c>retry</c>.</param>
    /// <param name="Item">The entry within the key, e.g. the exit code <c>"2"</c>; null for the key itself.</param>
    /// <param name="TaskIndex">The task's position in the job (0-based), or -1 for job level; tells duplicates apart.</param>
    public sealed record DefinitionPointer(string? TaskType, string Key, string? Item = null, int TaskIndex = -1)
    {
        /// <summary>A job-level key.</summary>
        /// <param name="key">The YAML key.</param>
        /// <param name="item">The entry within it, if any.</param>
        public static DefinitionPointer Job(string key, string? item = null) => new DefinitionPointer(null, key, item);

        /// <summary>A readable form, e.g. <c>tasks[1] 'second' on_exit_code[2]</c>.</summary>
        public override string ToString()
        {
            var where = TaskType is null ? "job" : $"tasks[{TaskIndex}] '{TaskType}'";
            return Item is null ? $"{where} {Key}" : $"{where} {Key}[{Item}]";
        }
    }
}
