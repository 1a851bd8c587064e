using System.Text;
using System.Text.RegularExpressions;

namespace Workflows.Yaml.Writing;

/// <summary>
/// The inverse of <see cref="GoTemplateTranslator"/> for its simple forms: variables (<c>{{ Nonce }}</c> →
/// <c>{{ .Nonce }}</c>), function calls (<c>{{ Random 0 3 }}</c>), <c>if</c>/<c>else if</c>/<c>else</c>/<c>end</c> over
/// one comparison (<c>A &lt; 3</c> → <c>lt .A 3</c>) or a call. A result is used only when translating it back gives the
/// Scriban text exactly; anything else (loops, <c>with</c>, <c>&amp;&amp;</c>, <c>||</c>, <c>!</c>, indexing) is left as written.
/// </summary>
internal static partial class ScribanToGo
{
    private static readonly Dictionary<string, string> Comparisons = new(StringComparer.Ordinal)
    {
        ["=="] = "eq", ["!="] = "ne", ["<"] = "lt", ["<="] = "le", [">"] = "gt", [">="] = "ge",
    };

    /// <summary>The Go template for <paramref name="scriban"/>, or null when it has no verified Go form.</summary>
    public static string? TryConvert(string scriban)
    {
        if (!GoTemplateTranslator.ContainsTemplate(scriban))
        {
            return scriban;
        }

        var output = new StringBuilder();
        var last = 0;
        foreach (Match m in Action().Matches(scriban))
        {
            output.Append(scriban, last, m.Index - last);
            last = m.Index + m.Length;
            var statement = Statement(m.Groups[1].Value.Trim());
            if (statement is null)
            {
                return null;
            }

            output.Append("{{ ").Append(statement).Append(" }}");
        }

        output.Append(scriban, last, scriban.Length - last);
        var go = output.ToString();
        var back = GoTemplateTranslator.Translate(go);
        return back.Succeeded && back.Scriban == scriban ? go : null;
    }

    private static string? Statement(string content)
    {
        if (content is "else" or "end")
        {
            return content;
        }

        if (content.StartsWith("else if ", StringComparison.Ordinal))
        {
            return Expression(content["else if ".Length..]) is { } e ? "else if " + e : null;
        }

        if (content.StartsWith("if ", StringComparison.Ordinal))
        {
            return Expression(content["if ".Length..]) is { } e ? "if " + e : null;
        }

        return Expression(content);
    }

    private static string? Expression(string text)
    {
        var tokens = Token().Matches(text).Select(t => t.Value).ToList();
        if (tokens.Count == 0)
        {
            return null;
        }

        var position = 0;
        var result = Sequence(tokens, ref position);
        return position == tokens.Count ? result : null;
    }

    /// <summary>Terms up to a closing parenthesis: one comparison, one call, or one term.</summary>
    private static string? Sequence(List<string> tokens, ref int position)
    {
        var terms = new List<(string Go, bool Identifier, string Raw)>();
        string? comparison = null;
        var split = -1;
        while (position < tokens.Count && tokens[position] != ")")
        {
            var token = tokens[position++];
            if (Comparisons.TryGetValue(token, out var op))
            {
                if (comparison is not null)
                {
                    return null;
                }

                comparison = op;
                split = terms.Count;
                continue;
            }

            if (token == "(")
            {
                var inner = Sequence(tokens, ref position);
                if (inner is null || position >= tokens.Count || tokens[position] != ")")
                {
                    return null;
                }

                position++;
                terms.Add(("(" + inner + ")", false, token));
                continue;
            }

            if (Identifier().IsMatch(token))
            {
                var go = token switch { "true" or "false" => token, "null" => "nil", _ => "." + token };
                terms.Add((go, token is not ("true" or "false" or "null"), token));
                continue;
            }

            if (token.StartsWith('"') || char.IsAsciiDigit(token[0]) || token[0] == '-')
            {
                terms.Add((token, false, token));
                continue;
            }

            return null;
        }

        if (comparison is null)
        {
            return Call(terms);
        }

        var left = Call(terms.Take(split).ToList());
        var right = Call(terms.Skip(split).ToList());
        return left is null || right is null ? null : $"{comparison} {Wrap(left, split)} {Wrap(right, terms.Count - split)}";
    }

    private static string Wrap(string go, int count) => count > 1 ? "(" + go + ")" : go;

    private static string? Call(List<(string Go, bool Identifier, string Raw)> terms)
    {
        if (terms.Count == 0)
        {
            return null;
        }

        if (terms.Count == 1)
        {
            return terms[0].Go;
        }

        if (!terms[0].Identifier)
        {
            return null;
        }

        return terms[0].Raw + " " + string.Join(" ", terms.Skip(1).Select(t => t.Go));
    }

    [GeneratedRegex(@"\{\{(.*?)\}\}", RegexOptions.Singleline)]
    private static partial Regex Action();

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""|-?[0-9]+(?:\.[0-9]+)?|[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|==|!=|<=|>=|<|>|\(|\)|\S")]
    private static partial Regex Token();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")]
    private static partial Regex Identifier();
}
