using System.Globalization;
using Workflows.Definitions;
using YamlDotNet.Core;

namespace Workflows.Yaml;

/// <summary>
/// The bounds of what the loader reads, so that hostile text (deep nesting, an alias bomb) gets a located diagnostic
/// instead of a stack overflow or gigabytes of memory. Sizes count an anchored value again at every alias that uses it,
/// because the loader and the stored definition expand aliases.
/// </summary>
internal static class YamlLimits
{
    /// <summary>A job needs about six levels (job, tasks, task, variables, value…); 64 leaves room for nested data and keeps every recursive walk far from the end of the stack.</summary>
    public const int MaxDepth = 64;

    /// <summary>How deep the message says text goes, at most: finding out costs YamlDotNet time that grows with the square of the depth.</summary>
    public const int MaxReportedDepth = 1_000;

    /// <summary>Lists, mappings, keys and values with aliases expanded: a large real job has a few thousand; the bound keeps a billion-laughs upload from filling memory.</summary>
    public const int MaxNodes = 100_000;

    /// <summary>Characters of keys and values with aliases expanded (4 Mi): far above any real job's scripts, far below what would strain the host.</summary>
    public const int MaxTextLength = 4 * 1024 * 1024;

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>Thrown by <see cref="YamlTreeReader"/> when the text goes past one of <see cref="YamlLimits"/>; the loader reports it at <see cref="At"/>.</summary>
internal sealed class YamlLimitException : Exception
{
    public YamlLimitException(ProblemDescriptor rule, Mark at, params object?[] arguments)
        : base(rule.Id)
    {
        Rule = rule;
        At = at;
        Arguments = arguments;
    }

    public YamlLimitException()
    {
        Rule = WorkflowDiagnostics.MalformedYaml;
        Arguments = [];
    }

    public YamlLimitException(string message)
        : base(message)
    {
        Rule = WorkflowDiagnostics.MalformedYaml;
        Arguments = [];
    }

    public YamlLimitException(string message, Exception inner)
        : base(message, inner)
    {
        Rule = WorkflowDiagnostics.MalformedYaml;
        Arguments = [];
    }

    public ProblemDescriptor Rule { get; }

    public Mark At { get; }

    public object?[] Arguments { get; }
}
