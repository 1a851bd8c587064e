using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace Workflows.Definitions
{
    /// <summary>
    /// The one catalogue of rules. Every edge (C# analyzers, YAML import, HTTP upload, host start-up) reports these
    /// ids with these messages. Ranges: WF00xx job structure, WF01xx edges and cycles, WF1xxx exit-code maps,
    /// WF2xxx retry, backoff, timeouts and counts, WF3xxx templates, WF4xxx YAML import, WF5xxx executors, WF70xx schedules, WF71xx notifications and webhooks.
    /// Documented with a bad and a fixed example each in <c>docs/diagnostics.md</c>.
    /// </summary>
    public static partial class WorkflowDiagnostics
    {
        private const string Dag = "Dag";
        private const string ExitCodes = "ExitCodes";
        private const string RetryCategory = "Retry";
        private const string Executors = "Executors";

        private static ProblemDescriptor Rule(string id, string title, string format, ProblemSeverity severity, string category) =>
            new ProblemDescriptor(id, title, format, severity, category);

        /// <summary>Every rule of the catalogue, ordered by id.</summary>
        /// <remarks>Computed on use: the rules live in several partial files whose static initialisers run in file order.</remarks>
        public static IReadOnlyList<ProblemDescriptor> All => typeof(WorkflowDiagnostics)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(ProblemDescriptor))
            .Select(f => (ProblemDescriptor)f.GetValue(null)!)
            .OrderBy(d => d.Id, System.StringComparer.Ordinal)
            .ToList();
    }
}
