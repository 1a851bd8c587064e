using System;
using System.Collections.Generic;
using System.Linq;

namespace Workflows.Definitions
{
    /// <summary>
    /// The keys and methods the runtime loads but does not run yet, and why (WF4005): one table for the YAML loader (which
    /// reports a key where it is written) and the C# analyzers (which report the DSL call that set it, from the model).
    /// A key leaves the table when the runtime runs it.
    /// </summary>
    public static class NotRunYet
    {
        /// <summary>Job keys that are loaded but not run yet, and why.</summary>
        public static readonly Dictionary<string, string> JobKeys = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["cron_trigger"] = "the runtime has no scheduler yet, so the job is not started on this schedule",
            ["skip_if"] = "the runtime does not evaluate skip_if yet, so the job is never skipped",
            ["resources"] = "the runtime holds no resource quotas yet",
            ["triggers"] = "the runtime has no event triggers yet, so the job is not started by these events",
        };

        /// <summary>Task keys that are loaded but not run yet, and why.</summary>
        public static readonly Dictionary<string, string> TaskKeys = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["fan_out"] = "the runtime has no fan-out yet, so the task runs once",
            ["services"] = "the runtime starts no service containers yet",
            ["cache"] = "the runtime keeps no cache between runs yet",
            ["resources"] = "the runtime holds no resource quotas yet",
            ["except"] = "the runtime does not evaluate except yet, so the task is never skipped",
            ["messaging_request_queue"] = "the runtime has no MESSAGING executor yet",
            ["messaging_reply_queue"] = "the runtime has no MESSAGING executor yet",
            ["node_selector"] = "it is for KUBERNETES, which the runtime does not run yet",
            ["node_tolerations"] = "it is for KUBERNETES, which the runtime does not run yet",
            ["affinity"] = "it is for KUBERNETES, which the runtime does not run yet",
            ["pod_labels"] = "it is for KUBERNETES, which the runtime does not run yet",
            ["pod_annotations"] = "it is for KUBERNETES, which the runtime does not run yet",
            ["helper"] = "the runtime starts no helper container yet",
            ["helper_environment"] = "the runtime starts no helper container yet",
        };

        /// <summary>Methods that are loaded but not run yet, and why.</summary>
        public static readonly Dictionary<TaskMethod, string> Methods = new Dictionary<TaskMethod, string>
        {
            [TaskMethod.Kubernetes] = "the runtime has no KUBERNETES executor yet",
            [TaskMethod.Messaging] = "the runtime has no MESSAGING executor yet",
            [TaskMethod.Websocket] = "the runtime has no WEBSOCKET executor yet",
        };

        // How each key shows in the model (an empty value is not set, as the loader does not report one).
        private static readonly Dictionary<string, Func<JobDefinition, bool>> JobSet = new Dictionary<string, Func<JobDefinition, bool>>(StringComparer.Ordinal)
        {
            ["cron_trigger"] = j => !string.IsNullOrWhiteSpace(j.CronTrigger),
            ["skip_if"] = j => !string.IsNullOrWhiteSpace(j.SkipIf),
            ["resources"] = j => j.Resources is not null,
            ["triggers"] = j => !j.Triggers.IsEmpty,
        };

        private static readonly Dictionary<string, Func<TaskDefinition, bool>> TaskSet = new Dictionary<string, Func<TaskDefinition, bool>>(StringComparer.Ordinal)
        {
            ["fan_out"] = t => t.FanOut is not null,
            ["services"] = t => !t.Services.IsEmpty,
            ["cache"] = t => t.Cache is not null,
            ["resources"] = t => t.Resources is not null,
            ["except"] = t => !string.IsNullOrWhiteSpace(t.Except),
            ["messaging_request_queue"] = t => !string.IsNullOrWhiteSpace(t.MessagingRequestQueue),
            ["messaging_reply_queue"] = t => !string.IsNullOrWhiteSpace(t.MessagingReplyQueue),
            ["node_selector"] = t => !t.NodeSelector.IsEmpty,
            ["node_tolerations"] = t => t.ExecutorOptions.Any(o => o.Name == "node_tolerations"),
            ["affinity"] = t => t.ExecutorOptions.Any(o => o.Name == "affinity"),
            ["pod_labels"] = t => !t.PodLabels.IsEmpty,
            ["pod_annotations"] = t => !t.PodAnnotations.IsEmpty,
            ["helper"] = t => t.ExecutorOptions.Any(o => o.Name == "helper"),
            ["helper_environment"] = t => !t.HelperEnvironment.IsEmpty,
        };

        /// <summary>
        /// WF4005 for each key of the table that <paramref name="job"/> sets and each method of the table its tasks use
        /// (the C# analyzers' side, with the loader's messages).
        /// </summary>
        /// <param name="job">The definition.</param>
        public static IReadOnlyList<Problem> Problems(JobDefinition job)
        {
            if (job is null)
            {
                throw new ArgumentNullException(nameof(job));
            }

            var problems = new List<Problem>();
            foreach (var entry in JobSet)
            {
                if (JobKeys.TryGetValue(entry.Key, out var reason) && entry.Value(job))
                {
                    problems.Add(WorkflowDiagnostics.NotRunYet.Create(DefinitionPointer.Job(entry.Key), $"Job '{job.JobType}'", entry.Key, reason));
                }
            }

            for (var i = 0; i < job.Tasks.Count; i++)
            {
                var task = job.Tasks[i];
                var subject = $"Task '{task.TaskType}'";
                if (task.Method is { } method && Methods.TryGetValue(method, out var methodReason))
                {
                    problems.Add(WorkflowDiagnostics.NotRunYet.Create(new DefinitionPointer(task.TaskType, "method", null, i), subject, $"method: {method.ToYaml()}", methodReason));
                }

                foreach (var entry in TaskSet)
                {
                    if (TaskKeys.TryGetValue(entry.Key, out var reason) && entry.Value(task))
                    {
                        problems.Add(WorkflowDiagnostics.NotRunYet.Create(new DefinitionPointer(task.TaskType, entry.Key, null, i), subject, entry.Key, reason));
                    }
                }
            }

            return problems;
        }
    }
}
