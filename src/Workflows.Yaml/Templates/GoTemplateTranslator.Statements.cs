namespace Workflows.Yaml;

public static partial class GoTemplateTranslator
{
    /// <summary>The state of one translation: open blocks, what <c>.</c> means in each, declared variables.</summary>
    private sealed partial class Translation
    {
        private readonly HashSet<string> _usedVariables;
        private readonly HashSet<string> _declared = new(StringComparer.Ordinal);
        private readonly Stack<Frame> _frames = new();

        public Translation(HashSet<string> usedVariables)
        {
            _usedVariables = usedVariables;
        }

        private enum BlockKind
        {
            If,
            Range,
            With,
        }

        /// <summary>What the current data <c>.</c> is, as a Scriban expression; null at top level (the root data).</summary>
        private string? Dot => _frames.Count == 0 ? null : _frames.Peek().Dot;

        /// <summary>The offsets of blocks still open at the end.</summary>
        public IEnumerable<int> Unclosed() => _frames.Select(f => f.Offset).Reverse();

        /// <summary>Translates the inside of one action to a Scriban statement; null when it produces nothing (a comment).</summary>
        public string? Action(string content, int offset)
        {
            if (content.StartsWith("/*", StringComparison.Ordinal))
            {
                return null;
            }

            var tokens = GoTemplateLexer.Tokenize(content);
            if (tokens.Count == 0)
            {
                throw GoTemplateException.Syntax("empty action");
            }

            var keyword = tokens[0].Kind == GoTokenKind.Identifier ? tokens[0].Text : null;
            var depth = _frames.Count;
            if (keyword is "if" or "range" or "with" && depth >= MaxBlockDepth)
            {
                throw new GoTemplateException($"blocks nested more than {MaxBlockDepth} deep cannot be translated; flatten the conditions with and/or");
            }

            try
            {
                return Statement(keyword, tokens, offset);
            }
            catch (GoTemplateException) when (keyword is "if" or "range" or "with" or "define" or "block" && _frames.Count == depth)
            {
                // Keep the block open so that its 'end' still matches and only the real problem is reported.
                _frames.Push(new Frame(BlockKind.If, Dot, Dot, offset));
                throw;
            }
        }

        private string Statement(string? keyword, List<GoToken> tokens, int offset)
        {
            switch (keyword)
            {
                case "if":
                    return If(tokens, offset);
                case "else":
                    return Else(tokens);
                case "end":
                    return End(tokens);
                case "range":
                    return Range(tokens, offset);
                case "with":
                    return With(tokens, offset);
                case "break" or "continue":
                    if (tokens.Count != 1 || !_frames.Any(f => f.Kind == BlockKind.Range))
                    {
                        throw GoTemplateException.Syntax($"'{keyword}' outside 'range'");
                    }

                    return keyword;
                case "define" or "template" or "block":
                    throw new GoTemplateException($"named templates ('{keyword}') cannot be translated");
            }

            var pipeline = GoTemplateParser.Parse(tokens, 0, allowTwoVariables: false);
            var value = Pipeline(pipeline with { Variables = Array.Empty<string>() }, condition: false);
            if (pipeline.Variables.Count == 0)
            {
                return value.Text;
            }

            var variable = pipeline.Variables[0];
            _declared.Add(variable);
            return $"{variable} = {value.Text}";
        }

        private string If(List<GoToken> tokens, int offset)
        {
            var pipeline = GoTemplateParser.Parse(tokens, 1, allowTwoVariables: false);
            var condition = Condition(pipeline);
            _frames.Push(new Frame(BlockKind.If, Dot, Dot, offset));
            return condition;
        }

        /// <summary><c>if p</c>, or <c>$x = p; if $x</c> when the pipeline declares a variable.</summary>
        private string Condition(GoPipeline pipeline)
        {
            if (pipeline.Variables.Count == 0)
            {
                return "if " + Pipeline(pipeline, condition: true).Text;
            }

            var variable = pipeline.Variables[0];
            _declared.Add(variable);
            return $"{variable} = {Pipeline(pipeline with { Variables = Array.Empty<string>() }, condition: false).Text}; if {variable}";
        }

        private string Else(List<GoToken> tokens)
        {
            if (_frames.Count == 0)
            {
                throw GoTemplateException.Syntax("'else' outside if/range/with");
            }

            var frame = _frames.Pop();
            if (tokens.Count == 1)
            {
                // In the else branch of range and with, '.' is the outer data again.
                _frames.Push(frame with { Dot = frame.OuterDot });
                return "else";
            }

            if (tokens[1] is { Kind: GoTokenKind.Identifier, Text: "if" } && frame.Kind == BlockKind.If)
            {
                _frames.Push(frame);
                var pipeline = GoTemplateParser.Parse(tokens, 2, allowTwoVariables: false);
                if (pipeline.Variables.Count > 0)
                {
                    throw new GoTemplateException("a variable declared in 'else if'");
                }

                return "else if " + Pipeline(pipeline, condition: true).Text;
            }

            _frames.Push(frame);
            throw new GoTemplateException($"'else {tokens[1].Text}' in a '{frame.Kind.ToString().ToLowerInvariant()}' block");
        }

        private string End(List<GoToken> tokens)
        {
            if (tokens.Count != 1)
            {
                throw GoTemplateException.Syntax("unexpected text after 'end'");
            }

            if (_frames.Count == 0)
            {
                throw GoTemplateException.Syntax("'end' without a matching if/range/with");
            }

            _frames.Pop();
            return "end";
        }

        private string Range(List<GoToken> tokens, int offset)
        {
            var pipeline = GoTemplateParser.Parse(tokens, 1, allowTwoVariables: true);
            var source = Pipeline(pipeline with { Variables = Array.Empty<string>() }, condition: false).Text;
            var outer = Dot;
            string element;
            string statement;
            switch (pipeline.Variables.Count)
            {
                case 0:
                    element = NewVariable("$item");
                    statement = $"for {element} in {source}";
                    break;
                case 1:
                    element = pipeline.Variables[0];
                    statement = $"for {element} in {source}";
                    break;
                default:
                    element = pipeline.Variables[1];
                    statement = $"for {element} in {source}; {pipeline.Variables[0]} = for.index";
                    _declared.Add(pipeline.Variables[0]);
                    break;
            }

            _declared.Add(element);
            _frames.Push(new Frame(BlockKind.Range, element, outer, offset));
            return statement;
        }

        private string With(List<GoToken> tokens, int offset)
        {
            var pipeline = GoTemplateParser.Parse(tokens, 1, allowTwoVariables: false);
            var variable = pipeline.Variables.Count > 0 ? pipeline.Variables[0] : NewVariable("$with");
            var value = Pipeline(pipeline with { Variables = Array.Empty<string>() }, condition: false).Text;
            _declared.Add(variable);
            _frames.Push(new Frame(BlockKind.With, variable, Dot, offset));
            return $"{variable} = {value}; if {variable}";
        }

        /// <summary>A variable name not written anywhere in the template: <c>$item</c>, <c>$item2</c>, …</summary>
        private string NewVariable(string stem)
        {
            var name = stem;
            for (var n = 2; _usedVariables.Contains(name); n++)
            {
                name = stem + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            _usedVariables.Add(name);
            return name;
        }

        /// <summary>An open block: its kind, what '.' is inside it and outside it, and where it opened.</summary>
        private sealed record Frame(BlockKind Kind, string? Dot, string? OuterDot, int Offset);
    }
}
