using System.Globalization;
using System.Text;

namespace Workflows.Yaml.Translation;

/// <summary>C# source text for constant values, each read back by the compiler as exactly the value given.</summary>
internal static class CSharpLiterals
{
    /// <summary>
    /// A string literal in its most readable exact form: <c>"plain"</c>; a raw literal <c>"""echo "hi" """</c> for a
    /// line with quotes; a verbatim <c>@"C:\tmp"</c> for a line with backslashes; an escaped literal when anything
    /// is invisible or ambiguous (control characters, other line breaks, lone surrogates). Multi-line text is an
    /// <see cref="Expr.RawText"/> (see <see cref="Text"/>).
    /// </summary>
    public static string String(string value)
    {
        var printable = IsPrintable(value);
        var quote = value.Contains('"', StringComparison.Ordinal);
        var backslash = value.Contains('\\', StringComparison.Ordinal);
        if (printable && !quote && !backslash)
        {
            return "\"" + value + "\"";
        }

        if (printable && quote && value[0] != '"' && value[^1] != '"')
        {
            var quotes = new string('"', Math.Max(3, LongestRun(value, '"') + 1));
            return quotes + value + quotes;
        }

        return printable && !quote ? "@\"" + value + "\"" : Escaped(value);
    }

    /// <summary>A string as an expression: a multi-line raw literal for readable multi-line text, else <see cref="String"/>.</summary>
    public static Expr Text(string value) =>
        IsRawMultiline(value) ? new Expr.RawText(value.Split('\n'), new string('"', Math.Max(3, LongestRun(value, '"') + 1))) : new Expr.Atom(String(value));

    /// <summary>
    /// A <see cref="TimeSpan"/> with the largest unit that holds it exactly as a whole number, up to hours
    /// (the largest unit of Go durations): <c>TimeSpan.FromSeconds(90)</c>, <c>TimeSpan.FromMilliseconds(1500)</c>.
    /// </summary>
    public static string TimeSpan(TimeSpan value)
    {
        if (value == System.TimeSpan.Zero)
        {
            return "TimeSpan.Zero";
        }

        var ticks = value.Ticks;
        (string Method, long Ticks)[] units =
        [
            ("FromHours", System.TimeSpan.TicksPerHour),
            ("FromMinutes", System.TimeSpan.TicksPerMinute),
            ("FromSeconds", System.TimeSpan.TicksPerSecond),
            ("FromMilliseconds", System.TimeSpan.TicksPerMillisecond),
            ("FromMicroseconds", System.TimeSpan.TicksPerMicrosecond),
        ];
        foreach (var (method, size) in units)
        {
            if (ticks % size == 0)
            {
                return $"TimeSpan.{method}({(ticks / size).ToString(CultureInfo.InvariantCulture)})";
            }
        }

        return $"TimeSpan.FromTicks({ticks.ToString(CultureInfo.InvariantCulture)})";
    }

    /// <summary>A double that reads back bit for bit (the shortest round-trip form).</summary>
    public static string Double(double value)
    {
        if (double.IsNaN(value))
        {
            return "double.NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity";
        }

        if (value == 0 && double.IsNegative(value))
        {
            return "-0.0";
        }

        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>An int.</summary>
    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public static string Bool(bool value) => value ? "true" : "false";

    /// <summary>The regular literal with escapes, for text that must not be shown raw.</summary>
    public static string Escaped(string value)
    {
        var text = new StringBuilder("\"");
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\0': text.Append("\\0"); break;
                default:
                    var pairedSurrogate = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]);
                    if (pairedSurrogate)
                    {
                        text.Append(c).Append(value[++i]);
                    }
                    else if (IsInvisible(c))
                    {
                        text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
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

    /// <summary>True when every character can stand as itself in a raw or verbatim literal on one line.</summary>
    private static bool IsPrintable(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }

            if (IsInvisible(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Characters that must be escaped: controls, C#'s other line breaks, lone surrogates, formatting and unassigned characters.</summary>
    private static bool IsInvisible(char c) => char.IsControl(c) || char.IsSurrogate(c) || c is '\u0085' or '\u2028' or '\u2029'
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse
            or UnicodeCategory.SpaceSeparator && c != ' ';

    /// <summary>
    /// Multi-line text shown as lines (a YAML block scalar, a template over several lines): only '\n' breaks, every
    /// line printable with no trailing whitespace (which editors strip), not starting or ending with a quote.
    /// </summary>
    private static bool IsRawMultiline(string value)
    {
        if (!value.Contains('\n', StringComparison.Ordinal) || value[0] == '"' || value[^1] == '"')
        {
            return false;
        }

        foreach (var line in value.Split('\n'))
        {
            if (!IsPrintable(line) || (line.Length > 0 && char.IsWhiteSpace(line[^1])))
            {
                return false;
            }
        }

        return true;
    }

    private static int LongestRun(string value, char c)
    {
        int longest = 0, run = 0;
        foreach (var ch in value)
        {
            run = ch == c ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest;
    }
}
