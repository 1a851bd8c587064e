using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Workflows.Definitions;

namespace Workflows.Yaml;

internal sealed partial class LoadContext
{
    /// <summary>A list of text (templates translated); with <paramref name="allowCsv"/> a single comma-separated text is accepted too.</summary>
    public EquatableArray<string> Strings(YamlNode node, Scope scope, string key, bool allowCsv = false)
    {
        if (allowCsv && node is YamlScalarNode { IsNull: false } csv)
        {
            return Translate(csv, scope, key).Split(',').Select(s => s.Trim()).Where(s => s.Length > 0).ToEquatableArray();
        }

        var sequence = Sequence(node, scope, key, $"'{key}: [a, b]'");
        if (sequence is null)
        {
            return default;
        }

        var values = new List<string>();
        foreach (var item in sequence.Items)
        {
            if (item is YamlScalarNode { IsNull: false } scalar)
            {
                values.Add(Translate(scalar, scope, key));
            }
            else
            {
                WrongType(scope, key, item, "text (one list item)", $"'- some text'");
            }
        }

        return values.ToEquatableArray();
    }

    /// <summary>
    /// Names and values, written as a mapping (<c>NAME: value</c>) or as a list of <c>{name, value}</c>. Structured
    /// values are kept as JSON text.
    /// </summary>
    public EquatableArray<NamedValue> NamedValues(YamlNode node, Scope scope, string key)
    {
        var values = new List<NamedValue>();
        if (node is YamlMappingNode mapping)
        {
            var inner = scope.Nested(key);
            foreach (var (name, _, value) in Entries(mapping, inner, known: null))
            {
                values.Add(new NamedValue(name, Text(value, inner, name)));
            }

            return values.ToEquatableArray();
        }

        var sequence = Sequence(node, scope, key, $"'{key}: {{NAME: value}}' or a list of 'name:'/'value:' pairs");
        if (sequence is null)
        {
            return default;
        }

        for (var i = 0; i < sequence.Items.Count; i++)
        {
            var item = sequence.Items[i];
            var inner = scope.Nested(key, i);
            if (Mapping(item, scope, key, "'- name: NAME' with 'value: v'") is not { } pair)
            {
                continue;
            }

            string? name = null;
            var text = string.Empty;
            foreach (var (entryKey, _, value) in Entries(pair, inner, KnownKeys.NameValue))
            {
                if (entryKey == "name")
                {
                    name = String(value, inner, entryKey);
                }
                else
                {
                    text = Text(value, inner, entryKey);
                }
            }

            if (name is null)
            {
                Report(WorkflowDiagnostics.MissingRequiredKey, scope, key, item, scope.Subject, scope.Display(key) + $"[{i}]", "name", "name: NAME");
                continue;
            }

            values.Add(new NamedValue(name, text));
        }

        return values.ToEquatableArray();
    }

