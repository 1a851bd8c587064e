using Workflows.Definitions;

namespace Workflows.Marten;

/// <summary>
/// Task routing by tags, as formicary's ant reservation (<c>utils.MatchTagsArray</c>): a host runs a task when every
/// one of the task's tags is among the host's, compared case-insensitively; a task without tags runs on any host. Tags
/// are kept lower-cased, trimmed and without blanks (formicary skips blank tags), so the claim compares them with
/// PostgreSQL's <c>&lt;@</c>.
/// </summary>
internal static class TaskTags
{
    /// <summary>Tags as stored and compared: lower-cased, trimmed, no blanks, no duplicates, sorted. Commas separate tags too (<c>gpu,linux</c>).</summary>
    /// <param name="tags">Tags as written, or null.</param>
    public static string[] Normalize(IEnumerable<string>? tags) => (tags ?? [])
        .SelectMany(t => (t ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        .Select(t => t.ToLowerInvariant())
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>The tags a task asks of its host (none: any host runs it).</summary>
    /// <param name="definition">The job's pinned definition.</param>
    /// <param name="taskType">The task.</param>
    public static string[] Of(JobDefinition? definition, string taskType) =>
        definition?.FindTask(taskType) is { Tags.IsEmpty: false } task ? Normalize(task.Tags) : [];

    /// <summary>True when a host with <paramref name="hostTags"/> (normalized) runs a task asking <paramref name="taskTags"/> (normalized).</summary>
    /// <param name="hostTags">The host's tags.</param>
    /// <param name="taskTags">The task's tags.</param>
    public static bool Covers(IReadOnlyCollection<string> hostTags, IReadOnlyCollection<string> taskTags) => taskTags.All(hostTags.Contains);
}
