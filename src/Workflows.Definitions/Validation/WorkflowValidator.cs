using System;
using System.Collections.Generic;
using System.Linq;

namespace Workflows.Definitions
{
    /// <summary>
    /// The one validator: a pure function from definitions to problems. The C# analyzers, the YAML importer,
    /// the HTTP upload and the host's start-up all call it, so a mistake gets the same id everywhere.
    /// </summary>
    public static partial class WorkflowValidator
    {
        /// <summary>Every problem of one definition, in a stable order (job level first, then task by task).</summary>
        /// <param name="job">The definition to check.</param>
        public static IReadOnlyList<Problem> Validate(JobDefinition job)
        {
            if (job is null)
            {
                throw new ArgumentNullException(nameof(job));
            }

            var problems = new List<Problem>();
            CheckStructure(job, problems);
            CheckRoutes(job, problems);
            CheckExitCodes(job, problems);
            CheckRetryAndDurations(job, problems);
            CheckRetryRules(job, problems);
            CheckExecutors(job, problems);
            CheckSchedule(job, problems);
            CheckNotifications(job, problems);
            CheckServices(job, problems);
            return problems;
        }

        /// <summary>Every problem of a set of definitions loaded together, including duplicate job types (WF0003).</summary>
        /// <param name="jobs">The definitions, e.g. every workflow of an assembly or every file of a folder.</param>
        public static IReadOnlyList<Problem> Validate(IEnumerable<JobDefinition> jobs)
        {
            var list = jobs.ToList();
            var problems = list.SelectMany(Validate).ToList();
            foreach (var group in list.Where(j => !string.IsNullOrEmpty(j.JobType)).GroupBy(j => j.JobType, StringComparer.Ordinal))
            {
                var count = group.Count();
                if (count > 1)
                {
                    problems.Add(WorkflowDiagnostics.DuplicateJobType.Create(DefinitionPointer.Job("job_type", group.Key), group.Key, count));
                }
            }

            return problems;
        }

        /// <summary>Throws <see cref="InvalidWorkflowDefinitionException"/> listing every problem when any is an error.</summary>
        /// <param name="job">The definition to check.</param>
        /// <returns>The warnings and infos, when there is no error.</returns>
        public static IReadOnlyList<Problem> ThrowIfInvalid(JobDefinition job)
        {
            var problems = Validate(job);
            if (problems.Any(p => p.IsError))
            {
                throw new InvalidWorkflowDefinitionException(job.JobType, problems);
            }

            return problems;
        }

        private static string Subject(JobDefinition job) => $"Job '{job.JobType}'";

        private static string Subject(TaskDefinition task) => $"Task '{task.TaskType}'";

        private static DefinitionPointer At(TaskDefinition task, int index, string key, string? item = null) =>
            new DefinitionPointer(task.TaskType, key, item, index);
    }
}
