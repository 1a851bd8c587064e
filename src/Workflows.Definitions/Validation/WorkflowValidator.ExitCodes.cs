using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Workflows.Definitions
{
    public static partial class WorkflowValidator
    {
        /// <summary>Non-numeric keys an exit-code map may use: task states and approval outcomes.</summary>
        public static readonly IReadOnlyList<string> StateKeys = new[]
        {
            "COMPLETED", "FAILED", "CANCELLED", "PAUSED", "SKIPPED", "APPROVED", "REJECTED", "AWAITING_APPROVAL",
        };

        private static void CheckExitCodes(JobDefinition job, List<Problem> problems)
        {
            for (var i = 0; i < job.Tasks.Count; i++)
            {
                var task = job.Tasks[i];
                var method = task.EffectiveMethod;
                var seen = new Dictionary<string, ExitCodeRoute>(StringComparer.Ordinal);
                foreach (var route in task.ExitCodes)
                {
                    var at = At(task, i, "on_exit_code", route.Code);
                    var numeric = int.TryParse(route.Code.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code);
                    var key = numeric ? code.ToString(CultureInfo.InvariantCulture) : route.Code.Trim().ToUpperInvariant();

                    if (seen.TryGetValue(key, out var earlier))
                    {
                        problems.Add(WorkflowDiagnostics.DuplicateExitCode.Create(at, task.TaskType, route.Code, earlier.Action, route.Action));
                    }
                    else
                    {
                        seen[key] = route;
                    }

                    if (!numeric && !StateKeys.Contains(key))
                    {
                        problems.Add(WorkflowDiagnostics.InvalidExitCodeKey.Create(at, task.TaskType, route.Code, string.Join(", ", StateKeys)));
                    }

                    if (numeric && method is { } m && !CanExitWith(m, code))
                    {
                        problems.Add(WorkflowDiagnostics.ExitCodeOutOfRange.Create(at, task.TaskType, route.Code, m.ToYaml(), ExitCodeDescription(m)));
                    }

                    CheckAction(job, task, i, route, at, numeric && code == 0, problems);
                }
            }
        }

        private static void CheckAction(JobDefinition job, TaskDefinition task, int index, ExitCodeRoute route, DefinitionPointer at, bool isZero, List<Problem> problems)
        {
            var action = route.Action;
            if (action.Kind == ExitActionKind.ErrorCode && !ExitAction.IsWellFormedErrorCode(action.Value ?? string.Empty))
            {
                problems.Add(WorkflowDiagnostics.MalformedErrorCode.CreateWithSuggestions(at, EquatableArray.Create(WellFormed(action.Value ?? string.Empty)), task.TaskType, route.Code, action.Value, WellFormed(action.Value ?? string.Empty)));
            }

            if (isZero && action.IsFailure)
            {
                problems.Add(WorkflowDiagnostics.SuccessMappedToFailure.Create(at, task.TaskType, action));
            }

            switch (action.Kind)
            {
                case ExitActionKind.Executing when task.Timeout is null:
                    problems.Add(WorkflowDiagnostics.ExecutingWithoutTimeout.Create(At(task, index, "timeout", route.Code), task.TaskType, route.Code));
                    break;
                case ExitActionKind.RestartTask when task.Retry == 0:
                    problems.Add(WorkflowDiagnostics.RestartTaskWithoutRetry.Create(At(task, index, "retry", route.Code), task.TaskType, route.Code));
                    break;
                case ExitActionKind.RestartJob when job.Retry == 0:
                    problems.Add(WorkflowDiagnostics.RestartJobWithoutRetry.Create(At(task, index, "on_exit_code", route.Code), task.TaskType, route.Code, job.JobType));
                    break;
            }
        }

        /// <summary>
        /// True when a task of <paramref name="method"/> can exit with <paramref name="code"/>: 0–255 for processes and
        /// containers; for HTTP, 0 (any 2xx) or a non-2xx status (100–199, 300–599). Methods without numeric codes accept any.
        /// </summary>
        /// <param name="method">The task's executor.</param>
        /// <param name="code">The exit code.</param>
        public static bool CanExitWith(TaskMethod method, int code)
        {
            if (method.IsHttp())
            {
                return code == 0 || (code >= 100 && code <= 599 && (code < 200 || code > 299));
            }

            return !method.HasProcessExitCodes() || (code >= 0 && code <= 255);
        }

        private static string ExitCodeDescription(TaskMethod method) => method.IsHttp()
            ? "0 for any 2xx response, or the status of any other response (100–199, 300–599)"
            : "a process exit status (0–255)";

        private static string WellFormed(string code)
        {
            var body = code.Length >= 4 ? code.Substring(4) : string.Empty;
            var builder = new StringBuilder("ERR_");
            foreach (var c in body.ToUpperInvariant())
            {
                builder.Append((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_');
            }

            var fixedCode = builder.ToString().TrimEnd('_');
            return fixedCode.Length > 4 ? fixedCode : "ERR_CUSTOM";
        }
    }
}
