using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Workflows.Definitions;

namespace Workflows.Analyzers
{
    /// <summary>
    /// What the parser read from one workflow's <c>Define</c>: the model (replayed through <see cref="DslCall"/>),
    /// where each part of it was written, and what could not be known at compile time.
    /// Holds Roslyn locations, so it is for the analyzer; the generator keeps only the equatable model.
    /// </summary>
    internal sealed class ParsedWorkflow
    {
        public ParsedWorkflow(string jobType, Location fallback)
        {
            Definition = new JobDefinition { JobType = jobType };
            Fallback = fallback;
        }

        public JobDefinition Definition { get; set; }

        /// <summary>Where problems with no better place go: the [Workflow] attribute's argument or the class name.</summary>
        public Location Fallback { get; }

        /// <summary>Problems the DSL calls themselves raise (a second executor, WF5002), with their locations.</summary>
        public List<(Problem Problem, Location Location)> CallProblems { get; } = new List<(Problem, Location)>();

        /// <summary>Arguments whose value is unknown at compile time (WF6003).</summary>
        public List<(Location Location, string Parameter, string Method)> NonConstant { get; } = new List<(Location, string, string)>();

        /// <summary>Rule categories whose problems cannot be trusted because an input was not constant.</summary>
        public HashSet<string> UnknownCategories { get; } = new HashSet<string>();

        /// <summary>Set when Define holds more than the chain (WF6004): nothing was parsed reliably.</summary>
        public (string Reason, Location Location)? DoesMore { get; set; }

        /// <summary>True when the whole chain was read with constant arguments: the definition is exact.</summary>
        public bool IsExact => DoesMore is null && NonConstant.Count == 0;

        private readonly Dictionary<string, Location> _locations = new Dictionary<string, Location>();

        public void Remember(int taskIndex, string key, string? item, Location location)
        {
            var id = Id(taskIndex, key, item);
            if (!_locations.ContainsKey(id) || item is not null)
            {
                _locations[id] = location;
            }
        }

        /// <summary>The best C# location for a validator problem's pointer.</summary>
        public Location Locate(Problem problem)
        {
            var at = problem.Location;
            var task = at.TaskIndex;
            var onTarget = at.Key == "on_exit_code" && (problem.Id == WorkflowDiagnostics.UnknownTaskId || problem.Id == WorkflowDiagnostics.UnknownActionId
                || problem.Id == WorkflowDiagnostics.MalformedErrorCodeId || problem.Id == WorkflowDiagnostics.CycleId);
            string[] candidates =
            {
                onTarget ? Id(task, "on_exit_code>target", at.Item) : string.Empty,
                Id(task, at.Key, at.Item),
                at.Item is { } part && part.StartsWith("[", System.StringComparison.Ordinal) && part.IndexOf('.') > 0 ? Id(task, at.Key, part.Substring(0, part.IndexOf('.'))) : string.Empty,
                at.Item is null ? string.Empty : Id(task, "on_exit_code", at.Item),
                Id(task, at.Key, null),
                Id(task, "task_type", null),
            };
            foreach (var candidate in candidates)
            {
                if (candidate.Length > 0 && _locations.TryGetValue(candidate, out var location))
                {
                    return location;
                }
            }

            return Fallback;
        }

        private static string Id(int taskIndex, string key, string? item) => taskIndex + "\u0001" + key + "\u0001" + (item ?? "\u0002");
    }
}
