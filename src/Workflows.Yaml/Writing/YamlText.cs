using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Workflows.Yaml.Writing;

/// <summary>Renders <see cref="OutNode"/> trees as block YAML, and quotes text safely.</summary>
internal static partial class YamlText
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    };

    /// <summary>Text as a scalar: plain when that is unambiguous, else double-quoted with escapes.</summary>
    public static string Quote(string text)
    {
        if (SafePlain().IsMatch(text) && !Reserved.Contains(text))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c is '\u2028' or '\u2029' or '\uFEFF')
                    {
                        sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append('"').ToString();
    }

    /// <summary>Renders a mapping as the whole document.</summary>
    public static string Render(OutMap document)
    {
        var sb = new StringBuilder();
        Entries(sb, document.Entries, 0, null);
        return sb.ToString();
    }

    private static void Entries(StringBuilder sb, List<(string Key, OutNode Value)> entries, int indent, string? firstPrefix)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            sb.Append(i == 0 && firstPrefix is not null ? firstPrefix : new string(' ', indent));
            sb.Append(Quote(entries[i].Key)).Append(':');
            Value(sb, entries[i].Value, indent);
        }
    }

    private static void Value(StringBuilder sb, OutNode node, int indent)
    {
        switch (node)
        {
            case OutScalar s:
                sb.Append(' ').Append(s.Written).Append('\n');
                break;
            case OutMap { Entries.Count: 0 }:
                sb.Append(" {}\n");
                break;
            case OutSeq { Items.Count: 0 }:
                sb.Append(" []\n");
                break;
            case OutMap m:
                sb.Append('\n');
                Entries(sb, m.Entries, indent + 2, null);
                break;
            case OutSeq q:
                sb.Append('\n');
                Items(sb, q, indent + 2);
                break;
        }
    }

    private static void Items(StringBuilder sb, OutSeq seq, int indent)
    {
        var pad = new string(' ', indent);
        foreach (var item in seq.Items)
        {
            switch (item)
            {
                case OutMap { Entries.Count: > 0 } m:
                    Entries(sb, m.Entries, indent + 2, pad + "- ");
                    break;
                case OutSeq { Items.Count: > 0 } q:
                    sb.Append(pad).Append("-\n");
                    Items(sb, q, indent + 2);
                    break;
                default:
                    sb.Append(pad).Append('-');
                    Value(sb, item, indent);
                    break;
            }
        }
    }

    [GeneratedRegex(@"^[A-Za-z_/][A-Za-z0-9_./-]*$")]
    private static partial Regex SafePlain();
}
