using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Scriban;

namespace Workflows.Templates
{
    /// <summary>The functions that read or submit jobs through <see cref="TemplateScope.Jobs"/> (formicary's <c>template_helper.go</c>).</summary>
    internal static partial class TemplateFunctions
    {
        private static ITemplateJobs? Jobs(TemplateContext context) => ((TemplateRenderer.RenderContext)context).Scope.Jobs;

        /// <summary>
        /// <c>CountByJobTypeAndState type states…</c>: how many jobs of the type are in one of the states; each argument
        /// may list several, comma-separated (<c>"PENDING,EXECUTING"</c>). 0 without a job store.
        /// </summary>
        private static long CountByJobTypeAndState(TemplateContext context, string? jobType, object?[] stateArgs)
        {
            var jobs = Jobs(context);
            if (jobs is null)
            {
                return 0;
            }

            var states = stateArgs
                .SelectMany(a => Text(a).Split(','))
                .Select(s => s.Trim().ToUpperInvariant())
                .Where(s => s.Length > 0)
                .ToList();
            return jobs.CountByJobTypeAndState(jobType ?? string.Empty, states);
        }

        /// <summary>
        /// <c>SubmitJob type desc "K=V"…</c>: submits a job and returns its id; <c>_user_key</c> and <c>_parent_id</c> are
        /// reserved params (see <see cref="ITemplateJobs.SubmitJob"/>). An argument without <c>=</c> (or starting with it)
        /// is ignored, as in formicary. The empty string without a job store.
        /// </summary>
        private static string SubmitJob(TemplateContext context, string? jobType, string? description, object?[] pairs)
        {
            var jobs = Jobs(context);
            return jobs is null ? string.Empty : jobs.SubmitJob(jobType ?? string.Empty, description ?? string.Empty, KeyValues(pairs));
        }

        /// <summary>
        /// <c>SubmitJobsFromJSON type json "K=V"…</c>: one job per element of a JSON array of objects, each member a param
        /// (<c>_description</c> the description, default <c>"&lt;type&gt; item &lt;n&gt;"</c>; the extra pairs win over
        /// members). Returns the ids, one per line, or <c>ERROR:…</c> at the first job that cannot be submitted (those
        /// before it stay submitted), so a script can tell. The empty string for empty JSON or without a job store.
        /// </summary>
        private static string SubmitJobsFromJson(TemplateContext context, string? jobType, object? itemsJson, object?[] extraPairs)
        {
            var jobs = Jobs(context);
            var json = Text(itemsJson);
            if (jobs is null || json.Length == 0)
            {
                return string.Empty;
            }

            jobType ??= string.Empty;
            List<(string? Description, Dictionary<string, string> Params)> items;
            try
            {
                items = Items(json);
            }
            catch (JsonException e)
            {
                return $"ERROR:SubmitJobsFromJSON needs a JSON array of objects for {jobType}, e.g. [{{\"IssueID\":\"42\",\"_user_key\":\"issue-42\"}}]: {e.Message}";
            }

            var extra = KeyValues(extraPairs);
            var ids = new List<string>(items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                var (description, parameters) = items[i];
                foreach (var pair in extra)
                {
                    parameters[pair.Key] = pair.Value;
                }

                try
                {
                    ids.Add(jobs.SubmitJob(jobType, string.IsNullOrEmpty(description) ? $"{jobType} item {(i + 1).ToString(CultureInfo.InvariantCulture)}" : description!, parameters));
                }
                catch (TemplateRenderException e)
                {
                    return $"ERROR:SubmitJob failed for {jobType} item {i.ToString(CultureInfo.InvariantCulture)}: {e.Problem ?? e.Message}";
                }
            }

            return string.Join("\n", ids);
        }

        /// <summary>The elements of a JSON array of objects as (description, params); a member that is not a string is its JSON text (a number as Go prints it).</summary>
        private static List<(string? Description, Dictionary<string, string> Params)> Items(string json)
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new JsonException($"it is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an array");
            }

            var items = new List<(string?, Dictionary<string, string>)>();
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.Object)
                {
                    throw new JsonException($"element {items.Count.ToString(CultureInfo.InvariantCulture)} is a JSON {element.ValueKind.ToString().ToLowerInvariant()}, not an object");
                }

                string? description = null;
                var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var member in element.EnumerateObject())
                {
                    var value = member.Value.ValueKind switch
                    {
                        JsonValueKind.String => member.Value.GetString() ?? string.Empty,
                        JsonValueKind.Number => member.Value.TryGetInt64(out var integer) ? integer.ToString(CultureInfo.InvariantCulture) : GoFloat(member.Value.GetDouble()),
                        JsonValueKind.Null => string.Empty,
                        _ => member.Value.GetRawText(),
                    };
                    if (member.Name == "_description")
                    {
                        description = value;
                    }
                    else
                    {
                        parameters[member.Name] = value;
                    }
                }

                items.Add((description, parameters));
            }

            return items;
        }

        /// <summary>formicary's <c>parseKeyValueParams</c>: <c>"K=V"</c> pairs, split at the first <c>=</c>; others ignored.</summary>
        private static Dictionary<string, string> KeyValues(object?[] pairs)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in pairs.Select(Text))
            {
                var at = pair.IndexOf('=');
                if (at > 0)
                {
                    values[pair.Substring(0, at)] = pair.Substring(at + 1);
                }
            }

            return values;
        }
    }
}
