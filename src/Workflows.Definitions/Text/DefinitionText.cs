using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Workflows.Definitions
{
    /// <summary>Renders a definition for people: an indented DAG listing, or a Mermaid flowchart.</summary>
    public static class DefinitionText
    {
        /// <summary>The job and each task with its executor, settings and routes, one route per line.</summary>
        /// <param name="job">The definition.</param>
        public static string Describe(JobDefinition job)
        {
            var text = new StringBuilder();
            text.Append(job.JobType);
            var settings = JobSettings(job).ToList();
            if (settings.Count > 0)
            {
                text.Append("  (").Append(string.Join(", ", settings)).Append(')');
            }

            text.AppendLine();
            foreach (var task in job.Tasks)
            {
                text.Append("  ").Append(task.TaskType).Append("  ").Append(Executor(task));
                var taskSettings = TaskSettings(task).ToList();
                if (taskSettings.Count > 0)
                {
                    text.Append("  (").Append(string.Join(", ", taskSettings)).Append(')');
                }

                text.AppendLine();
                foreach (var line in task.Script)
                {
                    text.Append("      $ ").AppendLine(line);
                }

                foreach (var (label, target) in Routes(task))
                {
                    text.Append("      ").Append(label.PadRight(12)).Append(" → ").AppendLine(target);
                }
            }

            return text.ToString();
        }

        /// <summary>A Mermaid flowchart of the task routes (paste into any Mermaid viewer).</summary>
        /// <param name="job">The definition.</param>
        public static string ToMermaid(JobDefinition job)
        {
            var text = new StringBuilder("flowchart TD").AppendLine();
            var ids = job.Tasks.Select((t, i) => (t.TaskType, Id: "t" + i)).GroupBy(t => t.TaskType).ToDictionary(g => g.Key, g => g.First().Id);
            foreach (var task in job.Tasks)
            {
                text.Append("  ").Append(ids[task.TaskType]).Append("[\"").Append(task.TaskType).Append(" (").Append(Executor(task).Split(' ')[0]).AppendLine(")\"]");
            }

            foreach (var task in job.Tasks)
            {
                foreach (var (label, target) in Routes(task))
                {
                    var to = ids.TryGetValue(target, out var id) ? id : "x_" + target.Replace('-', '_');
                    if (!ids.ContainsKey(target))
                    {
                        text.Append("  ").Append(to).Append("((\"").Append(target).AppendLine("\"))");
                    }

                    text.Append("  ").Append(ids[task.TaskType]).Append(" -->|").Append(label).Append("| ").AppendLine(to);
                }
            }

            return text.ToString();
        }

        private static IEnumerable<string> JobSettings(JobDefinition job)
        {
            if (job.Retry > 0)
            {
                yield return "retry " + job.Retry;
            }

            if (job.DelayBetweenRetries is { } delay)
            {
                yield return "delay " + WorkflowValidator.Format(delay);
            }

            if (job.Timeout is { } timeout)
            {
                yield return "timeout " + WorkflowValidator.Format(timeout);
            }

            if (job.MaxConcurrency is { } max)
            {
                yield return "max_concurrency " + max;
            }
        }

        private static IEnumerable<string> TaskSettings(TaskDefinition task)
        {
            if (task.UnlimitedRetries)
            {
                yield return "retry unlimited";
            }
            else if (task.Retry > 0)
            {
                yield return "retry " + task.Retry;
            }

            if (!task.RetryRules.IsEmpty)
            {
                yield return task.RetryRules.Count == 1 ? "1 retry rule" : task.RetryRules.Count + " retry rules";
            }

            if (task.RetryStrategy is { } strategy)
            {
                yield return "retry strategy " + strategy;
            }

            if (task.Timeout is { } timeout)
            {
                yield return "timeout " + WorkflowValidator.Format(timeout);
            }

            if (task.DelayBetweenRetries is { } delay)
            {
                yield return "delay " + WorkflowValidator.Format(delay);
            }

            if (task.AllowFailure)
            {
                yield return "allow_failure";
            }

            if (task.AlwaysRun)
            {
                yield return "always_run";
            }

            if (task.Artifacts is { } artifacts)
            {
                yield return "artifacts " + string.Join(" ", artifacts.Paths);
            }
        }

        private static string Executor(TaskDefinition task)
        {
            var method = task.EffectiveMethod?.ToYaml() ?? "(no executor)";
            if (task.Container is { } container)
            {
                return method + " " + container.Image;
            }

            return task.Url is { } url ? method + " " + url : method;
        }

        private static IEnumerable<(string Label, string Target)> Routes(TaskDefinition task)
        {
            if (task.OnCompleted is not null)
            {
                yield return ("completed", task.OnCompleted);
            }

            if (task.OnFailed is not null)
            {
                yield return ("failed", task.OnFailed);
            }

            if (task.OnExit is not null)
            {
                yield return ("exit", task.OnExit);
            }

            foreach (var route in task.ExitCodes)
            {
                var label = int.TryParse(route.Code, out _) ? "exit " + route.Code : route.Code;
                yield return (label, route.Action.ToString());
            }
        }
    }
}
