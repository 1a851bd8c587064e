using System.Text;
using System.Text.RegularExpressions;
using Workflows.Definitions;

namespace Workflows.Parity.Tests;

/// <summary>Reads a message back through its rule's format, to mask the arguments that are edge-specific.</summary>
internal static class MessageFormat
{
    /// <summary>
    /// <paramref name="message"/> with the arguments <paramref name="masked"/> replaced by '…'. Fails unless the message
    /// is exactly the rule's format with some arguments, so the rest of it is still compared verbatim.
    /// </summary>
    public static string Mask(ProblemDescriptor rule, string message, IReadOnlyList<int> masked)
    {
        var pieces = Regex.Split(rule.MessageFormat, @"(?<!\{)(\{\d+\})(?!\})");
        var pattern = new StringBuilder("^");
        foreach (var piece in pieces)
        {
            pattern.Append(Placeholder(piece) is { } n
                ? $"(?<a{n}>.*)"
                : Regex.Escape(piece.Replace("{{", "{", StringComparison.Ordinal).Replace("}}", "}", StringComparison.Ordinal)));
        }

        var match = Regex.Match(message, pattern.Append('$').ToString(), RegexOptions.Singleline);
        Assert.True(match.Success, $"'{message}' is not in the format of {rule.Id}: '{rule.MessageFormat}'.");

        var result = new StringBuilder();
        foreach (var piece in pieces)
        {
            result.Append(Placeholder(piece) is { } n
                ? masked.Contains(n) ? "…" : match.Groups[$"a{n}"].Value
                : piece.Replace("{{", "{", StringComparison.Ordinal).Replace("}}", "}", StringComparison.Ordinal));
        }

        return result.ToString();
    }

    private static int? Placeholder(string piece) =>
        Regex.Match(piece, @"^\{(\d+)\}$") is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
}
