using System;
using System.Linq;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace Workflows.Definitions
{
    /// <summary>Notify channels and webhooks (WF7101).</summary>
    public static partial class WorkflowValidator
    {
        /// <summary>The <c>when</c> words of a notify channel (any case; <c>_</c> and <c>-</c> ignored, so <c>on_failure</c> is onFailure; empty is always).</summary>
        public static readonly string[] NotifyWhenWords = { "always", "onSuccess", "onFailure", "never" };

        /// <summary>The notify channels the runtime sends to.</summary>
        public static readonly string[] NotifyChannels = { "email", "slack" };

        // formicary's own check of notify email recipients (internal/types/user.go, emailRegex).
        private static readonly Regex EmailAddress = new Regex(
            "^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$",
            RegexOptions.CultureInvariant);

        private static void CheckNotifications(JobDefinition job, List<Problem> problems)
        {
            var subject = $"Job '{job.JobType}'";
            foreach (var notify in job.Notify)
            {
                var channel = notify.Channel ?? string.Empty;
                if (!NotifyChannels.Contains(channel.Trim().ToLowerInvariant()))
                {
                    var near = NameSuggester.Suggest(channel, NotifyChannels);
                    problems.Add(WorkflowDiagnostics.InvalidNotification.Create(DefinitionPointer.Job("notify", channel), subject, "notify channel", channel,
                        $"the runtime sends to email and slack only.{(near.IsEmpty ? string.Empty : $" Did you mean '{near[0]}'?")} Write 'email:' (recipients are addresses) or 'slack:' (recipients are channels)."));
                    continue;
                }

                if (!IsNotifyWhen(notify.When))
                {
                    var near = NameSuggester.Suggest(notify.When ?? string.Empty, NotifyWhenWords);
                    problems.Add(WorkflowDiagnostics.InvalidNotification.Create(DefinitionPointer.Job("notify", channel), subject, $"notify.{channel}.when", notify.When ?? string.Empty,
                        $"it is not a rule.{(near.IsEmpty ? string.Empty : $" Did you mean '{near[0]}'?")} Use one of {string.Join(", ", NotifyWhenWords)}."));
                }

                foreach (var recipient in notify.Recipients)
                {
                    var address = (recipient ?? string.Empty).Trim();
                    if (channel.Trim().Equals("email", StringComparison.OrdinalIgnoreCase) && !IsTemplate(address) && !EmailAddress.IsMatch(address))
                    {
                        problems.Add(WorkflowDiagnostics.InvalidNotification.Create(DefinitionPointer.Job("notify", channel), subject, $"notify.{channel}.recipients", address,
                            "it is not an email address. Write one such as ops@example.com."));
                    }
                    else if (address.Length == 0)
                    {
                        problems.Add(WorkflowDiagnostics.InvalidNotification.Create(DefinitionPointer.Job("notify", channel), subject, $"notify.{channel}.recipients", address,
                            "a recipient is empty. Name a slack channel such as builds, or remove the empty line."));
                    }
                }
            }

            if (job.Webhook is { } hook)
            {
                CheckWebhook(hook, subject, DefinitionPointer.Job("webhook", "url"), problems);
            }

            for (var i = 0; i < job.Tasks.Count; i++)
            {
                if (job.Tasks[i].Webhook is { } taskHook)
                {
                    CheckWebhook(taskHook, $"Task '{job.Tasks[i].TaskType}'", At(job.Tasks[i], i, "webhook", "url"), problems);
                }
            }
        }

        private static void CheckWebhook(WebhookSpec hook, string subject, DefinitionPointer at, List<Problem> problems)
        {
            var url = (hook.Url ?? string.Empty).Trim();
            if (IsTemplate(url))
            {
                return;
            }

            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            {
                problems.Add(WorkflowDiagnostics.InvalidNotification.Create(at, subject, "webhook.url", url,
                    "it is not an absolute http:// or https:// URL, so nothing could be posted to it. Write the full URL, e.g. 'https://example.com/hooks/builds'."));
            }
        }

        /// <summary>True when <paramref name="when"/> is a notify rule: a word of <see cref="NotifyWhenWords"/> in any case, with <c>_</c> or <c>-</c>, or empty.</summary>
        /// <param name="when">The rule as written.</param>
        public static bool IsNotifyWhen(string? when)
        {
            var normalized = new string((when ?? string.Empty).Where(c => c != '_' && c != '-' && c != ' ').ToArray());
            return normalized.Length == 0 || NotifyWhenWords.Any(w => string.Equals(w, normalized, StringComparison.OrdinalIgnoreCase));
        }
    }
}
