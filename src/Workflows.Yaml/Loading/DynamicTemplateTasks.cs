using System.Text.RegularExpressions;
using Workflows.Templates;

namespace Workflows.Yaml;

/// <summary>
/// formicary's <c>dynamic_template_tasks: true</c>: the whole definition is a Go template, rendered once when the job is
/// uploaded, with the <c>name: value</c> lines of <c>job_variables</c> as its data (formicary's
/// <c>loadDynamicTasksFromYaml</c>), so a <c>range</c> can generate tasks. The loader does the same, then reads the result.
/// </summary>
internal static partial class DynamicTemplateTasks
{
    /// <summary>
    /// The rendered text when <paramref name="yamlText"/> sets <c>dynamic_template_tasks: true</c> and renders; else null,
    /// and the text is read as written (its templates are then translated or reported as usual).
    /// </summary>
    public static string? Render(string yamlText)
    {
        if (!Flag().IsMatch(yamlText))
        {
            return null;
        }

        // formicary keeps the file as written when its render prints "<no value>", i.e. when a template reads a
        // variable that job_variables does not give (JobID and the like are only known at run time); so does this.
        var variables = JobVariables(yamlText);
        if (Actions().Matches(yamlText).SelectMany(a => Fields().Matches(a.Value)).Any(f => !variables.ContainsKey(f.Groups[1].Value)))
        {
            return null;
        }

        // A line holding only actions loses its indentation: Go writes it as blank space, while the renderer would
        // indent the block's lines by it (Scriban's auto-indent), moving 'on_completed:' into the mapping above.
        var translation = GoTemplateTranslator.Translate(ActionOnlyLine().Replace(yamlText, "$1"));
        if (!translation.Succeeded)
        {
            return null;
        }

        try
        {
            // Rendered at upload, as formicary does: no attempt, so no clock reading and a fixed Random seed.
            var rendered = TemplateRenderer.Render(translation.Scriban!, new TemplateScope(variables, DateTimeOffset.UnixEpoch, new Random(0)));
            return rendered == yamlText ? null : rendered;
        }
        catch (TemplateRenderException)
        {
            return null;
        }
    }

    /// <summary>formicary's data for the render: each <c>name: value</c> line under <c>job_variables:</c>, trimmed.</summary>
    private static Dictionary<string, string> JobVariables(string yamlText)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = yamlText.ReplaceLineEndings("\n").Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimEnd() == "job_variables:");
        for (var i = start + 1; start >= 0 && i < lines.Length && (lines[i].Length == 0 || lines[i][0] == ' '); i++)
        {
            var parts = lines[i].Split(':');
            if (parts.Length == 2 && parts[0].Trim().Length > 0)
            {
                variables[parts[0].Trim()] = parts[1].Trim();
            }
        }

        return variables;
    }

    [GeneratedRegex(@"(?m)^[ \t]+((?:\{\{[^{}\n]*\}\}[ \t]*)+)$")]
    private static partial Regex ActionOnlyLine();

    [GeneratedRegex(@"\{\{.*?\}\}", RegexOptions.Singleline)]
    private static partial Regex Actions();

    /// <summary>A field of the data (<c>.Name</c>, <c>$.Name</c>), not of a variable (<c>$x.Name</c>) or a call's result.</summary>
    [GeneratedRegex(@"(?<![\w\)\]])\.([A-Za-z_]\w*)")]
    private static partial Regex Fields();

    [GeneratedRegex(@"(?m)^dynamic_template_tasks:\s*true\s*(#.*)?$")]
    private static partial Regex Flag();
}
