// One file on purpose (~520 lines): Go's fmt verbs, flags, widths and value printing are one algorithm; split, its bounds (MaxTextLength) would be checked in several places.
using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using System.Text;
using Scriban.Runtime;

namespace Workflows.Templates
{
    /// <summary>Go's formatting functions: <c>print</c>, <c>println</c>, <c>printf</c>, <c>html</c>, <c>js</c>, <c>urlquery</c>.</summary>
    internal static partial class TemplateFunctions
    {
        /// <summary>
        /// The most characters one template may render to, and so the widest printf field: Scriban's own default string
        /// limit (1 Mi), far above a script line or URL, and small enough that a hostile width cannot exhaust memory.
        /// </summary>
        internal const int MaxTextLength = 1024 * 1024;

        /// <summary>How deep <see cref="GoValue"/> follows maps and lists: Scriban's own limit for printing objects (20); a map that contains itself stops here instead of overflowing the stack.</summary>
        internal const int MaxValueDepth = 20;

        /// <summary>
        /// A value as Go's <c>%v</c> prints it (nothing prints as the empty string, not <c>&lt;nil&gt;</c>). Bounded: a map
        /// or list nested past <see cref="MaxValueDepth"/> (or containing itself), or printing past
        /// <see cref="MaxTextLength"/> characters, fails the render.
        /// </summary>
        internal static string GoValue(object? value)
        {
            if (value is string s)
            {
                return s;
            }

            var text = new StringBuilder();
            WriteGoValue(text, value, 0);
            return text.ToString();
        }

