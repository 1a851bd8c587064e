namespace Workflows.Yaml;

public static partial class GoTemplateTranslator
{
    /// <summary>Scriban's reserved words: a root field with one of these names is read as <c>this["name"]</c>.</summary>
    private static readonly HashSet<string> ScribanKeywords = new(StringComparer.Ordinal)
    {
        "if", "else", "end", "for", "in", "while", "func", "ret", "capture", "readonly", "import", "with", "wrap",
        "include", "tablerow", "case", "when", "break", "continue", "this", "empty", "null", "true", "false", "do",
    };

    private static readonly Dictionary<string, string> Comparisons = new(StringComparer.Ordinal)
    {
        ["eq"] = "==", ["ne"] = "!=", ["lt"] = "<", ["le"] = "<=", ["gt"] = ">", ["ge"] = ">=",
    };

    /// <summary>How tightly a Scriban expression binds, to decide where parentheses are needed.</summary>
    private enum Precedence
    {
        Atom,
        Unary,
        Call,
        Binary,
    }

    /// <summary>A translated expression and how tightly it binds.</summary>
    private readonly record struct Expression(string Text, Precedence Precedence)
    {
        /// <summary>As a function argument or operand: parenthesized unless it is an atom.</summary>
        public string Operand => Precedence == Precedence.Atom ? Text : "(" + Text + ")";
    }

    private sealed partial class Translation
    {
        /// <summary>A pipeline: each command after the first receives the previous value as its last argument, as in Go.</summary>
        private Expression Pipeline(GoPipeline pipeline, bool condition)
        {
            if (pipeline.Variables.Count > 0)
            {
                throw new GoTemplateException("a variable declaration inside an expression");
            }

            Expression? value = null;
            foreach (var command in pipeline.Commands)
            {
                value = Command(command, value, condition);
            }

            return value!.Value;
        }

        private Expression Command(GoCommand command, Expression? piped, bool condition)
        {
            var head = command.Arguments[0];
            var rest = command.Arguments.Skip(1).ToList();
            if (head is GoIdentifier function)
            {
                return Call(function.Name, rest, piped, condition);
            }

            if (rest.Count == 0 && piped is null)
            {
                return Operand(head, condition);
            }

            if (head is not GoField)
            {
                throw GoTemplateException.Syntax($"'{Operand(head, condition).Text}' is not a function, so it cannot take arguments");
            }

            // A method call on a field: .Object.Method arg
            return Invoke(Operand(head, condition).Text, Arguments(rest, piped, condition: false));
        }

        private List<Expression> Arguments(List<GoNode> nodes, Expression? piped, bool condition)
        {
            var arguments = nodes.Select(n => Operand(n, condition)).ToList();
            if (piped is { } value)
            {
                arguments.Add(value);
            }

            return arguments;
        }

