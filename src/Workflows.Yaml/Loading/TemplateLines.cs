using System.Text;
using System.Text.RegularExpressions;

namespace Workflows.Yaml;

/// <summary>
/// Makes formicary's templated YAML parseable before the YAML parser sees it, keeping every line where it was:
/// <list type="bullet">
/// <item>A Go template block whose control lines (<c>{{ if … }}</c>, <c>{{ else }}</c>, <c>{{ end }}</c>) stand between list
/// items becomes ONE list item holding the whole template, with the items of each branch joined by newlines:
/// <c>- "{{ if lt .JobElapsedSecs 3 }}https://a{{ else }}https://b{{ end }}"</c>, on the first line of the block; the
/// block's other lines become empty.</item>
/// <item>A value that starts with <c>{{</c> (<c>on_completed: {{ .Next }}</c>, <c>- {{ .Url }}/x</c>) is quoted, so it is
/// read as text instead of a YAML flow mapping.</item>
/// </list>
/// Block scalars (<c>|</c>, <c>&gt;</c>) are left alone. Anything else made of template lines is a problem (WF4006).
/// </summary>
internal static partial class TemplateLines
{
    /// <summary>
    /// A line the preprocessor could not make parseable: 1-based line and column, the key it is under, and what is wrong;
    /// <paramref name="IsSyntaxError"/> when the block does not parse as a Go template at all (no matching end).
    /// </summary>
    /// <remarks><paramref name="IsKept"/>: the lines were kept without their condition, as formicary reads them at upload (a warning).</remarks>
    public sealed record LineProblem(int Line, int Column, string Key, string Construct, string Reason, bool IsSyntaxError = false, bool IsKept = false);

    public static string Prepare(string text, List<LineProblem> problems)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var blockScalarIndent = -1;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (blockScalarIndent >= 0)
            {
                if (line.Trim().Length == 0 || Indent(line) > blockScalarIndent)
                {
                    continue;
                }

                blockScalarIndent = -1;
            }

            if (BlockScalarStart().IsMatch(line))
            {
                blockScalarIndent = Indent(line);
                continue;
            }

            if (IsTemplateOnly(line, out _))
            {
                i = Block(lines, i, problems);
                continue;
            }

