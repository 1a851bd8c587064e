using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Workflows.Yaml;

/// <summary>
/// Builds the node tree from YamlDotNet's parser events. Unlike YamlDotNet's representation model it keeps duplicate
/// keys; it resolves aliases and <c>&lt;&lt;</c> merge keys.
/// </summary>
internal static class YamlTreeReader
{
    /// <summary>The first document's root node, or null for an empty document. Throws <see cref="YamlException"/> on a syntax error.</summary>
    public static YamlNode? Read(string text)
    {
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var last = Mark.Empty;
        try
        {
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<DocumentStart>(out _))
            {
                return null;
            }

            var root = parser.Accept<DocumentEnd>(out _) ? null : ReadNode(parser, anchors, ref last);
            parser.Consume<DocumentEnd>();
            return root is YamlScalarNode { IsNull: true } ? null : root;
        }
        catch (Exception e) when (e is not YamlException)
        {
            // YamlDotNet's scanner throws InvalidOperationException on some unclosed flow collections.
            var at = last.Line > 0 ? last : new Mark(0, 1, 1);
            throw new SyntaxErrorException(at, at, "The parser could not read past this point; look for an unclosed '{', '[' or quote after it.");
        }
    }

    private static YamlNode ReadNode(IParser parser, Dictionary<string, YamlNode> anchors, ref Mark last)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            return anchors.TryGetValue(alias.Value.Value, out var target)
                ? target
                : throw new SemanticErrorException(alias.Start, alias.End, $"The alias '*{alias.Value.Value}' refers to no anchor.");
        }

        if (parser.TryConsume<Scalar>(out var scalar))
        {
            last = scalar.End;
            return Anchor(new YamlScalarNode(scalar), scalar.Anchor, anchors);
        }

        if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            last = sequenceStart.End;
            var sequence = Anchor(new YamlSequenceNode(sequenceStart.Start), sequenceStart.Anchor, anchors);
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                sequence.Items.Add(ReadNode(parser, anchors, ref last));
            }

            return sequence;
        }

        var mappingStart = parser.Consume<MappingStart>();
        last = mappingStart.End;
        var mapping = Anchor(new YamlMappingNode(mappingStart.Start), mappingStart.Anchor, anchors);
        var merged = new List<KeyValuePair<YamlNode, YamlNode>>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var key = ReadNode(parser, anchors, ref last);
            var value = ReadNode(parser, anchors, ref last);
            if (key is YamlScalarNode { IsPlain: true, Value: "<<" })
            {
                Merge(mapping, value, merged);
                continue;
            }

            // A key written in the mapping wins over the same key merged in with <<.
            mapping.Entries.RemoveAll(e => merged.Contains(e) && SameKey(e.Key, key));
            mapping.Entries.Add(new KeyValuePair<YamlNode, YamlNode>(key, value));
        }

        return mapping;
    }

    private static bool SameKey(YamlNode a, YamlNode b) => a is YamlScalarNode x && b is YamlScalarNode y && x.Value == y.Value;

    private static void Merge(YamlMappingNode into, YamlNode value, List<KeyValuePair<YamlNode, YamlNode>> merged)
    {
        var sources = value switch
        {
            YamlMappingNode m => new[] { m },
            YamlSequenceNode s => s.Items.OfType<YamlMappingNode>().ToArray(),
            _ => Array.Empty<YamlMappingNode>(),
        };
        foreach (var source in sources)
        {
            foreach (var entry in source.Entries)
            {
                if (!into.Entries.Any(e => SameKey(e.Key, entry.Key)))
                {
                    into.Entries.Add(entry);
                    merged.Add(entry);
                }
            }
        }
    }

    private static T Anchor<T>(T node, AnchorName anchor, Dictionary<string, YamlNode> anchors)
        where T : YamlNode
    {
        if (!anchor.IsEmpty)
        {
            anchors[anchor.Value] = node;
        }

        return node;
    }
}
