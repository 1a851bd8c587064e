using Workflows.Definitions;

namespace Workflows.Yaml;

/// <summary>
/// Maps a validator <see cref="DefinitionPointer"/> (task index, key, item) to the YAML node it is about: the value of
/// <c>on_completed</c>, the key of an exit code in <c>on_exit_code</c>, the list item of a dependency, and so on.
/// </summary>
internal sealed class PointerLocator
{
    private readonly YamlMappingNode _job;
    private readonly List<YamlMappingNode> _tasks;

    public PointerLocator(YamlMappingNode job, List<YamlMappingNode> tasks)
    {
        _job = job;
        _tasks = tasks;
    }

    /// <summary>The node for <paramref name="pointer"/>; <paramref name="occurrence"/> picks among equal items (0 = first).</summary>
    public YamlNode Locate(DefinitionPointer pointer, int occurrence)
    {
        var owner = pointer.TaskIndex >= 0 && pointer.TaskIndex < _tasks.Count ? _tasks[pointer.TaskIndex] : _job;
        var value = Value(owner, pointer.Key);
        if (value is null)
        {
            // The key is not written (e.g. WF1007 asks for a missing timeout): point at the exit code it is about,
            // else at the task (or job) itself.
            if (pointer.Item is not null && Value(owner, "on_exit_code") is YamlMappingNode codes && Item(codes, pointer.Item, occurrence) is { } code)
            {
                return code;
            }

            return owner;
        }

        if (pointer.Item is { } part && part.StartsWith('[') && value is YamlSequenceNode list)
        {
            return Element(list, part) ?? value;
        }

        if (pointer.Item is null)
        {
            return value is YamlScalarNode { IsNull: true } ? Key(owner, pointer.Key) ?? owner : value;
        }

        return (value is YamlMappingNode or YamlSequenceNode ? Item(value, pointer.Item, occurrence) : null) ?? value;
    }

    /// <summary>
    /// A list element by position, <c>[1]</c>, or a key within it, <c>[1].output</c> (the value; the element when the key is
    /// not written): how the validator points into <c>retry_on</c>.
    /// </summary>
    private static YamlNode? Element(YamlSequenceNode list, string item)
    {
        var close = item.IndexOf(']', StringComparison.Ordinal);
        if (close < 0 || !int.TryParse(item.AsSpan(1, close - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) || index >= list.Items.Count)
        {
            return null;
        }

        var element = list.Items[index];
        return close + 2 < item.Length && element is YamlMappingNode map && Value(map, item[(close + 2)..]) is { } inner ? inner : element;
    }

    private static YamlNode? Value(YamlMappingNode map, string key) =>
        map.Entries.FirstOrDefault(e => e.Key is YamlScalarNode k && k.Value == key).Value;

    private static YamlNode? Key(YamlMappingNode map, string key) =>
        map.Entries.FirstOrDefault(e => e.Key is YamlScalarNode k && k.Value == key).Key;

    /// <summary>
    /// The key node of a mapping entry, or the list item, written as <paramref name="item"/>. A list item holding a Go
    /// template matches by its Scriban translation too (the definition, and so the pointer, holds the translation), and
    /// a <c>{name, value}</c> list item matches by its name.
    /// </summary>
    private static YamlNode? Item(YamlNode container, string item, int occurrence)
    {
        var matches = container switch
        {
            YamlMappingNode map => map.Entries.Where(e => e.Key is YamlScalarNode k && Same(k.Value, item)).Select(e => e.Key).ToList(),
            YamlSequenceNode list => list.Items.Where(i => i switch
            {
                YamlScalarNode s => Same(s.Value, item) || SameTranslated(s.Value, item),
                YamlMappingNode pair => Value(pair, "name") is YamlScalarNode name && Same(name.Value, item),
                _ => false,
            }).ToList(),
            _ => new List<YamlNode>(),
        };
        return matches.Count == 0 ? null : matches[Math.Min(occurrence, matches.Count - 1)];
    }

    private static bool Same(string written, string item) => string.Equals(written.Trim(), item.Trim(), StringComparison.Ordinal);

    private static bool SameTranslated(string written, string item) =>
        GoTemplateTranslator.ContainsTemplate(written) && GoTemplateTranslator.Translate(written).Scriban is { } scriban && Same(scriban, item);
}
