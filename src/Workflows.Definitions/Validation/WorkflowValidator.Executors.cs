using System;
using System.Collections.Generic;

namespace Workflows.Definitions
{
    public static partial class WorkflowValidator
    {
        private static void CheckExecutors(JobDefinition job, List<Problem> problems)
        {
            for (var i = 0; i < job.Tasks.Count; i++)
            {
                var task = job.Tasks[i];
                var method = task.EffectiveMethod;
                if (method is not { } m)
                {
                    problems.Add(WorkflowDiagnostics.NoExecutor.Create(At(task, i, "method"), task.TaskType));
                    continue;
                }

                var name = m.ToYaml();
                if (task.Container is not null && !m.UsesContainer())
                {
                    problems.Add(WorkflowDiagnostics.TwoExecutors.Create(At(task, i, "container"), task.TaskType, name, $"a container image '{task.Container.Image}'"));
                }

                if (m.IsHttp())
                {
                    CheckHttp(task, i, name, problems);
                }
                else if (m.UsesContainer() && string.IsNullOrWhiteSpace(task.Container?.Image))
                {
                    problems.Add(WorkflowDiagnostics.MissingExecutorInput.Create(At(task, i, "container"), task.TaskType, name, "container image", "Add .Container(\"alpine\") in C#, or 'container: image: alpine' in YAML."));
                }

                if ((m.UsesContainer() || m == TaskMethod.Shell) && task.Script.IsEmpty)
                {
                    problems.Add(WorkflowDiagnostics.MissingExecutorInput.Create(At(task, i, "script"), task.TaskType, name, "script", "Add the commands: .Script(\"make test\") in C#, or a 'script:' list in YAML."));
                }

                if (m == TaskMethod.ForkJob && string.IsNullOrWhiteSpace(task.ForkJobType) && string.IsNullOrWhiteSpace(task.FanOut?.ForkJobType))
                {
                    problems.Add(WorkflowDiagnostics.MissingExecutorInput.Create(At(task, i, "fork_job_type"), task.TaskType, name, "fork_job_type", "Name the job to start: .ForkJob(\"child-job\") in C#, or 'fork_job_type: child-job' in YAML."));
                }

                if (m == TaskMethod.AwaitForkedJob && task.AwaitForkedTasks.IsEmpty)
                {
                    problems.Add(WorkflowDiagnostics.MissingExecutorInput.Create(At(task, i, "await_forked_tasks"), task.TaskType, name, "await_forked_tasks", "List the FORK_JOB tasks to wait for: .AwaitForkedJobs(\"fork-task\") in C#, or 'await_forked_tasks: [fork-task]' in YAML."));
                }
            }
        }

        private static void CheckHttp(TaskDefinition task, int index, string method, List<Problem> problems)
        {
            if (string.IsNullOrWhiteSpace(task.Url) && task.Script.IsEmpty)
            {
                problems.Add(WorkflowDiagnostics.MissingExecutorInput.Create(At(task, index, "url"), task.TaskType, method, "URL", "Add it: .HttpGet(\"https://example.com/health\") in C#, or 'url:' (or the first 'script:' line) in YAML."));
                return;
            }

            var urls = task.Script.IsEmpty ? new[] { task.Url! } : (IEnumerable<string>)task.Script;
            var key = task.Script.IsEmpty ? "url" : "script";
            foreach (var url in urls)
            {
                if (IsTemplate(url))
                {
                    continue;
                }

                if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                {
                    problems.Add(WorkflowDiagnostics.InvalidUrl.Create(At(task, index, key, url), task.TaskType, method, url));
                }
            }
        }

        /// <summary>True when the text holds template syntax (<c>{{ … }}</c>) rendered at run time.</summary>
        /// <param name="text">The text.</param>
        public static bool IsTemplate(string text) => text.IndexOf("{{", StringComparison.Ordinal) >= 0;
    }
}
