using System;
using System.Collections.Generic;
using System.Linq;

namespace Workflows.Definitions
{
    public static partial class WorkflowValidator
    {
        private static void CheckStructure(JobDefinition job, List<Problem> problems)
        {
            if (string.IsNullOrWhiteSpace(job.JobType))
            {
                problems.Add(WorkflowDiagnostics.MissingJobType.Create(DefinitionPointer.Job("job_type")));
            }

            if (job.Tasks.IsEmpty)
            {
                problems.Add(WorkflowDiagnostics.EmptyJob.Create(DefinitionPointer.Job("tasks"), job.JobType));
                return;
            }

            if (job.Tasks.Count > WorkflowDiagnostics.MaxTasks)
            {
                problems.Add(WorkflowDiagnostics.TooManyTasks.Create(DefinitionPointer.Job("tasks"), job.JobType, job.Tasks.Count, WorkflowDiagnostics.MaxTasks));
            }

            var counts = job.Tasks.GroupBy(t => t.TaskType, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < job.Tasks.Count; i++)
            {
                var task = job.Tasks[i];
                if (string.IsNullOrWhiteSpace(task.TaskType))
                {
                    problems.Add(WorkflowDiagnostics.MissingTaskName.Create(At(task, i, "task_type"), i + 1, job.JobType));
                }
                else if (!seen.Add(task.TaskType))
                {
                    problems.Add(WorkflowDiagnostics.DuplicateTask.Create(At(task, i, "task_type"), task.TaskType, counts[task.TaskType], job.JobType));
                }
            }
        }
    }
}