        private static void WriteGoValue(StringBuilder text, object? value, int depth)
        {
            if (depth > MaxValueDepth)
            {
                throw Error($"a map or list nested more than {MaxValueDepth} levels deep, or one that contains itself, cannot be printed");
            }

            switch (value)
            {
                case null:
                    break;
                case string s:
                    text.Append(s);
                    break;
                case IJsonText json:
                    text.Append(json.Json);
                    break;
                case bool b:
                    text.Append(b ? "true" : "false");
                    break;
                case double d:
                    text.Append(GoFloat(d));
                    break;
                case float f:
                    text.Append(GoFloat(f));
                    break;
                case IScriptObject o:
                    text.Append("map[");
                    var firstMember = true;
                    foreach (var key in o.GetMembers().OrderBy(k => k, StringComparer.Ordinal))
                    {
                        text.Append(firstMember ? string.Empty : " ").Append(key).Append(':');
                        firstMember = false;
                        WriteGoValue(text, o.TryGetValue(key, out var member) ? member : null, depth + 1);
                    }

                    text.Append(']');
                    break;
                case IDictionary d:
                    text.Append("map[");
                    var firstEntry = true;
                    foreach (var (key, entry) in d.Keys.Cast<object>().Select(k => (Key: GoValueAt(k, depth + 1), Value: d[k])).OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        text.Append(firstEntry ? string.Empty : " ").Append(key).Append(':');
                        firstEntry = false;
                        WriteGoValue(text, entry, depth + 1);
                    }

                    text.Append(']');
                    break;
                case IEnumerable e:
                    text.Append('[');
                    var firstItem = true;
                    foreach (var item in e)
                    {
                        text.Append(firstItem ? string.Empty : " ");
                        firstItem = false;
                        WriteGoValue(text, item, depth + 1);
                    }

                    text.Append(']');
                    break;
                case IFormattable f:
                    text.Append(f.ToString(null, CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(value.ToString() ?? string.Empty);
                    break;
            }

            // Shared maps can print exponentially more than they hold: stop at the limit, not at the end.
            if (text.Length > MaxTextLength)
            {
                throw Error($"printing the value passes the limit of {MaxTextLength.ToString("N0", CultureInfo.InvariantCulture)} characters a template may render");
            }
        }

        private static string GoValueAt(object? value, int depth)
        {
            var text = new StringBuilder();
            WriteGoValue(text, value, depth);
            return text.ToString();
        }

        /// <summary>A value as text for the string functions: nothing is the empty string.</summary>
        private static string Text(object? value) => GoValue(value);

        /// <summary>The Go type name of a value, for messages and <c>%!(EXTRA …)</c>.</summary>
        private static string GoType(object? value) => value switch
        {
            null => "<nil>",
            string => "string",
            bool => "bool",
            long or int or short or sbyte => "int",
            ulong or uint or ushort or byte => "uint",
            double or float or decimal => "float64",
            IScriptObject or IDictionary => "map",
            IEnumerable => "slice",
            _ => value.GetType().Name,
        };

        /// <summary>A float as Go's <c>%v</c> (<c>strconv.FormatFloat(f, 'g', -1, 64)</c>): shortest digits, exponent form below 1e-4 or from 1e6 (1234567 → 1.234567e+06).</summary>
        private static string GoFloat(double d)
        {
            if (double.IsNaN(d))
            {
                return "NaN";
            }

            if (double.IsInfinity(d))
            {
                return d > 0 ? "+Inf" : "-Inf";
            }

            if (d == 0)
            {
                return "0";
            }

            // Shortest round-trip digits and the decimal point's position, from .NET's "R" (e.g. "1.5E-05").
            var r = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
            var e = r.IndexOf('E');
            var exponent = e < 0 ? 0 : int.Parse(r.Substring(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            var mantissa = e < 0 ? r : r.Substring(0, e);
            var dot = mantissa.IndexOf('.');
            var digits = mantissa.Replace(".", string.Empty);
            var point = (dot < 0 ? mantissa.Length : dot) + exponent;
            var leading = digits.Length - digits.TrimStart('0').Length;
            digits = digits.Substring(leading).TrimEnd('0');
            point -= leading;

            var text = new StringBuilder(d < 0 ? "-" : string.Empty);
            var x = point - 1;
            if (x < -4 || x >= 6)
            {
                text.Append(digits[0]);
                if (digits.Length > 1)
                {
                    text.Append('.').Append(digits, 1, digits.Length - 1);
                }

                return text.Append('e').Append(x < 0 ? '-' : '+').Append(Math.Abs(x).ToString("00", CultureInfo.InvariantCulture)).ToString();
            }

            if (point <= 0)
            {
                return text.Append("0.").Append('0', -point).Append(digits).ToString();
            }

            if (point >= digits.Length)
            {
                return text.Append(digits).Append('0', point - digits.Length).ToString();
            }

            return text.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point).ToString();
        }

        /// <summary>Go's <c>fmt.Sprint</c> (a space between operands when neither is a string) or <c>fmt.Sprintln</c> (spaces always, a newline at the end).</summary>
        internal static string Sprint(object?[] args, bool newline = false)
        {
            var text = new StringBuilder();
            for (var i = 0; i < args.Length; i++)
            {
                if (i > 0 && (newline || (args[i - 1] is not string && args[i] is not string)))
                {
                    text.Append(' ');
                }

                text.Append(GoValue(args[i]));
            }

            return newline ? text.Append('\n').ToString() : text.ToString();
        }

        /// <summary>
        /// Go's <c>fmt.Sprintf</c>, for the common verbs: <c>%v %s %d %q %t %f %g %x %X %%</c>, with flags <c>-</c>, <c>0</c>,
        /// <c>+</c>, a width and a precision. Lenient where a value's type was lost to text: <c>%s</c> prints any value,
        /// <c>%d</c> accepts "42". A missing argument prints <c>%!d(MISSING)</c>, an extra one <c>%!(EXTRA …)</c>, as in Go.
        /// </summary>
        private static string Printf(string? format, object?[] args)
        {
            format ??= string.Empty;
            var text = new StringBuilder();
            var next = 0;
            for (var i = 0; i < format.Length; i++)
            {
                var c = format[i];
                if (c != '%')
                {
                    text.Append(c);
                    continue;
                }

                // Flags, width, precision, verb.
                var left = false;
                var zero = false;
                var plus = false;
                i++;
                for (; i < format.Length && "-0+ #".IndexOf(format[i]) >= 0; i++)
                {
                    left |= format[i] == '-';
                    zero |= format[i] == '0';
                    plus |= format[i] == '+';
                }

                var width = ReadNumber(format, ref i, "width");
                int? precision = null;
                if (i < format.Length && format[i] == '.')
                {
                    i++;
                    precision = ReadNumber(format, ref i, "precision") ?? 0;
                }

                if (i >= format.Length)
                {
                    text.Append("%!(NOVERB)");
                    break;
                }

                var verb = format[i];
                if (verb == '%')
                {
                    text.Append('%');
                    continue;
                }

                if (next >= args.Length)
                {
                    text.Append("%!").Append(verb).Append("(MISSING)");
                    continue;
                }

                var arg = args[next++];
                var formatted = FormatVerb(verb, arg, precision, plus);
                var pad = width is { } w && w > formatted.Length ? w - formatted.Length : 0;
                if (pad == 0)
                {
                    text.Append(formatted);
                }
                else if (left)
                {
                    text.Append(formatted).Append(' ', pad);
                }
                else if (zero && verb is 'd' or 'f' or 'F' or 'g' or 'x' or 'X' && formatted.Length > 0 && formatted[0] is '-' or '+')
                {
                    text.Append(formatted[0]).Append('0', pad).Append(formatted, 1, formatted.Length - 1);
                }
                else
                {
                    text.Append(zero && verb is 'd' or 'f' or 'F' or 'g' or 'x' or 'X' ? '0' : ' ', pad).Append(formatted);
                }

                if (text.Length > MaxTextLength)
                {
                    throw Error($"'printf' renders more than the limit of {MaxTextLength.ToString("N0", CultureInfo.InvariantCulture)} characters");
                }
            }

            if (next < args.Length)
            {
                text.Append("%!(EXTRA ").Append(string.Join(", ", args.Skip(next).Select(a => a is null ? "<nil>" : GoType(a) + "=" + GoValue(a)))).Append(')');
            }

            return text.ToString();
        }

        /// <summary>A printf width or precision; one past <see cref="MaxTextLength"/> fails the render before anything is allocated.</summary>
        private static int? ReadNumber(string format, ref int i, string what)
        {
            var start = i;
            while (i < format.Length && format[i] >= '0' && format[i] <= '9')
            {
                i++;
            }

            if (i == start)
            {
                return null;
            }

            var digits = format.Substring(start, i - start);
            if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > MaxTextLength)
            {
                throw Error($"the printf {what} {digits} in '{format}' exceeds the limit of {MaxTextLength.ToString("N0", CultureInfo.InvariantCulture)} characters a template may render; use a smaller {what}");
            }

            return number;
        }

        private static string FormatVerb(char verb, object? arg, int? precision, bool plus)
        {
            string Bad() => "%!" + verb + "(" + GoType(arg) + "=" + GoValue(arg) + ")";
            string Signed(string number) => plus && number.Length > 0 && number[0] != '-' ? "+" + number : number;
            double? Real() => arg switch
            {
                double d => d,
                float f => f,
                long or int or short or sbyte or ulong or uint or ushort or byte or decimal => Convert.ToDouble(arg, CultureInfo.InvariantCulture),
                string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
                _ => null,
            };
            long? Whole()
            {
                try
                {
                    return arg is bool or null ? null : Integer(arg, "printf");
                }
                catch (TemplateRenderException)
                {
                    return null;
                }
            }

            switch (verb)
            {
                case 'v':
                    return arg is double or float ? Signed(GoValue(arg)) : arg is long or int ? Signed(GoValue(arg)) : GoValue(arg);
                case 's':
                {
                    var s = GoValue(arg);
                    return precision is { } p && p < s.Length ? s.Substring(0, p) : s;
                }

                case 'q':
                    return Quote(GoValue(arg));
                case 't':
                    return arg is bool b ? (b ? "true" : "false") : Bad();
                case 'd':
                    return Whole() is { } n ? Signed(n.ToString(CultureInfo.InvariantCulture)) : Bad();
                case 'x' or 'X':
                {
                    string hex;
                    if (arg is string text)
                    {
                        hex = string.Concat(Encoding.UTF8.GetBytes(text).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
                    }
                    else if (Whole() is { } number)
                    {
                        hex = (number < 0 ? "-" : string.Empty) + (number == long.MinValue ? "8000000000000000" : Math.Abs(number).ToString("x", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        return Bad();
                    }

                    return verb == 'X' ? hex.ToUpperInvariant() : hex;
                }

                case 'f' or 'F':
                    return Real() is { } f ? Signed(f.ToString("F" + (precision ?? 6).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)) : Bad();
                case 'g':
                    return Real() is { } g ? Signed(GoFloat(g)) : Bad();
                default:
                    return Bad();
            }
        }

        /// <summary>Go's <c>strconv.Quote</c>: a double-quoted string with Go escapes.</summary>
        private static string Quote(string s)
        {
            var text = new StringBuilder("\"");
            foreach (var c in s)
            {
                switch (c)
                {
                    case '"': text.Append("\\\""); break;
                    case '\\': text.Append("\\\\"); break;
                    case '\a': text.Append("\\a"); break;
                    case '\b': text.Append("\\b"); break;
                    case '\f': text.Append("\\f"); break;
                    case '\n': text.Append("\\n"); break;
                    case '\r': text.Append("\\r"); break;
                    case '\t': text.Append("\\t"); break;
                    case '\v': text.Append("\\v"); break;
                    default:
                        if (c < ' ' || c == '\x7f')
                        {
                            text.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
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

        /// <summary>Go's <c>html</c> (<c>template.HTMLEscapeString</c>): escapes <c>&lt; &gt; &amp; ' "</c> and NUL.</summary>
        internal static string HtmlEscape(string s)
        {
            var text = new StringBuilder(s.Length);
            foreach (var c in s)
            {
                text.Append(c switch
                {
                    '<' => "&lt;",
                    '>' => "&gt;",
                    '&' => "&amp;",
                    '\'' => "&#39;",
                    '"' => "&#34;",
                    '\0' => "\uFFFD",
                    _ => c.ToString(),
                });
            }

            return text.ToString();
        }

        /// <summary>Go's <c>js</c> (<c>template.JSEscapeString</c>): backslash-escapes quotes and backslashes, \uXXXX for <c>&lt; &gt; &amp; =</c> and control characters.</summary>
        internal static string JsEscape(string s)
        {
            var text = new StringBuilder(s.Length);
            for (var i = 0; i < s.Length; i++)
            {
                var c = s[i];
                switch (c)
                {
                    case '\\': text.Append("\\\\"); break;
                    case '\'': text.Append("\\'"); break;
                    case '"': text.Append("\\\""); break;
                    case '<': text.Append("\\u003C"); break;
                    case '>': text.Append("\\u003E"); break;
                    case '&': text.Append("\\u0026"); break;
                    case '=': text.Append("\\u003D"); break;
                    default:
                        if (c < ' ')
                        {
                            text.Append("\\u00").Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
                        }
                        else if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                        {
                            text.Append(c).Append(s[++i]);
                        }
                        else if (c >= 0x7f && (char.IsControl(c) || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate))
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

            return text.ToString();
        }

        /// <summary><c>urlquery s</c>: Go's <c>url.QueryEscape</c> (space as <c>+</c>, every byte but <c>A-Z a-z 0-9 - _ . ~</c> as %XX).</summary>
        private static string UrlQuery(string? s)
        {
            var text = new StringBuilder();
            foreach (var b in Encoding.UTF8.GetBytes(s ?? string.Empty))
            {
                var c = (char)b;
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c is '-' or '_' or '.' or '~')
                {
                    text.Append(c);
                }
                else if (c == ' ')
                {
                    text.Append('+');
                }
                else
                {
                    text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }

            return text.ToString();
        }
    }
}
