using System;
using System.Collections.Generic;
using System.Linq;

namespace Workflows.Definitions
{
    /// <summary>
    /// Task outputs: values a task hands to the tasks after it as template variables (formicary's job context). A
    /// task sets one by writing <c>::set-output name=NAME::VALUE</c> on stdout (SHELL, DOCKER, an HTTP response body),
    /// through <c>context.SetOutput</c> in C#, or by its method (EXPIRE_ARTIFACTS sets TotalExpired and TotalSize).
    /// </summary>
    public static class TaskOutputs
    {
        /// <summary>What starts an output line on stdout.</summary>
        public const string Marker = "::set-output name=";

        /// <summary>The most outputs one attempt records (they are stored in the job's events).</summary>
        public const int MaxCount = 64;

        /// <summary>The longest value of one output, in characters.</summary>
        public const int MaxValueLength = 4096;

        /// <summary>True when the stdout line sets an output (<c>::set-output name=NAME::VALUE</c>, NAME a template identifier).</summary>
        /// <param name="line">The line (leading and trailing whitespace ignored).</param>
        /// <param name="name">The output's name.</param>
        /// <param name="value">Its value (may be empty).</param>
        public static bool TryParse(string line, out string name, out string value)
        {
            name = value = string.Empty;
            // Most lines are not outputs: look for the marker before trimming (which copies the line).
            if (line is null || line.IndexOf(Marker, StringComparison.Ordinal) < 0)
            {
                return false;
            }

            var trimmed = line.Trim();
            var separator = trimmed.IndexOf("::", Marker.Length, StringComparison.Ordinal);
            if (!trimmed.StartsWith(Marker, StringComparison.Ordinal) || separator < 0 || !VariableNames.IsValid(trimmed.Substring(Marker.Length, separator - Marker.Length)))
            {
                return false;
            }

            name = trimmed.Substring(Marker.Length, separator - Marker.Length);
            value = trimmed.Substring(separator + 2);
            return true;
        }

        /// <summary>The outputs a method sets by itself.</summary>
        /// <param name="method">The method.</param>
        public static IReadOnlyList<string> OfMethod(TaskMethod? method) =>
            method == TaskMethod.ExpireArtifacts ? new[] { "TotalExpired", "TotalSize" } : Array.Empty<string>();

        /// <summary>
        /// What the runtime sets for a task whatever its script says (formicary's job context, FORMICARY-FORMAT §7.3):
        /// <c>&lt;task&gt;-status</c> once it ends; for FORK_JOB <c>&lt;task&gt;.ForkedJobID</c> and
        /// <c>&lt;task&gt;.ForkedJobType</c>; for a task that waits for forked jobs <c>RequestIDs</c>, <c>TotalRequests</c>
        /// and the parent names of <c>sub_workflow.output_variables</c>; for a <c>fan_out</c> task <c>FanOutItemCount</c>,
        /// <c>FanOutSource</c> and <c>FanOutMode</c> (and per item the names <see cref="IsFanOutItemOutput"/> knows).
        /// </summary>
        /// <param name="task">The task.</param>
        public static IEnumerable<string> OfTask(TaskDefinition task)
        {
            yield return task.TaskType + "-status";
            if (task.FanOut is not null)
            {
                yield return "FanOutItemCount";
                yield return "FanOutSource";
                yield return "FanOutMode";
            }

            if (task.EffectiveMethod == TaskMethod.ForkJob)
            {
                yield return task.TaskType + ".ForkedJobID";
                yield return task.TaskType + ".ForkedJobType";
            }

            if (task.EffectiveMethod == TaskMethod.AwaitForkedJob || (task.EffectiveMethod == TaskMethod.ForkJob && task.SubWorkflow?.WaitForCompletion == true))
            {
                yield return "RequestIDs";
                yield return "TotalRequests";
                foreach (var variable in task.SubWorkflow?.OutputVariables ?? default)
                {
                    yield return variable.Value;
                }
            }
        }

        /// <summary>
        /// True when <paramref name="name"/> is one of the per-item aggregates a <c>fan_out</c> task of the job sets:
        /// <c>&lt;item_var&gt;_&lt;index&gt;_&lt;key&gt;</c> (<c>region_0_status</c>, <c>region_2_exit_code</c>, an item's own
        /// output <c>region_1_url</c>). Their count is known only when the job runs.
        /// </summary>
        /// <param name="job">The definition.</param>
        /// <param name="name">A template variable's name.</param>
        public static bool IsFanOutItemOutput(JobDefinition job, string name)
        {
            if (job is null || name is null)
            {
                return false;
            }

            foreach (var task in job.Tasks)
            {
                if (task.FanOut is not { } fanOut || fanOut.ItemVariable.Length == 0 || !name.StartsWith(fanOut.ItemVariable + "_", StringComparison.Ordinal))
                {
                    continue;
                }

                var at = fanOut.ItemVariable.Length + 1;
                var digits = at;
                while (digits < name.Length && name[digits] >= '0' && name[digits] <= '9')
                {
                    digits++;
                }

                if (digits > at && digits + 1 < name.Length && name[digits] == '_')
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when <paramref name="name"/> is formicary's job context entry for an artifact a task of the job with
        /// <c>artifacts</c> saved: <c>&lt;task&gt;_ArtifactURL_&lt;n&gt;</c> (from 1; how many is known only when it runs).
        /// </summary>
        /// <param name="job">The definition.</param>
        /// <param name="name">A template variable's name.</param>
        public static bool IsArtifactUrlOutput(JobDefinition job, string name)
        {
            if (job is null || name is null)
            {
                return false;
            }

            const string Infix = "_ArtifactURL_";
            foreach (var task in job.Tasks)
            {
                if (task.Artifacts is null || !name.StartsWith(task.TaskType + Infix, StringComparison.Ordinal))
                {
                    continue;
                }

                var number = name.Substring(task.TaskType.Length + Infix.Length);
                if (number.Length > 0 && number[0] != '0' && number.All(c => c >= '0' && c <= '9'))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// The output names a job's tasks are known to set: literal <c>::set-output name=NAME::</c> in their scripts
        /// (<c>echo "::set-output name=Version::1.2"</c>) and their methods' own. The template check knows them as variables.
        /// </summary>
        /// <param name="job">The definition.</param>
        public static IEnumerable<string> DeclaredBy(JobDefinition job)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var task in job.Tasks)
            {
                names.UnionWith(OfMethod(task.EffectiveMethod));
                names.UnionWith(OfTask(task));
                foreach (var line in task.BeforeScript.Concat(task.Script).Concat(task.AfterScript))
                {
                    for (var at = line.IndexOf(Marker, StringComparison.Ordinal); at >= 0; at = line.IndexOf(Marker, at + Marker.Length, StringComparison.Ordinal))
                    {
                        var start = at + Marker.Length;
                        var end = start;
                        while (end < line.Length && VariableNames.IsNameChar(line[end]))
                        {
                            end++;
                        }

                        if (line.IndexOf("::", end, StringComparison.Ordinal) == end && VariableNames.IsValid(line.Substring(start, end - start)))
                        {
                            names.Add(line.Substring(start, end - start));
                        }
                    }
                }
            }

            return names;
        }
    }
}
