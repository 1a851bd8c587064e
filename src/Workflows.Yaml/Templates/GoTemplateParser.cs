namespace Workflows.Yaml;

/// <summary>An operand or command argument of a Go template action.</summary>
internal abstract record GoNode;

/// <summary>A constant, already spelled for Scriban (a quoted string, a number, <c>true</c>, <c>null</c>).</summary>
internal sealed record GoLiteral(string Scriban, bool IsNegativeNumber = false) : GoNode;

/// <summary><c>.</c>, the current data.</summary>
internal sealed record GoDot : GoNode;

/// <summary>A field chain: <c>.A.B</c> on the current data (no receiver) or on a receiver (<c>$x.A</c>, <c>(f).A</c>).</summary>
internal sealed record GoField(GoNode? Receiver, IReadOnlyList<string> Names) : GoNode;

/// <summary>A variable, <c>$x</c>, or <c>$</c> (the root data).</summary>
internal sealed record GoVariable(string Name) : GoNode;

/// <summary>A function name (<c>Random</c>, <c>eq</c>, <c>printf</c>…).</summary>
internal sealed record GoIdentifier(string Name) : GoNode;

/// <summary>A pipeline <c>a | f b</c>, optionally declaring variables (<c>$x := …</c>, <c>$i, $e := …</c>).</summary>
internal sealed record GoPipeline(IReadOnlyList<string> Variables, bool IsAssignment, IReadOnlyList<GoCommand> Commands) : GoNode;

/// <summary>One command of a pipeline: a function and its arguments, or a single operand.</summary>
internal sealed record GoCommand(IReadOnlyList<GoNode> Arguments);

/// <summary>Parses the tokens of one action into a pipeline, following Go's text/template grammar.</summary>
internal sealed class GoTemplateParser
{
    /// <summary>Parentheses nest by recursion, pipeline commands nest as calls; Scriban rejects deeper expressions anyway (its limit is 250).</summary>
    private const int MaxParenthesisDepth = 64;

    private readonly List<GoToken> _tokens;
    private int _position;
    private int _depth;

    private GoTemplateParser(List<GoToken> tokens, int start)
    {
        _tokens = tokens;
        _position = start;
    }

    /// <summary>Parses <paramref name="tokens"/> from <paramref name="start"/> to the end as one pipeline.</summary>
    public static GoPipeline Parse(List<GoToken> tokens, int start, bool allowTwoVariables)
    {
        var parser = new GoTemplateParser(tokens, start);
        var pipeline = parser.ParsePipeline(allowTwoVariables);
        if (parser._position < tokens.Count)
        {
            throw GoTemplateException.Syntax($"unexpected '{tokens[parser._position].Text}'");
        }

        return pipeline;
    }

    private GoToken? Peek(int ahead = 0) => _position + ahead < _tokens.Count ? _tokens[_position + ahead] : null;

    private GoPipeline ParsePipeline(bool allowTwoVariables)
    {
        var variables = new List<string>();
        var isAssignment = false;
        if (Peek()?.Kind == GoTokenKind.Variable)
        {
            if (Peek(1)?.Kind is GoTokenKind.Declare or GoTokenKind.Assign)
            {
                variables.Add(Peek()!.Text);
                isAssignment = Peek(1)!.Kind == GoTokenKind.Assign;
                _position += 2;
            }
            else if (Peek(1)?.Kind == GoTokenKind.Comma && Peek(2)?.Kind == GoTokenKind.Variable && Peek(3)?.Kind is GoTokenKind.Declare or GoTokenKind.Assign)
            {
                if (!allowTwoVariables)
                {
                    throw GoTemplateException.Syntax("two variables are declared only by 'range'");
                }

                variables.Add(Peek()!.Text);
                variables.Add(Peek(2)!.Text);
                isAssignment = Peek(3)!.Kind == GoTokenKind.Assign;
                _position += 4;
            }
        }

        var commands = new List<GoCommand> { ParseCommand() };
        while (Peek()?.Kind == GoTokenKind.Pipe)
        {
            // Each command nests the ones before it in a call: past Scriban's depth limit it could not parse, and the
            // nested text grows with the square of the length.
            if (commands.Count >= MaxParenthesisDepth)
            {
                throw new GoTemplateException($"a pipeline of more than {MaxParenthesisDepth} commands cannot be translated; split it with variables ($x := …) instead");
            }

            _position++;
            commands.Add(ParseCommand());
        }

        return new GoPipeline(variables, isAssignment, commands);
    }

    private GoCommand ParseCommand()
    {
        var arguments = new List<GoNode>();
        while (Peek() is { } token && token.Kind is not (GoTokenKind.Pipe or GoTokenKind.RightParen))
        {
            arguments.Add(ParseOperand());
        }

        if (arguments.Count == 0)
        {
            throw GoTemplateException.Syntax("missing value in pipeline");
        }

        return new GoCommand(arguments);
    }

    private GoNode ParseOperand()
    {
        var token = _tokens[_position++];
        GoNode term = token.Kind switch
        {
            GoTokenKind.Field => new GoField(null, ReadFieldChain(token.Text)),
            GoTokenKind.Dot => new GoDot(),
            GoTokenKind.Variable => new GoVariable(token.Text),
            GoTokenKind.Identifier => new GoIdentifier(token.Text),
            GoTokenKind.String => new GoLiteral(ScribanString(token.Text)),
            GoTokenKind.Number => new GoLiteral(token.Text, token.Text.StartsWith('-')),
            GoTokenKind.Bool => new GoLiteral(token.Text),
            GoTokenKind.Nil => new GoLiteral("null"),
            GoTokenKind.LeftParen => ParseParenthesized(),
            _ => throw GoTemplateException.Syntax($"unexpected '{token.Text}'"),
        };

        if (term is GoField { Receiver: null })
        {
            return term;
        }

        // A field chain written right after a term, with no space: $x.A, (f).A
        if (Peek() is { Kind: GoTokenKind.Field, SpaceBefore: false } next)
        {
            _position++;
            return new GoField(term, ReadFieldChain(next.Text));
        }

        return term;
    }

    private List<string> ReadFieldChain(string first)
    {
        var names = new List<string> { first };
        while (Peek() is { Kind: GoTokenKind.Field, SpaceBefore: false } next)
        {
            names.Add(next.Text);
            _position++;
        }

        return names;
    }

    private GoPipeline ParseParenthesized()
    {
        if (++_depth > MaxParenthesisDepth)
        {
            throw new GoTemplateException($"parentheses nested more than {MaxParenthesisDepth} deep cannot be translated; name inner values with variables ($x := …) instead");
        }

        var inner = ParsePipeline(allowTwoVariables: false);
        _depth--;
        if (Peek()?.Kind != GoTokenKind.RightParen)
        {
            throw GoTemplateException.Syntax("unclosed '('");
        }

        _position++;
        return inner;
    }

    /// <summary>A Scriban double-quoted string holding exactly <paramref name="value"/>.</summary>
    internal static string ScribanString(string value)
    {
        var text = new System.Text.StringBuilder("\"");
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        return text.Append('"').ToString();
    }
}
