using Workflows.Definitions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Workflows.Yaml;

/// <summary>
/// Builds the node tree from YamlDotNet's parser events. Unlike YamlDotNet's representation model it keeps duplicate
/// keys; it resolves aliases and <c>&lt;&lt;</c> merge keys. It enforces <see cref="YamlLimits"/> as it reads, with
/// aliases expanded, so nothing downstream walks a deeper or larger tree.
/// </summary>
internal static class YamlTreeReader
{
    /// <summary>
    /// The first document's root node, or null for an empty document. Throws <see cref="YamlException"/> on a syntax
    /// error and <see cref="YamlLimitException"/> when the text goes past <see cref="YamlLimits"/>.
    /// </summary>
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

            var root = parser.Accept<DocumentEnd>(out _) ? null : ReadNode(parser, anchors, ref last, 1);
            parser.Consume<DocumentEnd>();
            return root is YamlScalarNode { IsNull: true } ? null : root;
        }
        catch (Exception e) when (e is not (YamlException or YamlLimitException))
        {
            // YamlDotNet's scanner throws InvalidOperationException on some unclosed flow collections.
            var at = last.Line > 0 ? last : new Mark(0, 1, 1);
            throw new SyntaxErrorException(at, at, "The parser could not read past this point; look for an unclosed '{', '[' or quote after it.");
        }
    }

    // depth: the nesting level of the node about to be read (the root is 1); bounded, so is the recursion.
    private static YamlNode ReadNode(IParser parser, Dictionary<string, YamlNode> anchors, ref Mark last, int depth)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (!anchors.TryGetValue(alias.Value.Value, out var target))
            {
                throw new SemanticErrorException(alias.Start, alias.End, $"The alias '*{alias.Value.Value}' refers to no anchor.");
            }

            if (!target.IsComplete)
            {
                throw new SemanticErrorException(alias.Start, alias.End,
                    $"The alias '*{alias.Value.Value}' is used inside the value its anchor names, so that value would contain itself; refer to a value defined before it instead.");
            }

            // The alias stands where it is used, so its anchored value counts again here.
            if (depth - 1 + target.Height > YamlLimits.MaxDepth)
            {
                throw new YamlLimitException(WorkflowDiagnostics.NestingTooDeep, alias.Start, YamlLimits.Number(depth - 1 + target.Height), YamlLimits.MaxDepth);
            }

            return target;
        }

        if (parser.TryConsume<Scalar>(out var scalar))
        {
            last = scalar.End;
            var node = Anchor(new YamlScalarNode(scalar), scalar.Anchor, anchors);
            node.Size = 1;
            node.TextLength = scalar.Value.Length;
            return Complete(node, scalar.Start);
        }

        if (parser.Current is SequenceStart or MappingStart && depth > YamlLimits.MaxDepth)
        {
            throw TooDeep(parser, depth);
        }

        if (parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            last = sequenceStart.End;
            var sequence = Anchor(new YamlSequenceNode(sequenceStart.Start), sequenceStart.Anchor, anchors);
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                var item = ReadNode(parser, anchors, ref last, depth + 1);
                sequence.Items.Add(item);
                Add(sequence, item);
            }

            return Complete(sequence, sequenceStart.Start);
        }

        var mappingStart = parser.Consume<MappingStart>();
        last = mappingStart.End;
        var mapping = Anchor(new YamlMappingNode(mappingStart.Start), mappingStart.Anchor, anchors);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var mergedAt = new Dictionary<string, int>(StringComparer.Ordinal);
        var overridden = new HashSet<int>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var key = ReadNode(parser, anchors, ref last, depth + 1);
            var value = ReadNode(parser, anchors, ref last, depth + 1);
            if (key is YamlScalarNode { IsPlain: true, Value: "<<" })
            {
                Merge(mapping, value, keys, mergedAt);
                continue;
            }

            // A key written in the mapping wins over the same key merged in with <<.
            if (key is YamlScalarNode written)
            {
                if (mergedAt.Remove(written.Value, out var index))
                {
                    overridden.Add(index);
                }

                keys.Add(written.Value);
            }

            mapping.Entries.Add(new KeyValuePair<YamlNode, YamlNode>(key, value));
        }

        if (overridden.Count > 0)
        {
            var kept = mapping.Entries.Where((_, i) => !overridden.Contains(i)).ToList();
            mapping.Entries.Clear();
            mapping.Entries.AddRange(kept);
        }

        foreach (var (key, value) in mapping.Entries)
        {
            Add(mapping, key);
            Add(mapping, value);
        }

        return Complete(mapping, mappingStart.Start);
    }

    private static void Merge(YamlMappingNode into, YamlNode value, HashSet<string> keys, Dictionary<string, int> mergedAt)
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
                if (entry.Key is YamlScalarNode key && keys.Add(key.Value))
                {
                    mergedAt[key.Value] = into.Entries.Count;
                    into.Entries.Add(entry);
                }
            }
        }
    }

    /// <summary>Counts a child (already within the bounds) into its parent; the parent is checked when it is complete.</summary>
    private static void Add(YamlNode parent, YamlNode child)
    {
        parent.Height = Math.Max(parent.Height, child.Height + 1);
        parent.Size += child.Size;
        parent.TextLength += child.TextLength;
    }

    private static T Complete<T>(T node, Mark start)
        where T : YamlNode
    {
        if (node is not YamlScalarNode)
        {
            node.Height = Math.Max(node.Height, 1);
            node.Size += 1;
        }

        if (node.Height > YamlLimits.MaxDepth)
        {
            throw new YamlLimitException(WorkflowDiagnostics.NestingTooDeep, start, YamlLimits.Number(node.Height), YamlLimits.MaxDepth);
        }

        if (node.Size > YamlLimits.MaxNodes)
        {
            throw new YamlLimitException(WorkflowDiagnostics.ExpansionTooLarge, start,
                YamlLimits.Number(YamlLimits.MaxNodes) + " nodes (lists, mappings, keys and values)", YamlLimits.Number(YamlLimits.MaxNodes));
        }

        if (node.TextLength > YamlLimits.MaxTextLength)
        {
            throw new YamlLimitException(WorkflowDiagnostics.ExpansionTooLarge, start,
                YamlLimits.Number(YamlLimits.MaxTextLength) + " characters of keys and values", YamlLimits.Number(YamlLimits.MaxTextLength));
        }

        node.IsComplete = true;
        return node;
    }

    /// <summary>
    /// The error for a list or mapping nested past <see cref="YamlLimits.MaxDepth"/>, at its start, naming how deep the
    /// text goes: the deep part is scanned without recursion (and without building nodes) to find that out, up to
    /// <see cref="YamlLimits.MaxReportedDepth"/> levels (YamlDotNet's cost per event grows with the depth).
    /// </summary>
    private static YamlLimitException TooDeep(IParser parser, int depth)
    {
        var at = parser.Current!.Start;
        var deepest = depth;
        var level = depth - 1;
        try
        {
            do
            {
                switch (parser.Current)
                {
                    case SequenceStart or MappingStart:
                        deepest = Math.Max(deepest, ++level);
                        break;
                    case SequenceEnd or MappingEnd:
                        level--;
                        break;
                    case DocumentEnd or StreamEnd:
                        level = 0;
                        break;
                }
            }
            while (level >= depth && deepest <= YamlLimits.MaxReportedDepth && parser.MoveNext());
        }
        catch (YamlException)
        {
            // Unclosed brackets after the deep part: the depth read so far is the answer.
        }

        var levels = deepest > YamlLimits.MaxReportedDepth ? "more than " + YamlLimits.Number(YamlLimits.MaxReportedDepth) : YamlLimits.Number(deepest);
        return new YamlLimitException(WorkflowDiagnostics.NestingTooDeep, at, levels, YamlLimits.MaxDepth);
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
