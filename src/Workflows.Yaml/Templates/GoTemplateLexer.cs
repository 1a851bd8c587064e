using System.Globalization;
using System.Numerics;
using System.Text;

namespace Workflows.Yaml;

/// <summary>The kinds of token inside one Go template action.</summary>
internal enum GoTokenKind
{
    Field,
    Dot,
    Variable,
    Identifier,
    String,
    Number,
    Bool,
    Nil,
    LeftParen,
    RightParen,
    Pipe,
    Declare,
    Assign,
    Comma,
}

/// <summary>One token; <see cref="Text"/> is the decoded value for strings, the Scriban spelling for numbers.</summary>
internal sealed record GoToken(GoTokenKind Kind, string Text, bool SpaceBefore);

/// <summary>Splits the inside of a Go template action (<c>{{ … }}</c>) into tokens, as Go's text/template lexer does.</summary>
internal static class GoTemplateLexer
{
    public static List<GoToken> Tokenize(string action)
    {
        var tokens = new List<GoToken>();
        var i = 0;
        while (i < action.Length)
        {
            var start = i;
            while (i < action.Length && char.IsWhiteSpace(action[i]))
            {
                i++;
            }

            if (i >= action.Length)
            {
                break;
            }

            var space = i > start || tokens.Count == 0;
            var c = action[i];
            switch (c)
            {
                case '(':
                    tokens.Add(new GoToken(GoTokenKind.LeftParen, "(", space));
                    i++;
                    continue;
                case ')':
                    tokens.Add(new GoToken(GoTokenKind.RightParen, ")", space));
                    i++;
                    continue;
                case '|':
                    tokens.Add(new GoToken(GoTokenKind.Pipe, "|", space));
                    i++;
                    continue;
                case ',':
                    tokens.Add(new GoToken(GoTokenKind.Comma, ",", space));
                    i++;
                    continue;
                case '=':
                    tokens.Add(new GoToken(GoTokenKind.Assign, "=", space));
                    i++;
                    continue;
                case ':' when i + 1 < action.Length && action[i + 1] == '=':
                    tokens.Add(new GoToken(GoTokenKind.Declare, ":=", space));
                    i += 2;
                    continue;
                case '"':
                    tokens.Add(new GoToken(GoTokenKind.String, ReadInterpreted(action, ref i), space));
                    continue;
                case '`':
                    tokens.Add(new GoToken(GoTokenKind.String, ReadRaw(action, ref i), space));
                    continue;
                case '\'':
                    tokens.Add(new GoToken(GoTokenKind.Number, ReadChar(action, ref i), space));
                    continue;
                case '.' when i + 1 < action.Length && IsIdentifierStart(action[i + 1]):
                    i++;
                    tokens.Add(new GoToken(GoTokenKind.Field, ReadIdentifier(action, ref i), space));
                    continue;
                case '.' when i + 1 < action.Length && char.IsAsciiDigit(action[i + 1]):
                    tokens.Add(new GoToken(GoTokenKind.Number, ReadNumber(action, ref i), space));
                    continue;
                case '.':
                    tokens.Add(new GoToken(GoTokenKind.Dot, ".", space));
                    i++;
                    continue;
                case '$':
                    i++;
                    tokens.Add(new GoToken(GoTokenKind.Variable, "$" + ReadIdentifier(action, ref i), space));
                    continue;
            }

            if (char.IsAsciiDigit(c) || ((c == '-' || c == '+') && i + 1 < action.Length && (char.IsAsciiDigit(action[i + 1]) || action[i + 1] == '.')))
            {
                tokens.Add(new GoToken(GoTokenKind.Number, ReadNumber(action, ref i), space));
                continue;
            }

            if (IsIdentifierStart(c))
            {
                var word = ReadIdentifier(action, ref i);
                var kind = word switch
                {
                    "true" or "false" => GoTokenKind.Bool,
                    "nil" => GoTokenKind.Nil,
                    _ => GoTokenKind.Identifier,
                };
                tokens.Add(new GoToken(kind, word, space));
                continue;
            }

            throw GoTemplateException.Syntax($"unexpected character '{c}'");
        }

        return tokens;
    }

    private static bool IsIdentifierStart(char c) => char.IsLetter(c) || c == '_';

