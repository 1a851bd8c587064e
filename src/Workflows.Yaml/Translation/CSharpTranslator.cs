using System.Text;
using Workflows.Definitions;

namespace Workflows.Yaml.Translation;

/// <summary>
/// Translates a definition (typically one <see cref="YamlJobLoader"/> read) into a C# workflow class written with the
/// fluent DSL, such that running its <c>Define</c> builds a definition equal to the input.
/// </summary>
/// <remarks>
/// Each property is written with the DSL method whose <see cref="DslCall"/> case sets exactly it: an HTTP task's first
/// URL as <c>.HttpGet(url)</c> (which appends it to the script) and the rest as <c>.Script(...)</c>; a container with no
/// method as <c>.Container("alpine")</c> (not <c>.Docker</c>, which also sets the method); lists in their order;
/// spec records (<c>new ContainerSpec(...)</c>) only where no simpler method exists. A definition the DSL cannot
/// build throws <see cref="TranslationException"/> instead of producing C# that means something else.
/// </remarks>
public static partial class CSharpTranslator
{
    private const string ChainIndent = "        ";
    private const string TaskIndent = ChainIndent + "    ";

    /// <summary>Translates <paramref name="definition"/> into the source of one C# file.</summary>
    /// <param name="definition">The definition, e.g. <see cref="YamlLoadResult.Definition"/> of a load that succeeded.</param>
    /// <param name="sourceFile">The file it came from, named in the header comment.</param>
    /// <param name="namespace">The namespace of the class (file-scoped); null for none.</param>
    /// <returns>The C# source, with '\n' line breaks.</returns>
    /// <exception cref="TranslationException">The definition holds a combination the DSL cannot build.</exception>
    /// <exception cref="ArgumentException"><paramref name="namespace"/> is not a valid namespace name.</exception>
    public static string Translate(JobDefinition definition, string sourceFile, string? @namespace = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(sourceFile);
        if (@namespace is not null && !CSharpNames.IsValidNamespace(@namespace))
        {
            throw new ArgumentException($"'{@namespace}' is not a valid C# namespace name.", nameof(@namespace));
        }

        var emitter = new Emitter();
        if (HasLoneSurrogate(definition.JobType))
        {
            emitter.Problems.Add("The job type holds an unpaired UTF-16 surrogate, which an attribute argument cannot keep ([Workflow(...)] is stored as UTF-8).");
        }

        var calls = emitter.Job(definition);
        foreach (var task in definition.Tasks)
        {
            calls.AddRange(emitter.Task(task));
        }

        if (emitter.Problems.Count > 0)
        {
            throw new TranslationException(definition.JobType, emitter.Problems);
        }

        var text = new StringBuilder();
        text.Append("// Translated from ").Append(OneLine(sourceFile)).Append(" (legacy formicary YAML) by 'workflows translate'.\n");
        text.Append("using Workflows;\n");
        if (emitter.UsesDefinitions)
        {
            text.Append("using Workflows.Definitions;\n");
        }

        text.Append("using static Workflows.ExitAction;\n\n");
        if (@namespace is not null)
        {
            text.Append("namespace ").Append(@namespace).Append(";\n\n");
        }

        text.Append("/// <summary>The <c>").Append(Xml(OneLine(definition.JobType))).Append("</c> job, translated from <c>")
            .Append(Xml(OneLine(Path.GetFileName(sourceFile)))).Append("</c>.</summary>\n");
        text.Append("[Workflow(").Append(CSharpLiterals.String(definition.JobType)).Append(")]\n");
        text.Append("public sealed partial class ").Append(CSharpNames.ClassName(definition.JobType)).Append(" : Workflow\n{\n");
        text.Append("    /// <inheritdoc />\n");
        if (calls.Count == 0)
        {
            text.Append("    protected override void Define(JobBuilder job)\n    {\n    }\n}\n");
            return text.ToString();
        }

        text.Append("    protected override void Define(JobBuilder job) => job");
        foreach (var (call, isTask) in calls)
        {
            var indent = isTask ? TaskIndent : ChainIndent;
            text.Append('\n').Append(indent);
            call.Write(text, indent);
        }

        text.Append(";\n}\n");
        return text.ToString();
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static string OneLine(string text) => string.Join(" ", text.Split('\r', '\n', '\u0085', '\u2028', '\u2029'));

    /// <summary>Text for an XML doc comment: markup escaped, characters XML does not allow replaced.</summary>
    private static string Xml(string text)
    {
        var escaped = new StringBuilder();
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                _ when char.IsControl(c) || char.IsSurrogate(c) => "?",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }
}
