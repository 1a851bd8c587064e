using System.Collections.Generic;
using System.Linq;
using Workflows.Definitions;

namespace Workflows.Templates
{
    /// <summary>
    /// Every check of a definition: the validator's rules and the template checks. The one entry point the run-time
    /// builder, the source generator, the analyzers and the YAML loader call, so they never disagree.
    /// </summary>
    public static class DefinitionChecks
    {
        /// <summary>Every problem of the definition, validator rules first, then templates.</summary>
        /// <param name="job">The definition.</param>
        public static IReadOnlyList<Problem> Validate(JobDefinition job) =>
            WorkflowValidator.Validate(job).Concat(TemplateChecker.Check(job)).ToList();
    }
}
