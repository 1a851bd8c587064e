using System.Text;
using System.Text.RegularExpressions;
using Scriban;

namespace Workflows.Yaml;

/// <summary>
/// Translates formicary's Go templates (<c>text/template</c>) to Scriban, the template language Workflows renders.
/// </summary>
/// <remarks>
/// <para>The canonical form: every action is written <c>{{ … }}</c> with one space inside the braces.</para>
/// <list type="bullet">
/// <item><c>{{.Nonce}}</c> → <c>{{ Nonce }}</c>; <c>{{ .A.B }}</c> → <c>{{ A.B }}</c>; a field named like a Scriban keyword → <c>{{ this["end"] }}</c>.</item>
/// <item><c>{{ if lt .JobElapsedSecs 3 }}a{{ else if … }}b{{ else }}c{{ end }}</c> → <c>{{ if JobElapsedSecs &lt; 3 }}a{{ else if … }}b{{ else }}c{{ end }}</c>.</item>
/// <item><c>eq ne lt le gt ge</c> → <c>== != &lt; &lt;= &gt; &gt;=</c> (<c>eq a b c</c> → <c>(a == b) || (a == c)</c>); <c>and or not</c> → <c>&amp;&amp; || !</c>.</item>
/// <item>Functions keep their names and argument order: <c>{{ Random 0 3 }}</c>, <c>{{ Add 1 (Add 2 3) }}</c>; the runtime provides them.</item>
/// <item>Pipelines become nested calls, the piped value last as in Go: <c>{{ .X | replace "a" "b" }}</c> → <c>{{ replace "a" "b" X }}</c>.</item>
/// <item><c>{{ range .Items }}{{ .Name }}{{ end }}</c> → <c>{{ for $item in Items }}{{ $item.Name }}{{ end }}</c>;
/// <c>{{ range $i, $e := Iterate 3 }}</c> → <c>{{ for $e in Iterate 3; $i = for.index }}</c> (ranges are over lists).</item>
/// <item><c>{{ with .X }}{{ . }}{{ end }}</c> → <c>{{ $with = X; if $with }}{{ $with }}{{ end }}</c>; <c>$x := v</c> → <c>$x = v</c>; <c>index m "k"</c> → <c>m["k"]</c>.</item>
/// <item>Trim markers (<c>{{- … -}}</c>) are applied to the text while translating; comments are dropped.</item>
/// </list>
/// <para>
/// Untranslatable constructs are errors, never silently different output: named templates
/// (<c>define</c>, <c>template</c>, <c>block</c>), <c>call</c>, <c>else with</c>, a bare <c>.</c> or <c>$</c> outside
/// <c>range</c>/<c>with</c>, and <c>and</c>/<c>or</c> used as values (Go returns an operand, Scriban a boolean).
/// Conditions follow Go's truthiness when rendered with <see cref="Workflows.Templates.GoTemplateContext"/>.
/// </para>
/// </remarks>
public static partial class GoTemplateTranslator
{
    /// <summary>
    /// The most problems reported for one template: each names the whole template, so a hostile one with 100,000
    /// unclosed blocks would otherwise produce gigabytes of messages. Fixing the first ten shows the rest.
    /// </summary>
    private const int MaxErrors = 10;

    /// <summary>Blocks nested deeper cannot be translated: Scriban rejects statements nested past 250, and no real template nests this far.</summary>
    private const int MaxBlockDepth = 64;

    /// <summary>True when <paramref name="text"/> holds a template action (<c>{{</c>).</summary>
    /// <param name="text">Any text.</param>
    public static bool ContainsTemplate(string? text) => text is not null && text.Contains("{{", StringComparison.Ordinal);

