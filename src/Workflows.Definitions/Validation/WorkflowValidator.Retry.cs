using System;
using System.Collections.Generic;
using System.Globalization;

namespace Workflows.Definitions
{
    public static partial class WorkflowValidator
    {
        private static void CheckRetryAndDurations(JobDefinition job, List<Problem> problems)
        {
            var jobSubject = Subject(job);
            Count(jobSubject, DefinitionPointer.Job("retry"), "retry", job.Retry, problems);
            Count(jobSubject, DefinitionPointer.Job("hard_reset_after_retries"), "hard_reset_after_retries", job.HardResetAfterRetries, problems);
            Count(jobSubject, DefinitionPointer.Job("max_manual_retries"), "max_manual_retries", job.MaxManualRetries, problems);
            Count(jobSubject, DefinitionPointer.Job("retention_days_for_completed"), "retention_days_for_completed", job.RetentionDaysForCompleted, problems);
            Count(jobSubject, DefinitionPointer.Job("retention_days_for_failed"), "retention_days_for_failed", job.RetentionDaysForFailed, problems);
            Count(jobSubject, DefinitionPointer.Job("retention_days_for_cancelled"), "retention_days_for_cancelled", job.RetentionDaysForCancelled, problems);
            if (job.MaxConcurrency is { } concurrency && concurrency < 1)
            {
                problems.Add(WorkflowDiagnostics.InvalidMaxConcurrency.Create(DefinitionPointer.Job("max_concurrency"), job.JobType, concurrency));
            }

            Timeout(jobSubject, DefinitionPointer.Job("timeout"), job.Timeout, problems);
            Delay(jobSubject, DefinitionPointer.Job("delay_between_retries"), "delay_between_retries", job.DelayBetweenRetries, problems);
            Delay(jobSubject, DefinitionPointer.Job("pause_time"), "pause_time", job.PauseTime, problems);
            Backoff(jobSubject, DefinitionPointer.Job(job.Backoff?.Key ?? "retry_backoff_policy"), job.Backoff, problems);

            for (var i = 0; i < job.Tasks.Count; i++)
            {
                var task = job.Tasks[i];
                var subject = Subject(task);
                Count(subject, At(task, i, "retry"), "retry", task.Retry, problems);
                Timeout(subject, At(task, i, "timeout"), task.Timeout, problems);
                Delay(subject, At(task, i, "delay_between_retries"), "delay_between_retries", task.DelayBetweenRetries, problems);
                Backoff(subject, At(task, i, task.Backoff?.Key ?? "retry_backoff_policy"), task.Backoff, problems);
                Delay(subject, At(task, i, "artifacts", "expires_after"), "artifacts.expires_after", task.Artifacts?.ExpiresAfter, problems);
                Delay(subject, At(task, i, "cache", "expires_after"), "cache.expires_after", task.Cache?.ExpiresAfter, problems);
                Count(subject, At(task, i, "fan_out", "max_parallel"), "fan_out.max_parallel", task.FanOut?.MaxParallel, problems);
                Count(subject, At(task, i, "approval_policy", "min_approvals"), "approval_policy.min_approvals", task.ApprovalPolicy?.MinApprovals, problems);
                Delay(subject, At(task, i, "approval_policy", "sla_deadline"), "approval_policy.sla_deadline", task.ApprovalPolicy?.SlaDeadline, problems);
            }
        }

        private static void Count(string subject, DefinitionPointer at, string key, int? value, List<Problem> problems)
        {
            if (value is { } v && v < 0)
            {
                problems.Add(WorkflowDiagnostics.NegativeCount.Create(at, subject, key, v));
            }
        }

        private static void Timeout(string subject, DefinitionPointer at, TimeSpan? value, List<Problem> problems)
        {
            if (value is { } v && v <= TimeSpan.Zero)
            {
                problems.Add(WorkflowDiagnostics.InvalidDuration.Create(at, subject, "timeout", Format(v), v < TimeSpan.Zero ? "negative" : "zero (no attempt could run)"));
            }
        }

        private static void Delay(string subject, DefinitionPointer at, string key, TimeSpan? value, List<Problem> problems)
        {
            if (value is { } v && v < TimeSpan.Zero)
            {
                problems.Add(WorkflowDiagnostics.InvalidDuration.Create(at, subject, key, Format(v), "negative"));
            }
        }

        private static void Backoff(string subject, DefinitionPointer at, BackoffPolicy? policy, List<Problem> problems)
        {
            if (policy is null)
            {
                return;
            }

            if (policy.Shape != BackoffShape.Exponential)
            {
                // Procrastinate's waits: one written duration, nothing else to check.
                if (policy.Min <= TimeSpan.Zero || (policy.Shape == BackoffShape.ExponentialWait && policy.Min < TimeSpan.FromSeconds(1)))
                {
                    problems.Add(WorkflowDiagnostics.InvalidBackoff.Create(at, subject, $"{policy.Key} is {Format(policy.Min)}", policy.Shape == BackoffShape.LinearWait
                        ? "linear_wait waits that long, then twice that, and so on: give a positive duration, e.g. 5s."
                        : "exponential_wait waits its seconds to the power of the retry number (5s: 5 s, 25 s, 125 s): give 1s or more, e.g. 5s; less would shrink each time."));
                }

                return;
            }

            if (policy.Min <= TimeSpan.Zero)
            {
                problems.Add(WorkflowDiagnostics.InvalidBackoff.Create(at, subject, $"min is {Format(policy.Min)}", "A backoff starts from a positive min delay, e.g. 1s; without one it would never wait."));
            }

            if (policy.Max is { } max && max < policy.Min)
            {
                problems.Add(WorkflowDiagnostics.InvalidBackoff.Create(at, subject, $"max ({Format(max)}) is below its min ({Format(policy.Min)})", "Make max at least min, or leave max unset for no cap."));
            }

            if (double.IsNaN(policy.Factor) || double.IsInfinity(policy.Factor) || policy.Factor < 1)
            {
                problems.Add(WorkflowDiagnostics.InvalidBackoff.Create(at, subject, $"factor is {policy.Factor.ToString(CultureInfo.InvariantCulture)}", "Use a factor of 1 (fixed delay) or more, e.g. 2 to double each time."));
            }
        }

        /// <summary>Formats a duration the way YAML writes it: <c>6s</c>, <c>1m30s</c>, <c>500ms</c>, <c>-5s</c>.</summary>
        /// <param name="value">The duration.</param>
        public static string Format(TimeSpan value)
        {
            if (value == TimeSpan.Zero)
            {
                return "0s";
            }

            var sign = value < TimeSpan.Zero ? "-" : string.Empty;
            var v = value.Duration();
            var text = string.Empty;
            if ((int)v.TotalHours > 0)
            {
                text += ((int)v.TotalHours).ToString(CultureInfo.InvariantCulture) + "h";
            }

            if (v.Minutes > 0)
            {
                text += v.Minutes.ToString(CultureInfo.InvariantCulture) + "m";
            }

            if (v.Seconds > 0)
            {
                text += v.Seconds.ToString(CultureInfo.InvariantCulture) + "s";
            }

            if (v.Milliseconds > 0)
            {
                text += v.Milliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
            }

            return sign + text;
        }
    }
}
