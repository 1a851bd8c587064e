using CsCheck;
using Workflows.Templates;
using Workflows.Yaml;

namespace Workflows.Fuzzing;

/// <summary>
/// The Go-template translator and the renderer: Go templates of actions, pipelines, functions and literals are
/// translated (<see cref="GoTemplateTranslator.Translate"/>) and, when they translate, rendered
/// (<see cref="TemplateRenderer.Render"/>) with a fixed scope. Property: a translation either succeeds or lists its
/// errors at offsets inside the text; a render returns or fails with <see cref="TemplateRenderException"/>, the failure
/// an attempt turns into <c>ERR_TEMPLATE</c>.
/// </summary>
public static class TemplateFuzz
{
    private static readonly string[] Pieces =
    [
        "{{", "}}", "{{-", "-}}", " ", "  ", ".X", ".A", ".M", ".Missing", ".X.Y", "$", "$x", "$i", "$e", ":=", "=", ",", "|", "(", ")",
        "if", "else", "else if", "end", "range", "with", "define \"t\"", "template \"t\"", "block \"b\" .", "break", "continue",
        "eq", "ne", "lt", "le", "gt", "ge", "and", "or", "not", "len", "index", "slice", "print", "printf", "println", "html", "js",
        "urlquery", "call", "nil", "true", "false", "shell_quote", "Random", "Iterate", "upper", "lower", "trim", "replace", "split",
        "join", "default", "contains", "hasPrefix", "quote", "add", "sub", "mul", "div", "mod", "repeat", "substr", "toJson", "fromJson",
        "\"s\"", "\"%v\"", "\"%d\"", "\"%999999999d\"", "\"%-*s\"", "\"\\u0000\"", "\"\\\"\"", "'a'", "'\\n'", "`raw`", "1", "-1", "0",
        "1e9", "0x10", "1.5", "9223372036854775807", "99999999999999999999", "/*", "*/", "text", "\n", "{{/* c */}}", "}}{{", "{{{", "}}}",
    ];

    /// <summary>Go template texts: 0–24 pieces.</summary>
    public static Gen<string> Inputs { get; } = Gen.OneOf(Pieces).Array[0, 24].Select(p => string.Concat(p));

    /// <summary>The variables templates see: plain, JSON-ish, empty, a number, and a template-looking value.</summary>
    public static IReadOnlyDictionary<string, string> Variables { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["X"] = "x1", ["A"] = "a,b,c", ["M"] = "{\"k\": [1, 2]}", ["N"] = "42", ["E"] = string.Empty, ["T"] = "{{ .X }}",
    };

    /// <summary>Translates and renders; throws when the property does not hold.</summary>
    /// <param name="goTemplate">A Go template.</param>
    public static void Check(string goTemplate)
    {
        var translation = GoTemplateTranslator.Translate(goTemplate);
        if (!translation.Succeeded)
        {
            if (translation.Errors.Count == 0)
            {
                throw new FuzzPropertyException("The translation failed without an error.");
            }

            foreach (var error in translation.Errors)
            {
                if (error.Offset < 0 || error.Offset > goTemplate.Length)
                {
                    throw new FuzzPropertyException($"An error outside the text (offset {error.Offset}, length {goTemplate.Length}): {error}");
                }
            }

            return;
        }

        ScribanFuzz.Render(translation.Scriban!);
    }
}