    private static string ReadIdentifier(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] == '_'))
        {
            i++;
        }

        return s[start..i];
    }

    private static string ReadRaw(string s, ref int i)
    {
        var end = s.IndexOf('`', i + 1);
        if (end < 0)
        {
            throw GoTemplateException.Syntax("unterminated raw string");
        }

        var value = s[(i + 1)..end].Replace("\r", string.Empty, StringComparison.Ordinal);
        i = end + 1;
        return value;
    }

    private static string ReadInterpreted(string s, ref int i)
    {
        var value = new StringBuilder();
        i++;
        while (i < s.Length && s[i] != '"')
        {
            if (s[i] == '\\')
            {
                value.Append(ReadEscape(s, ref i, '"'));
            }
            else if (s[i] == '\n')
            {
                throw GoTemplateException.Syntax("newline in string");
            }
            else
            {
                value.Append(s[i++]);
            }
        }

        if (i >= s.Length)
        {
            throw GoTemplateException.Syntax("unterminated string");
        }

        i++;
        return value.ToString();
    }

    private static string ReadChar(string s, ref int i)
    {
        i++;
        string value;
        if (i < s.Length && s[i] == '\\')
        {
            value = ReadEscape(s, ref i, '\'');
        }
        else if (i < s.Length && char.IsSurrogatePair(s, i))
        {
            value = s.Substring(i, 2);
            i += 2;
        }
        else if (i < s.Length)
        {
            value = s[i++].ToString();
        }
        else
        {
            throw GoTemplateException.Syntax("unterminated character constant");
        }

        if (i >= s.Length || s[i] != '\'')
        {
            throw GoTemplateException.Syntax("unterminated character constant");
        }

        i++;

        // A Go character constant is a number (its code point): {{ 'a' }} prints 97.
        return char.ConvertToUtf32(value, 0).ToString(CultureInfo.InvariantCulture);
    }

    private static string ReadEscape(string s, ref int i, char quote)
    {
        if (i + 1 >= s.Length)
        {
            throw GoTemplateException.Syntax("unterminated escape");
        }

        var c = s[i + 1];
        i += 2;
        switch (c)
        {
            case 'a': return "\a";
            case 'b': return "\b";
            case 'f': return "\f";
            case 'n': return "\n";
            case 'r': return "\r";
            case 't': return "\t";
            case 'v': return "\v";
            case '\\': return "\\";
            case 'x': return HexEscape(s, ref i, 2);
            case 'u': return HexEscape(s, ref i, 4);
            case 'U': return HexEscape(s, ref i, 8);
        }

        if (c == quote)
        {
            return quote.ToString();
        }

        if (c is >= '0' and <= '7' && i + 1 < s.Length)
        {
            var octal = s.Substring(i - 1, 3);
            i += 2;
            return ((char)Convert.ToInt32(octal, 8)).ToString();
        }

        throw GoTemplateException.Syntax($"unknown escape sequence '\\{c}'");
    }

    private static string HexEscape(string s, ref int i, int digits)
    {
        if (i + digits > s.Length || !int.TryParse(s.AsSpan(i, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
        {
            throw GoTemplateException.Syntax("malformed hexadecimal escape");
        }

        i += digits;
        return digits == 2 ? ((char)code).ToString() : char.ConvertFromUtf32(code);
    }

    /// <summary>Reads a Go number literal and returns it in a form Scriban reads (decimal digits).</summary>
    private static string ReadNumber(string s, ref int i)
    {
        var start = i;
        if (s[i] is '-' or '+')
        {
            i++;
        }

        while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] is '_' or '.'
            || (s[i] is '-' or '+' && (s[i - 1] is 'e' or 'E' or 'p' or 'P') && !IsHexPrefixed(s, start))))
        {
            i++;
        }

        var text = s[start..i];
        var sign = text[0] == '-' ? "-" : string.Empty;
        var body = text.TrimStart('-', '+').Replace("_", string.Empty, StringComparison.Ordinal);
        if (body.EndsWith('i'))
        {
            throw new GoTemplateException($"imaginary number '{text}'");
        }

        var radix = body.Length > 2 && body[0] == '0' ? char.ToLowerInvariant(body[1]) switch { 'x' => 16, 'o' => 8, 'b' => 2, _ => 10 } : 10;
        if (radix == 10 && body.Length > 1 && body[0] == '0' && body.All(char.IsAsciiDigit))
        {
            radix = 8; // Go's legacy octal: 0755
            body = "0o" + body[1..];
        }

        if (radix != 10)
        {
            var value = BigInteger.Zero;
            foreach (var digit in body[2..])
            {
                // A letter that is no digit ("0x10sub": a number run into a word) is a malformed number, not a crash.
                var d = char.IsAsciiHexDigit(digit) ? Convert.ToInt32(digit.ToString(), 16) : int.MaxValue;
                if (d >= radix)
                {
                    throw GoTemplateException.Syntax($"malformed number '{text}'");
                }

                value = (value * radix) + d;
            }

            return sign + value.ToString(CultureInfo.InvariantCulture);
        }

        if (body.All(char.IsAsciiDigit))
        {
            return sign + body;
        }

        if (double.TryParse(body, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && !double.IsInfinity(number))
        {
            var normalized = number.ToString("R", CultureInfo.InvariantCulture);
            return sign + (normalized.Contains('E', StringComparison.Ordinal) ? number.ToString("0.0###############", CultureInfo.InvariantCulture) : normalized);
        }

        throw GoTemplateException.Syntax($"malformed number '{text}'");
    }

    private static bool IsHexPrefixed(string s, int start)
    {
        var t = s[start] is '-' or '+' ? start + 1 : start;
        return t + 1 < s.Length && s[t] == '0' && (s[t + 1] == 'x' || s[t + 1] == 'X');
    }
}
