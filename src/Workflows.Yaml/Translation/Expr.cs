using System.Text;

namespace Workflows.Yaml.Translation;

/// <summary>
/// A C# expression to print: an atom, a multi-line raw string, or a call whose arguments go on one line when they fit
/// and one per line, indented, when they do not.
/// </summary>
internal abstract record Expr
{
    /// <summary>Widest line a call is kept on, counted from its indentation.</summary>
    public const int Width = 110;

    /// <summary>Writes the expression starting at the current position, lines after the first at <paramref name="indent"/>.</summary>
    public abstract void Write(StringBuilder text, string indent);

    /// <summary>The one-line form, or null when the expression needs several lines.</summary>
    public abstract string? Inline { get; }

    /// <summary>Text that is already C#: a literal, a name, <c>TimeSpan.FromSeconds(6)</c>.</summary>
    public sealed record Atom(string Code) : Expr
    {
        public override string? Inline => Code;

        public override void Write(StringBuilder text, string indent) => text.Append(Code);
    }

    /// <summary>A multi-line raw string literal: its closing quotes at the indentation, so its lines read as written.</summary>
    public sealed record RawText(IReadOnlyList<string> Lines, string Quotes) : Expr
    {
        public override string? Inline => null;

        public override void Write(StringBuilder text, string indent)
        {
            text.Append(Quotes);
            foreach (var line in Lines)
            {
                text.Append('\n');
                if (line.Length > 0)
                {
                    text.Append(indent).Append(line);
                }
            }

            text.Append('\n').Append(indent).Append(Quotes);
        }
    }

    /// <summary>A call or object creation, e.g. <c>new ContainerSpec("alpine", CpuLimit: "1")</c>; <c>Name: value</c> for named arguments.</summary>
    public sealed record Call(string Head, IReadOnlyList<Arg> Args) : Expr
    {
        public override string? Inline
        {
            get
            {
                var parts = new List<string>();
                foreach (var arg in Args)
                {
                    if (arg.Value.Inline is not { } inline)
                    {
                        return null;
                    }

                    parts.Add(arg.Name is null ? inline : arg.Name + ": " + inline);
                }

                return Head + "(" + string.Join(", ", parts) + ")";
            }
        }

        public override void Write(StringBuilder text, string indent)
        {
            // One argument that is a plain value gains nothing from a line of its own, however long.
            var fits = Inline is { } inline && (indent.Length + inline.Length <= Width || Args is [{ Value: Atom }]);
            if (fits)
            {
                text.Append(Inline);
                return;
            }

            if (Args is [{ Name: null, Value: (Call or Lambda) and var only }])
            {
                // .Webhook(new WebhookSpec(   ← one record argument hugs the call; its arguments go below
                text.Append(Head).Append('(');
                only.Write(text, indent);
                text.Append(')');
                return;
            }

            var inner = indent + "    ";
            text.Append(Head).Append('(');
            for (var i = 0; i < Args.Count; i++)
            {
                text.Append('\n').Append(inner);
                if (Args[i].Name is { } name)
                {
                    text.Append(name).Append(": ");
                }

                Args[i].Value.Write(text, inner);
                if (i < Args.Count - 1)
                {
                    text.Append(',');
                }
            }

            text.Append(')');
        }
    }

    /// <summary>A builder lambda, <c>approvals => approvals.MinApprovals(2).AllowedUsers("carol")</c>: on one line when it
    /// fits, else each call on a line of its own below the parameter.</summary>
    public sealed record Lambda(string Parameter, IReadOnlyList<Call> Calls) : Expr
    {
        public override string? Inline =>
            Calls.Any(c => c.Inline is null) ? null : Parameter + " => " + Parameter + string.Concat(Calls.Select(c => c.Inline));

        public override void Write(StringBuilder text, string indent)
        {
            if (Inline is { } inline && indent.Length + inline.Length <= Width)
            {
                text.Append(inline);
                return;
            }

            text.Append(Parameter).Append(" => ").Append(Parameter);
            var inner = indent + "    ";
            foreach (var call in Calls)
            {
                text.Append('\n').Append(inner);
                call.Write(text, inner);
            }
        }
    }

    /// <summary>An argument, positional when <paramref name="Name"/> is null.</summary>
    public sealed record Arg(Expr Value, string? Name = null);
}
