using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Workflows.Yaml;

/// <summary>A YAML node with the 1-based line and column where it starts.</summary>
internal abstract class YamlNode
{
    protected YamlNode(Mark start)
    {
        Line = (int)start.Line;
        Column = (int)start.Column;
    }

    protected YamlNode(int line, int column)
    {
        Line = line;
        Column = column;
    }

    public int Line { get; }

    public int Column { get; }

    /// <summary>Lists and mappings nested in this node, itself included (0 for a scalar), with aliases expanded.</summary>
    public int Height { get; set; }

    /// <summary>Nodes in this node, itself included, with aliases expanded (an anchored node counts at each use).</summary>
    public long Size { get; set; }

    /// <summary>Characters of the scalars in this node, with aliases expanded.</summary>
    public long TextLength { get; set; }

    /// <summary>False while the reader is still inside this node: an alias to it would make the node contain itself.</summary>
    public bool IsComplete { get; set; }

    /// <summary>How the node reads in a message: the scalar quoted, or "a mapping" / "a list".</summary>
    public abstract string Describe();
}

/// <summary>A scalar as written.</summary>
internal sealed class YamlScalarNode : YamlNode
{
    public YamlScalarNode(Scalar scalar)
        : base(scalar.Start)
    {
        Value = scalar.Value;
        IsPlain = scalar.Style == ScalarStyle.Plain;
        EndLine = (int)scalar.End.Line;
        EndColumn = (int)scalar.End.Column;
    }

    /// <summary>A scalar made by the loader from text as written (a script item YAML reads as a mapping), quoted.</summary>
    public YamlScalarNode(string value, int line, int column)
        : base(line, column)
    {
        Value = value;
        EndLine = line;
        EndColumn = column + value.Length;
    }

    /// <summary>The 1-based line where the scalar ends.</summary>
    public int EndLine { get; }

    /// <summary>The 1-based column just after the scalar's last character.</summary>
    public int EndColumn { get; }

    public string Value { get; }

    /// <summary>True for an unquoted scalar (only those can be null, numbers or booleans).</summary>
    public bool IsPlain { get; }

    /// <summary>True for <c>~</c>, <c>null</c> or nothing at all, unquoted.</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string Describe() => IsNull ? "nothing (null)" : "'" + Value + "'";
}

/// <summary>A list.</summary>
internal sealed class YamlSequenceNode : YamlNode
{
    public YamlSequenceNode(Mark start)
        : base(start)
    {
    }

    public List<YamlNode> Items { get; } = new();

    public override string Describe() => "a list";
}

/// <summary>A mapping whose entries keep their written order and their duplicates (so WF1001 and WF4007 can see them).</summary>
internal sealed class YamlMappingNode : YamlNode
{
    public YamlMappingNode(Mark start)
        : base(start)
    {
    }

    public List<KeyValuePair<YamlNode, YamlNode>> Entries { get; } = new();

    public override string Describe() => "a mapping";
}