    /// <summary>
    /// A script (script, before_script, after_script): a list of text. An item YAML reads as a one-entry mapping because
    /// of a ': ' in it (<c>- exit $(( R % 10 &lt; 7 ? 1 : 0 ))</c>) is read as the text written on its line, as its author
    /// meant, with a warning (WF4013). (formicary drops such a line at upload when it holds a template, and refuses it
    /// otherwise; its own examples have both.)
    /// </summary>
    public EquatableArray<string> Script(YamlNode node, Scope scope, string key)
    {
        if (node is not YamlSequenceNode sequence)
        {
            return Strings(node, scope, key);
        }

        var values = new List<string>();
        foreach (var item in sequence.Items)
        {
            if (item is YamlScalarNode { IsNull: false } scalar)
            {
                values.Add(Translate(scalar, scope, key));
            }
            else if (AsWritten(item) is { } written)
            {
                Report(WorkflowDiagnostics.ReadAsFormicaryReadsIt, scope, key, item, scope.Subject, scope.Display(key), item.Describe(),
                    $"the text written, '{written.Value}' (YAML reads the ': ' in it as a key and a value)",
                    $"Quote the item to say so: '- \"{written.Value.Replace("\"", "\\\"", StringComparison.Ordinal)}\"'.");
                values.Add(Translate(written, scope, key));
            }
            else
            {
                WrongType(scope, key, item, "text (one list item)", $"'- some text'");
            }
        }

        return values.ToEquatableArray();
    }

    /// <summary>The text of a one-entry mapping of two scalars written on one line (<c>a: b</c>), as written; else null.</summary>
    private YamlScalarNode? AsWritten(YamlNode item)
    {
        if (item is not YamlMappingNode { Entries.Count: 1 } map
            || map.Entries[0] is not { Key: YamlScalarNode { IsNull: false } key, Value: YamlScalarNode value }
            || key.Line != item.Line || value.Line != key.Line || value.EndLine != key.Line || key.Line > SourceLines.Count)
        {
            return null;
        }

        var line = SourceLines[key.Line - 1];
        var end = value.IsNull ? line.Length : Math.Min(line.Length, value.EndColumn - 1);
        var text = line[(key.Column - 1)..end].TrimEnd();
        return text.Length == 0 ? null : new YamlScalarNode(text, key.Line, key.Column);
    }

    /// <summary>A value as text: a scalar as written (templates translated, empty for null), anything else as JSON text.</summary>
    public string Text(YamlNode node, Scope scope, string key) => node switch
    {
        YamlScalarNode { IsNull: true } => string.Empty,
        YamlScalarNode scalar => Translate(scalar, scope, key),
        _ => Json(node, scope, key),
    };

    /// <summary>A value as JSON text: plain scalars that read as numbers, booleans or null keep that type, the rest are strings.</summary>
    public string Json(YamlNode node, Scope scope, string key)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteJson(writer, node, scope, key);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private void WriteJson(Utf8JsonWriter writer, YamlNode node, Scope scope, string key)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (k, v) in mapping.Entries)
                {
                    writer.WritePropertyName(k is YamlScalarNode s ? s.Value : Json(k, scope, key));
                    WriteJson(writer, v, scope, key);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Items)
                {
                    WriteJson(writer, item, scope, key);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode { IsNull: true }:
                writer.WriteNullValue();
                break;
            case YamlScalarNode { IsPlain: true, Value: "true" or "True" or "TRUE" or "false" or "False" or "FALSE" } flag:
                writer.WriteBooleanValue(flag.Value.Equals("true", StringComparison.OrdinalIgnoreCase));
                break;
            case YamlScalarNode { IsPlain: true } number when JsonNumber().IsMatch(number.Value):
                writer.WriteRawValue(number.Value);
                break;
            case YamlScalarNode scalar:
                writer.WriteStringValue(Translate(scalar, scope, key));
                break;
        }
    }

    /// <summary>One of a fixed set of words (case-insensitive); null and WF4008 with the nearest word otherwise.</summary>
    public string? OneOf(YamlNode node, Scope scope, string key, IReadOnlyList<string> allowed)
    {
        var text = String(node, scope, key);
        if (text is null)
        {
            return null;
        }

        var match = allowed.FirstOrDefault(a => string.Equals(a, text.Trim(), StringComparison.OrdinalIgnoreCase));
        if (match is not null)
        {
            return match;
        }

        var suggestions = NameSuggester.Suggest(text, allowed);
        var hint = suggestions.IsEmpty ? string.Empty : " Did you mean " + string.Join(" or ", suggestions.Select(s => "'" + s + "'")) + "?";
        var problem = WorkflowDiagnostics.UnknownValue.CreateWithSuggestions(scope.Pointer(key), suggestions, scope.Subject, scope.Display(key), text, string.Join(", ", allowed), hint);
        Problems.Add(new LocatedProblem(problem, Path, node.Line, node.Column));
        Unreadable.Add((scope.TaskIndex, scope.TopKey(key)));
        return null;
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex JsonNumber();
}
