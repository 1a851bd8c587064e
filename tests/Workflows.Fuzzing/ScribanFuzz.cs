using CsCheck;
using Workflows.Definitions;
using Workflows.Templates;

namespace Workflows.Fuzzing;

/// <summary>
/// The Scriban checks and renderer (C# definitions' templates): Scriban texts of statements, loops, functions and
/// literals go through <see cref="TemplateChecker.Check"/> (the analyzer's, the import's and the upload's template
/// problems) as a task's script, URL and environment, then through <see cref="TemplateRenderer.Render"/>. Property: the
/// check returns problems (never throws); the render returns or fails with <see cref="TemplateRenderException"/>.
/// </summary>
public static class ScribanFuzz
{
    private static readonly string[] Pieces =
    [
        "{{", "}}", "{{~", "~}}", " ", ";", "\n", "X", "A", "M", "Missing", "x", "i", "e", "=", "==", "!=", "<", ">", "&&", "||", "!", "+", "-",
        "*", "/", "//", "%", "..", "..<", ".", "|", "(", ")", "[", "]", "{", "}", ",", ":", "if", "else", "else if", "end", "for", "in",
        "while", "tablerow", "capture", "case", "when", "func", "ret", "break", "continue", "with", "wrap", "include", "import", "readonly",
        "this", "empty", "null", "true", "false", "$", "$0", "$$", "@", "do", "string.repeat", "string.pad_left", "array.size", "array.each",
        "math.round", "date.now", "object.to_json", "shell_quote", "Random", "Iterate", "printf", "\"s\"", "'s'", "`r`", "\"\\u0000\"", "1",
        "-1", "0", "1e308", "0x7fffffff", "99999999999999999999", "1000000", "2147483647", "text", "#", "##", "#{", "}}{{", "{{{", "}}}",
    ];

    private static readonly TaskMethod[] Methods = [TaskMethod.Shell, TaskMethod.Docker, TaskMethod.HttpGet, TaskMethod.ForkJob];

    /// <summary>Scriban texts: 0–24 pieces.</summary>
    public static Gen<string> Inputs { get; } = Gen.OneOf(Pieces).Array[0, 24].Select(p => string.Concat(p));

    /// <summary>Checks the text in a task's script, URL and environment, then renders it; throws when the property does not hold.</summary>
    /// <param name="scriban">A Scriban template.</param>
    public static void Check(string scriban)
    {
        foreach (var method in Methods)
        {
            var task = new TaskDefinition
            {
                TaskType = "t",
                Method = method,
                Script = EquatableArray.Create(scriban),
                Url = method == TaskMethod.HttpGet ? scriban : null,
                Environment = EquatableArray.Create(new NamedValue("E", scriban)),
            };
            _ = TemplateChecker.Check(new JobDefinition { JobType = "fuzz", Tasks = EquatableArray.Create(task) });
        }

        Render(scriban);
    }

    /// <summary>Renders with <see cref="TemplateFuzz.Variables"/>; a <see cref="TemplateRenderException"/> is the expected failure.</summary>
    /// <param name="scriban">A Scriban template.</param>
    public static void Render(string scriban)
    {
        try
        {
            _ = TemplateRenderer.Render(scriban, new TemplateScope(TemplateFuzz.Variables, DateTimeOffset.UnixEpoch, new Random(1)));
        }
        catch (TemplateRenderException)
        {
            // The attempt fails with ERR_TEMPLATE and the message; that is the expected answer to a bad template.
        }
    }
}
