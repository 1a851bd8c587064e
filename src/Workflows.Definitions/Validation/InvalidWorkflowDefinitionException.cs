using System;
using System.Collections.Generic;
using System.Linq;

namespace Workflows.Definitions
{
    /// <summary>
    /// Thrown when a definition with errors is built or loaded: the message lists every problem (id and message),
    /// so one failure shows everything to fix. No half-valid definition is ever returned.
    /// </summary>
    public sealed class InvalidWorkflowDefinitionException : Exception
    {
        /// <summary>Creates the exception for the job type and its problems.</summary>
        /// <param name="jobType">The job's type (may be empty when that is the problem).</param>
        /// <param name="problems">Every problem found, errors and warnings.</param>
        public InvalidWorkflowDefinitionException(string jobType, IReadOnlyList<Problem> problems)
            : base(Describe(jobType, problems))
        {
            JobType = jobType;
            Problems = problems;
        }

        /// <summary>The job type of the rejected definition.</summary>
        public string JobType { get; }

        /// <summary>Every problem found (errors and warnings).</summary>
        public IReadOnlyList<Problem> Problems { get; }

        private static string Describe(string jobType, IReadOnlyList<Problem> problems)
        {
            var errors = problems.Count(p => p.IsError);
            var name = string.IsNullOrEmpty(jobType) ? "(no job type)" : "'" + jobType + "'";
            var lines = problems.OrderByDescending(p => p.Severity).Select(p => "  " + p);
            return $"Workflow {name} is invalid ({errors} error{(errors == 1 ? "" : "s")}):" + "\n"
                + string.Join("\n", lines);
        }
    }
}
