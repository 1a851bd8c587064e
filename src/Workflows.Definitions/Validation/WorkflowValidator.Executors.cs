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
                if (task.ApprovalPolicy is { } policy)
                {
                    CheckApproval(task, i, m, policy, problems);
                }

                if (task.Container is not null && !m.UsesContainer())
                {
                    problems.Add(WorkflowDiagnostics.MethodBesideContainer.Create(At(task, i, "container"), task.TaskType, name, task.Container.Image));
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

        private static void CheckApproval(TaskDefinition task, int index, TaskMethod method, ApprovalPolicy policy, List<Problem> problems)
        {
            if (method != TaskMethod.Manual)
            {
                return;
            }

            if (policy.MinApprovals == 0)
            {
                problems.Add(WorkflowDiagnostics.InvalidApprovalPolicy.Create(At(task, index, "approval_policy", "min_approvals"), task.TaskType, "min_approvals", "0",
                    "a gate needs at least one approval. Write min_approvals: 1 (or more)."));
            }
            else if (policy.AllowedRoles.IsEmpty && !policy.AllowedUsers.IsEmpty && policy.MinApprovals > policy.AllowedUsers.Count)
            {
                problems.Add(WorkflowDiagnostics.InvalidApprovalPolicy.Create(At(task, index, "approval_policy", "min_approvals"), task.TaskType, "min_approvals",
                    policy.MinApprovals.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    $"only {policy.AllowedUsers.Count} user{(policy.AllowedUsers.Count == 1 ? string.Empty : "s")} may vote ({string.Join(", ", policy.AllowedUsers)}), so the quorum can never be reached. Lower min_approvals to {policy.AllowedUsers.Count}, add users to allowed_users, or allow a role with allowed_roles."));
            }

            if (policy.TimeoutAction is { } action && Array.IndexOf(ApprovalTimeoutActions, action) < 0)
            {
                problems.Add(WorkflowDiagnostics.InvalidApprovalPolicy.Create(At(task, index, "approval_policy", "timeout_action"), task.TaskType, "timeout_action", $"'{action}'",
                    $"it is not a timeout action. Use one of {string.Join(", ", ApprovalTimeoutActions)}{(NameSuggester.Suggest(action, ApprovalTimeoutActions) is { IsEmpty: false } near ? $" (did you mean '{near[0]}'?)" : string.Empty)}."));
            }
        }

        /// <summary>What an approval gate may do when its <c>sla_deadline</c> passes (formicary's; ESCALATE when none is set).</summary>
        public static readonly string[] ApprovalTimeoutActions = { "AUTO_APPROVE", "AUTO_REJECT", "ESCALATE" };

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