            lines[i] = QuoteTemplateValue(line);
        }

        return string.Join("\n", lines);
    }

    private static int Indent(string line) => line.Length - line.TrimStart(' ').Length;

    /// <summary>Handles the template block starting at line <paramref name="start"/>; returns the index of its last line.</summary>
    private static int Block(string[] lines, int start, List<LineProblem> problems)
    {
        var depth = 0;
        var end = start;
        var itemIndent = -1;
        string? badLine = null;
        var badIndex = -1;
        for (var i = start; i < lines.Length; i++)
        {
            var trimmed = lines[i].Trim();
            if (IsTemplateOnly(lines[i], out var change))
            {
                depth += change;
                end = i;
                if (depth <= 0)
                {
                    break;
                }

                continue;
            }

            end = i;
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            if (trimmed.StartsWith("- ", StringComparison.Ordinal) || trimmed == "-")
            {
                itemIndent = itemIndent < 0 ? Indent(lines[i]) : itemIndent;
                if (Indent(lines[i]) == itemIndent)
                {
                    continue;
                }
            }

            badLine ??= trimmed;
            badIndex = badIndex < 0 ? i : badIndex;
        }

        var opening = lines[start].Trim();
        var column = Indent(lines[start]) + 1;
        var key = OwningKey(lines, start);
        if (depth < 0)
        {
            problems.Add(new LineProblem(start + 1, column, key, opening, "'{{ end }}' (or '{{ else }}') without a matching if/range/with", IsSyntaxError: true));
            Blank(lines, start, end);
            return end;
        }

        if (depth > 0)
        {
            problems.Add(new LineProblem(start + 1, column, key, opening, "the block has no matching '{{ end }}'", IsSyntaxError: true));
            Blank(lines, start, end);
            return end;
        }

        if (badLine is not null && itemIndent < 0 && key is "variables" or "job_variables")
        {
            // formicary drops every line holding a template when it loads a job, so the keys inside are read as set.
            for (var i = start; i <= end; i++)
            {
                lines[i] = IsTemplateOnly(lines[i], out _) ? string.Empty : QuoteTemplateValue(lines[i]);
            }

            problems.Add(new LineProblem(start + 1, column, key, opening,
                $"its lines without the condition, as formicary reads them when it loads a job (it drops a line holding a template): '{badLine}' is set whatever '{opening}' gives at run time", IsKept: true));
            return end;
        }

        if (badLine is not null)
        {
            var reason = opening.Contains("range", StringComparison.Ordinal)
                ? $"the block generates YAML structure (line {badIndex + 1}: '{badLine}'), which formicary renders once at upload when the job sets dynamic_template_tasks: true (so does the loader); only blocks between single-line list items are translated"
                : $"the block spans YAML lines other than single-line list items (line {badIndex + 1}: '{badLine}')";
            problems.Add(new LineProblem(start + 1, column, key, opening, reason));
            Blank(lines, start, end);
            return end;
        }

        if (itemIndent < 0)
        {
            problems.Add(new LineProblem(start + 1, column, key, opening, "a line holding only a template, outside any list item"));
            Blank(lines, start, end);
            return end;
        }

        var template = new StringBuilder();
        var lastWasItem = false;
        for (var i = start; i <= end; i++)
        {
            var trimmed = lines[i].Trim();
            if (IsTemplateOnly(lines[i], out _))
            {
                template.Append(string.Concat(Actions(trimmed)));
                lastWasItem = false;
            }
            else if (trimmed.StartsWith('-'))
            {
                if (lastWasItem)
                {
                    template.Append('\n');
                }

                template.Append(ItemValue(trimmed[1..].Trim()));
                lastWasItem = true;
            }
        }

        Blank(lines, start, end);
        lines[start] = new string(' ', itemIndent) + "- " + DoubleQuoted(template.ToString());
        return end;
    }

    /// <summary>The key the block at <paramref name="start"/> is under: the nearest key line above it that encloses it.</summary>
    private static string OwningKey(string[] lines, int start)
    {
        var indent = Indent(lines[start]);
        for (var i = start - 1; i >= 0; i--)
        {
            // A key above, less indented; or at the same indentation when it opens a block (a list may sit at its key's indentation).
            var above = lines[i].Trim().Length > 0 && (Indent(lines[i]) < indent || (Indent(lines[i]) == indent && lines[i].TrimEnd().EndsWith(':')));
            if (above && KeyLine().Match(lines[i]) is { Success: true } match)
            {
                return match.Groups[1].Value;
            }
        }

        return "(template)";
    }

    private static void Blank(string[] lines, int from, int to)
    {
        for (var i = from; i <= to; i++)
        {
            lines[i] = string.Empty;
        }
    }

    /// <summary>The value of a list item as written: quotes removed, a trailing comment dropped.</summary>
    private static string ItemValue(string text)
    {
        if (text.Length >= 2 && text[0] == '\'' && text[^1] == '\'')
        {
            return text[1..^1].Replace("''", "'", StringComparison.Ordinal);
        }

        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            return Regex.Unescape(text[1..^1]);
        }

        var comment = text.IndexOf(" #", StringComparison.Ordinal);
        return comment >= 0 && text.LastIndexOf("}}", StringComparison.Ordinal) < comment ? text[..comment].TrimEnd() : text;
    }

    private static string DoubleQuoted(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }

        return text.Append('"').ToString();
    }

    /// <summary>True when the line holds only template actions; <paramref name="depthChange"/> is +1 per if/range/with, -1 per end.</summary>
    private static bool IsTemplateOnly(string line, out int depthChange)
    {
        depthChange = 0;
        var trimmed = line.Trim();
        if (!trimmed.StartsWith("{{", StringComparison.Ordinal) || !trimmed.EndsWith("}}", StringComparison.Ordinal))
        {
            return false;
        }

        var actions = Actions(trimmed);
        if (actions.Count == 0 || string.Concat(actions).Length != Regex.Replace(trimmed, @"\}\}\s+\{\{", "}}{{").Length)
        {
            return false;
        }

        foreach (var action in actions)
        {
            var word = ActionWord().Match(action).Groups[1].Value;
            depthChange += word switch
            {
                "if" or "range" or "with" => 1,
                "end" => -1,
                _ => 0,
            };
        }

        return true;
    }

    private static List<string> Actions(string text) => ActionPattern().Matches(text).Select(m => m.Value).ToList();

    /// <summary>Quotes a value that starts with <c>{{</c> so YAML reads it as text.</summary>
    private static string QuoteTemplateValue(string line)
    {
        var match = TemplateValue().Match(line);
        if (!match.Success)
        {
            return line;
        }

        var value = match.Groups["value"].Value.TrimEnd();
        var comment = value.IndexOf(" #", StringComparison.Ordinal);
        var trailing = string.Empty;
        if (comment >= 0 && value.LastIndexOf("}}", StringComparison.Ordinal) < comment)
        {
            trailing = " " + value[(comment + 1)..];
            value = value[..comment].TrimEnd();
        }

        return match.Groups["prefix"].Value + "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'" + trailing;
    }

    [GeneratedRegex(@"^\s*(?:-\s+)?([^\s:#'""{}\[\]-][^\s:#'""{}\[\]]*):(?:\s|$)")]
    private static partial Regex KeyLine();

    [GeneratedRegex(@"\{\{.*?\}\}")]
    private static partial Regex ActionPattern();

    [GeneratedRegex(@"^\{\{-?\s*(\w+)")]
    private static partial Regex ActionWord();

    [GeneratedRegex(@"^\s*(?:-\s+|[^#'""]*?:\s+)[|>][-+0-9]*\s*(?:#.*)?$")]
    private static partial Regex BlockScalarStart();

    [GeneratedRegex(@"^(?<prefix>\s*(?:-\s+)*(?:[^\s:{}\[\]#'""][^:{}\[\]#]*:\s+)?)(?<value>\{\{.*)$")]
    private static partial Regex TemplateValue();
}
