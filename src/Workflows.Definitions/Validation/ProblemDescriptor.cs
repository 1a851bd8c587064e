using System.Globalization;

namespace Workflows.Definitions
{
    /// <summary>One rule of the catalogue: its stable id, title, message format and default severity.</summary>
    /// <param name="Id">The stable id, e.g. <c>WF0101</c>.</param>
    /// <param name="Title">A short title.</param>
    /// <param name="MessageFormat">A composite format string; its arguments are filled by <see cref="Create"/>.</param>
    /// <param name="DefaultSeverity">The severity unless configured otherwise.</param>
    /// <param name="Category">The rule family (<c>Dag</c>, <c>ExitCodes</c>, <c>Retry</c>, <c>Templates</c>, <c>Yaml</c>, <c>Executors</c>).</param>
    public sealed record ProblemDescriptor(string Id, string Title, string MessageFormat, ProblemSeverity DefaultSeverity, string Category)
    {
        /// <summary>Where the rule is documented, with a bad and a fixed example.</summary>
        public string HelpLink => "docs/diagnostics.md#" + Id.ToLowerInvariant();

        /// <summary>Creates a problem at <paramref name="location"/> with the message arguments.</summary>
        /// <param name="location">Where the problem is.</param>
        /// <param name="args">The message arguments.</param>
        public Problem Create(DefinitionPointer location, params object?[] args) =>
            new Problem(Id, DefaultSeverity, string.Format(CultureInfo.InvariantCulture, MessageFormat, args), location);

        /// <summary>Creates a problem that carries replacement suggestions for code fixes.</summary>
        /// <param name="location">Where the problem is.</param>
        /// <param name="suggestions">The replacements, best first.</param>
        /// <param name="args">The message arguments.</param>
        public Problem CreateWithSuggestions(DefinitionPointer location, EquatableArray<string> suggestions, params object?[] args) =>
            Create(location, args) with { Suggestions = suggestions };
    }
}