        private Expression Call(string name, List<GoNode> nodes, Expression? piped, bool condition)
        {
            if (Comparisons.TryGetValue(name, out var op))
            {
                var operands = Arguments(nodes, piped, condition: false);
                return Compare(name, op, operands);
            }

            switch (name)
            {
                case "and" or "or":
                {
                    var symbol = name == "and" ? "&&" : "||";
                    if (!condition)
                    {
                        throw new GoTemplateException($"'{name}' used as a value: Go returns one of its operands, Scriban's '{symbol}' returns true or false; use it in an 'if', or use 'default' to pick a value");
                    }

                    var operands = Arguments(nodes, piped, condition: true);
                    if (operands.Count == 0)
                    {
                        throw new GoTemplateException($"'{name}' needs at least one operand");
                    }

                    return operands.Count == 1
                        ? operands[0]
                        : new Expression(string.Join(" " + symbol + " ", operands.Select(o => o.Operand)), Precedence.Binary);
                }

                case "not":
                {
                    var operands = Arguments(nodes, piped, condition: true);
                    if (operands.Count != 1)
                    {
                        throw new GoTemplateException("'not' takes exactly one operand");
                    }

                    return new Expression("!" + operands[0].Operand, Precedence.Unary);
                }

                case "index":
                {
                    // 'index . "build-status"' outside range/with reads a name a field cannot (formicary's
                    // '<task>-status', '<task>.ForkedJobID'): the whole data is Scriban's 'this', the globals.
                    var whole = nodes.Count > 0 && nodes[0] is GoDot && Dot is null;
                    var operands = Arguments(whole ? nodes.Skip(1).ToList() : nodes, piped, condition: false);
                    if (whole)
                    {
                        operands.Insert(0, new Expression("this", Precedence.Atom));
                    }

                    if (operands.Count == 0)
                    {
                        throw new GoTemplateException("'index' needs a value to index");
                    }

                    var text = operands[0].Operand + string.Concat(operands.Skip(1).Select(k => "[" + k.Text + "]"));
                    return new Expression(text, Precedence.Atom);
                }

                case "call":
                    throw new GoTemplateException("'call' (calling a function held in a field) cannot be translated");
            }

            if (ScribanKeywords.Contains(name))
            {
                throw new GoTemplateException($"the function '{name}' has the name of a Scriban keyword");
            }

            return Invoke(name, Arguments(nodes, piped, condition: false));
        }

        private static Expression Compare(string name, string op, List<Expression> operands)
        {
            if (name == "eq" && operands.Count > 2)
            {
                // Go: eq a b c is a == b || a == c.
                var first = operands[0].Operand;
                return new Expression(string.Join(" || ", operands.Skip(1).Select(o => $"({first} == {o.Operand})")), Precedence.Binary);
            }

            if (operands.Count != 2)
            {
                throw new GoTemplateException($"'{name}' takes two operands, not {operands.Count}");
            }

            return new Expression($"{operands[0].Operand} {op} {operands[1].Operand}", Precedence.Binary);
        }

        private static Expression Invoke(string function, List<Expression> arguments) => arguments.Count == 0
            ? new Expression(function, Precedence.Atom)
            : new Expression(function + " " + string.Join(" ", arguments.Select(a => a.Operand)), Precedence.Call);

        private Expression Operand(GoNode node, bool condition)
        {
            switch (node)
            {
                case GoLiteral literal:
                    return new Expression(literal.Scriban, literal.IsNegativeNumber ? Precedence.Unary : Precedence.Atom);
                case GoDot:
                    return new Expression(Dot ?? throw new GoTemplateException("'.' (the whole data) outside range/with cannot be translated"), Precedence.Atom);
                case GoVariable { Name: "$" }:
                    throw new GoTemplateException("'$' (the whole data) cannot be translated");
                case GoVariable variable:
                    if (!_declared.Contains(variable.Name))
                    {
                        throw GoTemplateException.Syntax($"undefined variable '{variable.Name}'");
                    }

                    return new Expression(variable.Name, Precedence.Atom);
                case GoIdentifier function:
                    return Call(function.Name, new List<GoNode>(), null, condition);
                case GoField field:
                    return Field(field, condition);
                case GoPipeline inner:
                {
                    var value = Pipeline(inner, condition);
                    return value.Precedence == Precedence.Atom ? value : new Expression("(" + value.Text + ")", Precedence.Atom);
                }

                default:
                    throw new GoTemplateException("unexpected operand");
            }
        }

        private Expression Field(GoField field, bool condition)
        {
            var names = string.Concat(field.Names.Skip(1).Select(n => "." + n));
            var receiver = field.Receiver switch
            {
                null when Dot is { } dot => dot + "." + field.Names[0],
                null or GoVariable { Name: "$" } => Root(field.Names[0]),
                _ => Operand(field.Receiver, condition).Operand + "." + field.Names[0],
            };
            return new Expression(receiver + names, Precedence.Atom);
        }

        /// <summary>A field of the root data: a global variable in Scriban.</summary>
        private static string Root(string name) => ScribanKeywords.Contains(name) ? $"this[\"{name}\"]" : name;
    }
}
