using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Workflows.Definitions;

namespace Workflows.Analyzers
{
    /// <summary>Roslyn descriptors made from the one catalogue (<see cref="WorkflowDiagnostics"/>): same ids, titles and severities.</summary>
    internal static class Descriptors
    {
        /// <summary>The property carrying a problem's replacement suggestions to code fixes, separated by <see cref="SuggestionSeparator"/>.</summary>
        public const string SuggestionsProperty = "Suggestions";

        public const char SuggestionSeparator = '\u001f';

        private static readonly Dictionary<string, DiagnosticDescriptor> ById = WorkflowDiagnostics.All.ToDictionary(d => d.Id, Create);

        public static ImmutableArray<DiagnosticDescriptor> All { get; } = ById.Values.ToImmutableArray();

        public static DiagnosticDescriptor For(string id) => ById[id];

        public static Diagnostic Create(Problem problem, Location location)
        {
            var properties = problem.Suggestions.IsEmpty
                ? ImmutableDictionary<string, string?>.Empty
                : ImmutableDictionary<string, string?>.Empty.Add(SuggestionsProperty, string.Join(SuggestionSeparator.ToString(), problem.Suggestions));
            return Diagnostic.Create(For(problem.Id), location, properties, problem.Message);
        }

        private static DiagnosticDescriptor Create(ProblemDescriptor rule)
        {
            // WF0003 compares every workflow of the compilation, so it is reported at compilation end.
            var tags = rule.Id == WorkflowDiagnostics.DuplicateJobTypeId ? new[] { WellKnownDiagnosticTags.CompilationEnd } : System.Array.Empty<string>();
            return new DiagnosticDescriptor(rule.Id, rule.Title, "{0}", "Workflows." + rule.Category, Severity(rule.DefaultSeverity), true,
                helpLinkUri: rule.HelpLink, customTags: tags);
        }

        private static DiagnosticSeverity Severity(ProblemSeverity severity) => severity switch
        {
            ProblemSeverity.Error => DiagnosticSeverity.Error,
            ProblemSeverity.Warning => DiagnosticSeverity.Warning,
            _ => DiagnosticSeverity.Info,
        };
    }
}