    /// <summary>Translates one Go template; the result is verified to parse as Scriban.</summary>
    /// <param name="goTemplate">The Go template text, e.g. <c>exit {{ Random 0 3 }}</c>.</param>
    public static TemplateTranslation Translate(string goTemplate)
    {
        ArgumentNullException.ThrowIfNull(goTemplate);
        var errors = new List<TemplateTranslationError>();
        var segments = Split(goTemplate, errors);
        if (errors.Count > 0)
        {
            return new TemplateTranslation(null, errors);
        }

        var used = new HashSet<string>(VariablePattern().Matches(goTemplate).Select(m => m.Value), StringComparer.Ordinal);
        var translator = new Translation(used);
        var output = new StringBuilder();
        foreach (var segment in segments)
        {
            if (errors.Count >= MaxErrors)
            {
                break;
            }

            if (segment.IsText)
            {
                output.Append(segment.Content);
                continue;
            }

            try
            {
                var statement = translator.Action(segment.Content, segment.Offset);
                if (statement is not null)
                {
                    output.Append("{{ ").Append(statement).Append(" }}");
                }
            }
            catch (GoTemplateException e)
            {
                errors.Add(new TemplateTranslationError(segment.Offset, segment.Raw, e.Message, e.IsSyntaxError));
            }
        }

        foreach (var open in translator.Unclosed().Take(Math.Max(0, MaxErrors - errors.Count)))
        {
            var raw = segments.First(s => !s.IsText && s.Offset == open).Raw;
            errors.Add(new TemplateTranslationError(open, raw, "the block has no matching '{{ end }}'", IsSyntaxError: true));
        }

        if (errors.Count > 0)
        {
            return new TemplateTranslation(null, errors);
        }

        var scriban = output.ToString();
        var parsed = Template.Parse(scriban);
        if (parsed.HasErrors)
        {
            errors.Add(new TemplateTranslationError(0, goTemplate, "the translation does not parse as Scriban: " + string.Join("; ", parsed.Messages)));
            return new TemplateTranslation(null, errors);
        }

        return new TemplateTranslation(scriban, errors);
    }

    [GeneratedRegex(@"\$[\p{L}_][\p{L}\p{Nd}_]*")]
    private static partial Regex VariablePattern();

    /// <summary>A piece of the template: literal text, or one action's inside (trim markers removed).</summary>
    private sealed record Segment(bool IsText, string Content, int Offset, string Raw);

    /// <summary>Cuts the template into text and actions, applying Go's trim markers to the text around them.</summary>
    private static List<Segment> Split(string s, List<TemplateTranslationError> errors)
    {
        var segments = new List<Segment>();
        var position = 0;
        var trimNext = false;
        while (position <= s.Length)
        {
            var open = s.IndexOf("{{", position, StringComparison.Ordinal);
            var text = open < 0 ? s[position..] : s[position..open];
            if (trimNext)
            {
                text = text.TrimStart(' ', '\t', '\r', '\n');
            }

            if (open < 0)
            {
                segments.Add(new Segment(true, text, position, text));
                break;
            }

            var close = FindClose(s, open + 2);
            if (close < 0)
            {
                errors.Add(new TemplateTranslationError(open, s[open..], "the action has no closing '}}'", IsSyntaxError: true));
                return segments;
            }

            var inside = s[(open + 2)..close];
            var trimLeft = inside.Length >= 2 && inside[0] == '-' && char.IsWhiteSpace(inside[1]);
            var trimRight = inside.Length >= 2 && inside[^1] == '-' && char.IsWhiteSpace(inside[^2]);
            if (trimLeft)
            {
                text = text.TrimEnd(' ', '\t', '\r', '\n');
                inside = inside[1..];
            }

            if (trimRight)
            {
                inside = inside[..^1];
            }

            segments.Add(new Segment(true, text, position, text));
            segments.Add(new Segment(false, inside.Trim(), open, s[open..(close + 2)]));
            trimNext = trimRight;
            position = close + 2;
        }

        return segments;
    }

    /// <summary>The index of the <c>}}</c> closing an action whose inside starts at <paramref name="from"/>, skipping quoted text and comments.</summary>
    private static int FindClose(string s, int from)
    {
        var i = from;
        var inside = s.AsSpan(from).TrimStart('-').TrimStart();
        if (inside.StartsWith("/*", StringComparison.Ordinal))
        {
            var end = s.IndexOf("*/", from, StringComparison.Ordinal);
            return end < 0 ? -1 : s.IndexOf("}}", end + 2, StringComparison.Ordinal);
        }

        while (i < s.Length)
        {
            var c = s[i];
            if (c is '"' or '\'' or '`')
            {
                i++;
                while (i < s.Length && s[i] != c)
                {
                    i += c != '`' && s[i] == '\\' ? 2 : 1;
                }

                i++;
                continue;
            }

            if (c == '}' && i + 1 < s.Length && s[i + 1] == '}')
            {
                return i;
            }

            i++;
        }

        return -1;
    }
}
