namespace Workflows.Yaml.Writing;

/// <summary>A node of the YAML the writer emits: a scalar (already in its written form), a mapping or a sequence.</summary>
internal abstract record OutNode;

/// <summary>A scalar as it is written, e.g. <c>"text"</c>, <c>6s</c> or <c>true</c>.</summary>
internal sealed record OutScalar(string Written) : OutNode;

/// <summary>A mapping; keys are written as given (quoted when needed).</summary>
internal sealed record OutMap(List<(string Key, OutNode Value)> Entries) : OutNode
{
    public OutMap()
        : this(new List<(string, OutNode)>())
    {
    }
}

/// <summary>A sequence.</summary>
internal sealed record OutSeq(List<OutNode> Items) : OutNode
{
    public OutSeq()
        : this(new List<OutNode>())
    {
    }
}
