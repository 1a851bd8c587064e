using System.Globalization;
using System.Text;

namespace Workflows.Yaml.Translation;

/// <summary>C# names for translated workflows.</summary>
public static class CSharpNames
{
    /// <summary>
    /// Names the generated class and the generated code would clash with: the DSL's and the model's types used in the
    /// translation (a class named <c>TimeSpan</c> would hide <c>System.TimeSpan</c>), the <c>ExitAction</c> members
    /// imported by <c>using static</c> (inside a class named <c>Fatal</c>, <c>Fatal</c> is the class), and the members
    /// the class declares or the source generator adds to it (C# forbids a member named like its class).
    /// </summary>
    private static readonly HashSet<string> Taken = new(StringComparer.Ordinal)
    {
        "Workflow", "WorkflowAttribute", "JobBuilder", "TaskBuilder", "ExitAction", "TaskMethod", "TimeSpan", "System",
        "Workflows", "Definitions", "EquatableArray", "NamedValue", "ContainerSpec", "ArtifactsSpec", "ArtifactsWhen",
        "CacheSpec", "ServiceSpec", "VolumeSpec", "VolumeKind", "WebhookSpec", "ResourceSpec", "SubWorkflowSpec", "FanOutSpec", "ApprovalPolicy",
        "TriggerSpec", "BackoffPolicy", "Define", "Tasks", "CompiledDefinition", "Compiled", "Definition",
        "GeneratedWorkflowRegistry", "Completed", "Failed", "Fatal", "RestartTask", "RestartJob", "Executing", "PauseJob",
        "Error", "GoTo", "Parse", "ReservedWords", "IsWellFormedErrorCode",
    };

    /// <summary>
    /// The class name for a job type: its words in PascalCase (<c>retry-job</c> → <c>RetryJob</c>,
    /// <c>io.example.all-keys</c> → <c>IoExampleAllKeys</c>), made a valid identifier that clashes with nothing
    /// the translation uses (<c>Job3d</c> for <c>3d</c>, <c>TimeSpanWorkflow</c> for <c>time-span</c>).
    /// </summary>
    /// <param name="jobType">The job type.</param>
    public static string ClassName(string jobType)
    {
        ArgumentNullException.ThrowIfNull(jobType);
        var name = new StringBuilder();
        var startOfWord = true;
        foreach (var c in jobType)
        {
            if (!IsIdentifierPart(c) || c == '_')
            {
                startOfWord = true;
                continue;
            }

            name.Append(startOfWord ? char.ToUpperInvariant(c) : c);
            startOfWord = false;
        }

        if (name.Length == 0)
        {
            return "UnnamedJob";
        }

        if (!IsIdentifierStart(name[0]))
        {
            name.Insert(0, "Job");
        }

        var result = name.ToString();
        return Taken.Contains(result) ? result + "Workflow" : result;
    }

    /// <summary>True when <paramref name="name"/> is a namespace name such as <c>Shop.Jobs</c>: dotted identifiers, none a keyword.</summary>
    /// <param name="name">The name to check.</param>
    public static bool IsValidNamespace(string? name) =>
        !string.IsNullOrEmpty(name) && name.Split('.').All(part =>
            part.Length > 0 && (IsIdentifierStart(part[0]) || part[0] == '_') && part.All(IsIdentifierPart) && !Keywords.Contains(part));

    private static bool IsIdentifierStart(char c) => CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.UppercaseLetter
        or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter
        or UnicodeCategory.OtherLetter or UnicodeCategory.LetterNumber;

    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || c == '_' || CharUnicodeInfo.GetUnicodeCategory(c) is
        UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.NonSpacingMark
        or UnicodeCategory.SpacingCombiningMark;

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    };
}
