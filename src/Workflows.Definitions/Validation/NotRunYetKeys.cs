using System;
using System.Collections.Generic;
using System.Linq;

namespace Workflows.Definitions
{
    /// <summary>
    /// The formicary keys a definition holds but the runtime does not run yet (WF4005), each with what that means for a
    /// run: the one list the YAML loader reports from (by key, at its line and column) and the C# analyzer reports from
    /// (<see cref="Find"/>, by the model a <c>Define</c> builds, at the DSL call that set it).
    /// </summary>
    public static class NotRunYetKeys
    {
        /// <summary>Job keys that are loaded but not run yet, and why.</summary>
        public static readonly IReadOnlyDictionary<string, string> Job = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["resources"] = "the runtime holds no resource quotas yet",
        };

        /// <summary>Task keys that are loaded but not run yet, and why.</summary>
        public static readonly IReadOnlyDictionary<string, string> Task = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["resources"] = "the runtime holds no resource quotas yet",
            ["messaging_request_queue"] = "the runtime has no MESSAGING executor yet",
            ["messaging_reply_queue"] = "the runtime has no MESSAGING executor yet",
            ["node_selector"] = "it is a Kubernetes pod setting, and the runtime has no Kubernetes cluster: a host set to run KUBERNETES tasks as local Docker containers (Workflows:KubernetesAsDocker) ignores it",
            ["node_tolerations"] = "it is a Kubernetes pod setting, and the runtime has no Kubernetes cluster: a host set to run KUBERNETES tasks as local Docker containers (Workflows:KubernetesAsDocker) ignores it",
            ["affinity"] = "it is a Kubernetes pod setting, and the runtime has no Kubernetes cluster: a host set to run KUBERNETES tasks as local Docker containers (Workflows:KubernetesAsDocker) ignores it",
            ["pod_labels"] = "it is a Kubernetes pod setting, and the runtime has no Kubernetes cluster: a host set to run KUBERNETES tasks as local Docker containers (Workflows:KubernetesAsDocker) ignores it",
            ["pod_annotations"] = "it is a Kubernetes pod setting, and the runtime has no Kubernetes cluster: a host set to run KUBERNETES tasks as local Docker containers (Workflows:KubernetesAsDocker) ignores it",
            ["helper"] = "the runtime starts no helper container yet",
            ["helper_environment"] = "the runtime starts no helper container yet",
        };

        /// <summary>Trigger types that are loaded but not run yet, and why (<c>webhook</c> triggers run: <c>POST /api/triggers/{job_type}/{name}</c>).</summary>
        public static readonly IReadOnlyDictionary<string, string> TriggerTypes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["s3"] = "the runtime has no S3 triggers (they need an S3 service to poll or be notified by), so the job is not started by this bucket's objects; use a webhook trigger",
            ["queue"] = "the runtime has no queue triggers (they need a message broker), so the job is not started by this topic's messages; use a webhook trigger",
        };

        /// <summary>Methods that are loaded but not run yet, and why.</summary>
        public static readonly IReadOnlyDictionary<TaskMethod, string> Methods = new Dictionary<TaskMethod, string>
        {
            [TaskMethod.Kubernetes] = "the runtime has no Kubernetes executor: the task fails with ERR_METHOD_NOT_SUPPORTED, unless its host is set to run KUBERNETES tasks as local Docker containers (Workflows:KubernetesAsDocker)",
            [TaskMethod.Messaging] = "the runtime has no MESSAGING executor yet",
            [TaskMethod.Websocket] = "the runtime has no WEBSOCKET executor yet",
        };

        private static readonly Dictionary<string, Func<JobDefinition, bool>> JobIsSet = new Dictionary<string, Func<JobDefinition, bool>>(StringComparer.Ordinal)
        {
            ["resources"] = j => j.Resources is not null,
        };

        private static readonly Dictionary<string, Func<TaskDefinition, bool>> TaskIsSet = new Dictionary<string, Func<TaskDefinition, bool>>(StringComparer.Ordinal)
        {
            ["resources"] = t => t.Resources is not null,
            ["messaging_request_queue"] = t => !string.IsNullOrEmpty(t.MessagingRequestQueue),
            ["messaging_reply_queue"] = t => !string.IsNullOrEmpty(t.MessagingReplyQueue),
            ["node_selector"] = t => t.NodeSelector.Count > 0,
            ["pod_labels"] = t => t.PodLabels.Count > 0,
            ["pod_annotations"] = t => t.PodAnnotations.Count > 0,
            ["helper_environment"] = t => t.HelperEnvironment.Count > 0,
        };

        /// <summary>
        /// WF4005 for each key of <paramref name="job"/> that is set but not run yet (the C# edge's check: YAML reports
        /// them as it reads the keys). Keys kept verbatim as executor options (<c>affinity</c>, <c>helper</c>, …) count
        /// when present.
        /// </summary>
        /// <param name="job">The definition.</param>
        public static IEnumerable<Problem> Find(JobDefinition job)
        {
            if (job is null)
            {
                throw new ArgumentNullException(nameof(job));
            }

            var jobSubject = $"Job '{job.JobType}'";
            foreach (var entry in Job)
            {
                if (JobIsSet.TryGetValue(entry.Key, out var isSet) && isSet(job))
                {
                    yield return WorkflowDiagnostics.NotRunYet.Create(DefinitionPointer.Job(entry.Key), jobSubject, entry.Key, entry.Value);
                }
            }

            for (var i = 0; i < job.Triggers.Count; i++)
            {
                if (TriggerTypes.TryGetValue(job.Triggers[i].Type, out var reason))
                {
                    var index = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    yield return WorkflowDiagnostics.NotRunYet.Create(DefinitionPointer.Job("triggers", "[" + index + "]"), jobSubject, $"triggers[{index}].type: {job.Triggers[i].Type}", reason);
                }
            }

            for (var i = 0; i < job.Tasks.Count; i++)
            {
                var task = job.Tasks[i];
                var subject = $"Task '{task.TaskType}'";
                if (task.Method is { } method && Methods.TryGetValue(method, out var methodReason))
                {
                    yield return WorkflowDiagnostics.NotRunYet.Create(new DefinitionPointer(task.TaskType, "method", null, i), subject, "method: " + method.ToYaml(), methodReason);
                }

                foreach (var entry in Task)
                {
                    var set = TaskIsSet.TryGetValue(entry.Key, out var isSet) ? isSet(task) : task.ExecutorOptions.Any(o => o.Name == entry.Key);
                    if (set)
                    {
                        yield return WorkflowDiagnostics.NotRunYet.Create(new DefinitionPointer(task.TaskType, entry.Key, null, i), subject, entry.Key, entry.Value);
                    }
                }
            }
        }
    }
}
