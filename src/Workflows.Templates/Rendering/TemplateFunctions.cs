// One file on purpose (~470 lines): the whole function table a template can call, with each function beside its registration, so the vocabulary the checker knows is read in one place.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Scriban;
using Scriban.Functions;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Workflows.Templates
{
    /// <summary>
    /// The functions templates call at run time (<see cref="TemplateVocabulary.Functions"/>), with formicary's names,
    /// argument order and results (FORMICARY-FORMAT.md §6.3, <c>queen/utils/template_helper.go</c>).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Argument order. The Go → Scriban translation keeps every function's name and argument order and puts a piped
    /// value last, as Go does (<c>{{ .X | replace "a" "b" }}</c> → <c>{{ replace "a" "b" X }}</c>). The functions
    /// therefore take formicary's own parameters, so that both forms render here exactly as in formicary:
    /// <c>replace s old new</c>, <c>trimPrefix s prefix</c>, <c>trimSuffix s suffix</c>, <c>hasPrefix s prefix</c>,
    /// <c>hasSuffix s suffix</c>, <c>contains s substr</c>, <c>default def val</c>. (formicary's own examples call them
    /// directly, <c>trimPrefix .Body.ref "refs/heads/"</c>; piping into them passes the piped value as the last
    /// parameter, in formicary as here.)
    /// </para>
    /// <para>
    /// Values: a missing variable (null) is the empty string in every string function and in <c>print</c>/<c>printf</c>
    /// (Go prints <c>&lt;nil&gt;</c>); numbers given as text (<c>"3"</c>) are accepted where a number is expected.
    /// <c>len</c> and <c>slice</c> count characters where Go counts bytes (the same for ASCII).
    /// </para>
    /// </remarks>
    internal static partial class TemplateFunctions
    {
        /// <summary>The most items <c>Iterate</c> returns, the same as the renderer's loop limit.</summary>
        internal const int MaxItems = 10_000;

        private static readonly Regex MarkdownLinkPattern = new Regex(@"\[([^\]]+)\]\(([^)]+)\)", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

        /// <summary>Every function by name; shared, never changed after creation (each render copies the entries).</summary>
        internal static ScriptObject All { get; } = Create();

        private static ScriptObject Create()
        {
            var functions = new ScriptObject();
            functions.Import("Random", new Func<TemplateContext, object?, object?, long>(Random));
            functions.Import("Iterate", new Func<object?, ScriptArray>(Iterate));
            functions.Import("Add", new Func<object?, object?, long>((a, b) => Integer(a, "Add") + Integer(b, "Add")));
            functions.Import("Dict", new Func<object?[], ScriptObject>(Dict));
            functions.Import("default", new Func<object?, object?, object?>((def, val) => val is null || (val is string s && s.Length == 0) ? def : val));
            functions.Import("trimPrefix", new Func<string?, string?, string>(TrimPrefix));
            functions.Import("trimSuffix", new Func<string?, string?, string>(TrimSuffix));
            functions.Import("hasPrefix", new Func<string?, string?, bool>((s, prefix) => (s ?? string.Empty).StartsWith(prefix ?? string.Empty, StringComparison.Ordinal)));
            functions.Import("hasSuffix", new Func<string?, string?, bool>((s, suffix) => (s ?? string.Empty).EndsWith(suffix ?? string.Empty, StringComparison.Ordinal)));
            functions.Import("contains", new Func<string?, string?, bool>((s, substr) => (s ?? string.Empty).IndexOf(substr ?? string.Empty, StringComparison.Ordinal) >= 0));
            functions.Import("replace", new Func<string?, string?, string?, string>(Replace));
            functions.Import("lower", new Func<string?, string>(s => (s ?? string.Empty).ToLowerInvariant()));
            functions.Import("upper", new Func<string?, string>(s => (s ?? string.Empty).ToUpperInvariant()));
            functions.Import("Unescape", new Func<string?, string>(s => s ?? string.Empty));
            functions.Import("MarkdownLink", new Func<string?, string>(MarkdownLink));
            functions.Import("formatTime", new Func<object?, string>(FormatTime));
            functions.Import("FormatTime", new Func<object?, string>(FormatTime));
            functions.Import("Percent100", new Func<object?, object?, long>(Percent100));
            functions.Import("atoi", new Func<string?, long>(Atoi));
            functions.Import("atof", new Func<string?, double>(Atof));
            functions.Import("urlquery", new Func<string?, string>(UrlQuery));
            functions.Import("printf", new Func<string?, object?[], string>(Printf));
            functions.Import("print", new Func<object?[], string>(args => Sprint(args, newline: false)));
            functions.Import("println", new Func<object?[], string>(args => Sprint(args, newline: true)));
            functions.Import("len", new Func<object?, long>(Length));
            functions.Import("index", new Func<object?, object?[], object?>(Index));
            functions.Import("slice", new Func<object?, object?[], object?>(Slice));
            functions.Import("js", new Func<object?[], string>(args => JsEscape(Sprint(args))));
            functions.Import("shell_quote", new Func<object?, string>(ShellQuote));
            functions["html"] = new GoHtmlFunction();
            functions.Import("CountByJobTypeAndState", new Func<TemplateContext, string?, object?[], long>(CountByJobTypeAndState));
            functions.Import("SubmitJob", new Func<TemplateContext, string?, string?, object?[], string>(SubmitJob));
            functions.Import("SubmitJobsFromJSON", new Func<TemplateContext, string?, object?, object?[], string>(SubmitJobsFromJson));

            var missing = TemplateVocabulary.Functions.Where(f => !functions.ContainsKey(f)).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidOperationException("Template functions without an implementation: " + string.Join(", ", missing));
            }

            return functions;
        }

        /// <summary>
        /// <c>shell_quote value</c> (or <c>value | shell_quote</c>): the value as one POSIX <c>sh</c> word, in single quotes
        /// (<c>'</c> written <c>'\''</c>), so a script line never runs what a request param holds. A value with a line
        /// break or NUL cannot be quoted on one script line and fails the render: read it from its environment variable.
        /// </summary>
        private static readonly char[] Unquotable = { '\n', '\r', '\0' };

        private static string ShellQuote(object? value)
        {
            var text = value switch
            {
                null => string.Empty,
                string s => s,
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? string.Empty,
            };
            if (text.IndexOfAny(Unquotable) >= 0)
            {
                throw Error("'shell_quote' cannot quote a value with a line break or NUL on one script line: read it from the environment instead (a request param X is \"$WORKFLOWS_PARAM_X\")");
            }

            return "'" + text.Replace("'", "'\\''") + "'";
        }

        /// <summary>An error of a function, reported with the template by the renderer.</summary>
        internal static TemplateRenderException Error(string problem) => new TemplateRenderException(problem);

        /// <summary><c>Random min max</c>: min ≤ n &lt; max, as formicary's <c>rand.Intn(max-min) + min</c>.</summary>
        private static long Random(TemplateContext context, object? min, object? max)
        {
            var low = Integer(min, "Random");
            var high = Integer(max, "Random");
            if (high <= low)
            {
                throw Error($"'Random {low} {high}' needs min < max");
            }

            var random = ((TemplateRenderer.RenderContext)context).Scope.Random;
            lock (random)
            {
                return high - low <= int.MaxValue
                    ? low + random.Next((int)(high - low))
                    : low + (long)(random.NextDouble() * (high - low));
            }
        }

        /// <summary><c>Iterate n</c>: 0, 1, …, n-1.</summary>
        private static ScriptArray Iterate(object? count)
        {
            var n = Integer(count, "Iterate");
            if (n > MaxItems)
            {
                throw Error($"'Iterate {n}' exceeds the limit of {MaxItems} items");
            }

            var items = new ScriptArray();
            for (long i = 0; i < n; i++)
            {
                items.Add(i);
            }

            return items;
        }

        /// <summary><c>Dict k v …</c>: an object with those members.</summary>
        private static ScriptObject Dict(object?[] values)
        {
            if (values.Length % 2 != 0)
            {
                throw Error("'Dict' needs key/value pairs (an even number of arguments)");
            }

            var dict = new ScriptObject();
            for (var i = 0; i < values.Length; i += 2)
            {
                if (values[i] is not string key)
                {
                    throw Error("'Dict' keys must be strings");
                }

                dict[key] = values[i + 1];
            }

            return dict;
        }

        private static string TrimPrefix(string? s, string? prefix)
        {
            s ??= string.Empty;
            return !string.IsNullOrEmpty(prefix) && s.StartsWith(prefix, StringComparison.Ordinal) ? s.Substring(prefix!.Length) : s;
        }

        private static string TrimSuffix(string? s, string? suffix)
        {
            s ??= string.Empty;
            return !string.IsNullOrEmpty(suffix) && s.EndsWith(suffix, StringComparison.Ordinal) ? s.Substring(0, s.Length - suffix!.Length) : s;
        }

        /// <summary><c>replace s old new</c>: Go's <c>strings.ReplaceAll(s, old, new)</c> (an empty old inserts new around every character).</summary>
        private static string Replace(string? s, string? old, string? replacement)
        {
            s ??= string.Empty;
            replacement ??= string.Empty;
            // Bounded before anything is built: an empty or frequent 'old' multiplies the text.
            var length = string.IsNullOrEmpty(old)
                ? s.Length + ((long)new System.Globalization.StringInfo(s).LengthInTextElements + 1) * replacement.Length
                : s.Length + (long)Occurrences(s, old!) * (replacement.Length - old!.Length);
            if (length > MaxTextLength)
            {
                throw Error($"'replace' would render {length.ToString("N0", CultureInfo.InvariantCulture)} characters, more than the limit of {MaxTextLength.ToString("N0", CultureInfo.InvariantCulture)} a template may render; replace in less text");
            }

            if (!string.IsNullOrEmpty(old))
            {
                return s.Replace(old, replacement);
            }

            var result = new StringBuilder(replacement);
            foreach (var element in TextElements(s))
            {
                result.Append(element).Append(replacement);
            }

            return result.ToString();
        }

        private static int Occurrences(string s, string old)
        {
            var count = 0;
            for (var at = s.IndexOf(old, StringComparison.Ordinal); at >= 0; at = s.IndexOf(old, at + old.Length, StringComparison.Ordinal))
            {
                count++;
            }

            return count;
        }

        private static IEnumerable<string> TextElements(string s)
        {
            for (var i = 0; i < s.Length; i++)
            {
                yield return char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) ? s.Substring(i++, 2) : s[i].ToString();
            }
        }

        /// <summary><c>MarkdownLink s</c>: <c>[text](http…)</c> or a bare http(s) URL as an HTML link, anything else HTML-escaped (formicary's logic).</summary>
        private static string MarkdownLink(string? s)
        {
            if (string.IsNullOrEmpty(s))
            {
                return string.Empty;
            }

            var match = MarkdownLinkPattern.Match(s);
            if (!match.Success)
            {
                return IsWebUrl(s!) ? Link(HtmlEscape(s!), HtmlEscape(s!)) : HtmlEscape(s!);
            }

            var url = match.Groups[2].Value;
            if (!IsWebUrl(url) || url.IndexOf("javascript:", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return HtmlEscape(s!);
            }

            return Link(HtmlEscape(url), HtmlEscape(match.Groups[1].Value));

            static bool IsWebUrl(string text) =>
                Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

            static string Link(string href, string text) => $"<a href=\"{href}\" target=\"_blank\" rel=\"noopener noreferrer\">{text}</a>";
        }

        /// <summary><c>formatTime t</c>: <c>yyyy-MM-dd HH:mm:ss</c>; "—" for no time. Accepts a date or a date string.</summary>
        private static string FormatTime(object? value)
        {
            const string Format = "yyyy-MM-dd HH:mm:ss";
            switch (value)
            {
                case null:
                case string { Length: 0 }:
                    return "—";
                case DateTime dateTime:
                    return dateTime == default ? "—" : dateTime.ToString(Format, CultureInfo.InvariantCulture);
                case DateTimeOffset offset:
                    return offset == default ? "—" : offset.ToString(Format, CultureInfo.InvariantCulture);
                case string text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed):
                    return parsed.ToString(Format, CultureInfo.InvariantCulture);
                default:
                    throw Error($"'formatTime' needs a time, not '{GoValue(value)}'");
            }
        }

        /// <summary><c>Percent100 received required</c>: the whole percentage, at most 100; 100 when nothing is required.</summary>
        private static long Percent100(object? received, object? required)
        {
            var part = Integer(received, "Percent100");
            var whole = Integer(required, "Percent100");
            return whole <= 0 ? 100 : Math.Min(part * 100 / whole, 100);
        }

        /// <summary><c>atoi s</c>: the leading integer of s (spaces trimmed), 0 when there is none (formicary's <c>Sscanf "%d"</c>).</summary>
        private static long Atoi(string? s)
        {
            var match = Regex.Match((s ?? string.Empty).Trim(), @"^[+-]?[0-9]+", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            return match.Success && long.TryParse(match.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : 0;
        }

        /// <summary><c>atof s</c>: the leading number of s (spaces trimmed), 0 when there is none (formicary's <c>Sscanf "%g"</c>).</summary>
        private static double Atof(string? s)
        {
            var match = Regex.Match((s ?? string.Empty).Trim(), @"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            return match.Success && double.TryParse(match.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0;
        }

        /// <summary><c>len x</c>: characters of a string, items of a list or object; 0 for nothing.</summary>
        private static long Length(object? value) => value switch
        {
            null => 0,
            string s => s.Length,
            ICollection c => c.Count,
            IScriptObject o => o.Count,
            IEnumerable e => e.Cast<object?>().LongCount(),
            _ => throw Error($"'len' of a {GoType(value)} value ('{GoValue(value)}')"),
        };

        /// <summary><c>index x k …</c>: x[k]… (lists by position, objects by key); a missing key or nothing gives nothing.</summary>
        private static object? Index(object? item, object?[] keys)
        {
            foreach (var key in keys)
            {
                switch (item)
                {
                    case null:
                        return null;
                    case string s:
                        item = (long)s[Position(key, s.Length, "index")];
                        break;
                    case IList list:
                        item = list[Position(key, list.Count, "index")];
                        break;
                    case IScriptObject o:
                        item = o.TryGetValue(Text(key), out var member) ? member : null;
                        break;
                    case IDictionary d:
                        item = key is not null && d.Contains(key) ? d[key] : d.Contains(Text(key)) ? d[Text(key)] : null;
                        break;
                    default:
                        throw Error($"cannot index a {GoType(item)} value");
                }
            }

            return item;
        }

        /// <summary><c>slice x i j</c>: x[i:j] of a string (characters) or list; <c>slice x</c> is x, <c>slice x i</c> is x[i:].</summary>
        private static object? Slice(object? item, object?[] indices)
        {
            if (indices.Length == 0)
            {
                return item;
            }

            if (indices.Length > 2)
            {
                throw Error("'slice' takes at most two indices here (x[i:j])");
            }

            var count = item switch
            {
                string s => s.Length,
                IList list => list.Count,
                _ => throw Error($"cannot slice a {GoType(item)} value"),
            };
            var start = (int)Integer(indices[0], "slice");
            var end = indices.Length > 1 ? (int)Integer(indices[1], "slice") : count;
            if (start < 0 || end < start || end > count)
            {
                throw Error($"'slice' indices out of range: [{start}:{end}] of length {count}");
            }

            if (item is string text)
            {
                return text.Substring(start, end - start);
            }

            var result = new ScriptArray();
            for (var i = start; i < end; i++)
            {
                result.Add(((IList)item!)[i]);
            }

            return result;
        }

        private static int Position(object? key, int count, string function)
        {
            var position = Integer(key, function);
            if (position < 0 || position >= count)
            {
                throw Error($"'{function}' out of range: {position} of length {count}");
            }

            return (int)position;
        }

        /// <summary>A whole number argument: a number, or text holding one.</summary>
        internal static long Integer(object? value, string function)
        {
            switch (value)
            {
                case long l:
                    return l;
                case int or short or byte or sbyte or ushort or uint:
                    return Convert.ToInt64(value, CultureInfo.InvariantCulture);
                case ulong u when u <= long.MaxValue:
                    return (long)u;
                case double d when d == Math.Floor(d) && Math.Abs(d) < 9e18:
                    return (long)d;
                case float f when f == Math.Floor(f) && Math.Abs(f) < 9e18:
                    return (long)f;
                case decimal m when m == decimal.Floor(m) && Math.Abs(m) < 9e18m:
                    return (long)m;
                case string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed):
                    return parsed;
                default:
                    throw Error($"'{function}' needs a whole number, not {(value is null ? "nothing (a missing variable?)" : $"'{GoValue(value)}'")}");
            }
        }

        /// <summary>
        /// Go's <c>html</c> function that is also Scriban's <c>html</c> object, so both <c>{{ html X }}</c> (formicary)
        /// and <c>{{ html.escape X }}</c> (Scriban) work.
        /// </summary>
        private sealed class GoHtmlFunction : HtmlFunctions, IScriptCustomFunction
        {
            public GoHtmlFunction()
            {
                IsReadOnly = true;
            }

            public int RequiredParameterCount => 0;

            public int ParameterCount => 1;

            public ScriptVarParamKind VarParamKind => ScriptVarParamKind.Direct;

            public Type ReturnType => typeof(string);

            public ScriptParameterInfo GetParameterInfo(int index) => new ScriptParameterInfo(typeof(object), "value");

            public object? Invoke(TemplateContext context, ScriptNode? callerContext, ScriptArray arguments, ScriptBlockStatement? blockStatement)
            {
                if (arguments.Count == 0)
                {
                    // 'html.escape …': Scriban evaluates the target 'html' as a call without arguments first.
                    return callerContext?.Parent is ScriptMemberExpression ? this : string.Empty;
                }

                return HtmlEscape(Sprint(arguments.ToArray()));
            }

            public System.Threading.Tasks.ValueTask<object?> InvokeAsync(TemplateContext context, ScriptNode? callerContext, ScriptArray arguments, ScriptBlockStatement? blockStatement) =>
                new System.Threading.Tasks.ValueTask<object?>(Invoke(context, callerContext, arguments, blockStatement));
        }
    }
}
