using System;
using System.Collections.Generic;

namespace Workflows.Definitions
{
    public static partial class WorkflowValidator
    {
        private static void CheckSchedule(JobDefinition job, List<Problem> problems)
        {
            if (job.CronTrigger is { } cron && CronText.TryParse(cron, out var error) is null)
            {
                problems.Add(WorkflowDiagnostics.MalformedCron.Create(DefinitionPointer.Job("cron_trigger"), job.JobType, cron, error!));
            }

            if (job.CronTimeZone is { } zone && FindTimeZone(zone) is null)
            {
                problems.Add(WorkflowDiagnostics.UnknownTimeZone.Create(DefinitionPointer.Job("cron_time_zone"), job.JobType, zone));
            }
        }

        /// <summary>The time zone of a schedule: UTC for null, else the system's zone of that id (IANA or Windows), or null when unknown.</summary>
        /// <param name="id">The <c>cron_time_zone</c>.</param>
        public static TimeZoneInfo? FindTimeZone(string? id)
        {
            if (id is null || id == "UTC" || id == "Etc/UTC")
            {
                return TimeZoneInfo.Utc;
            }

            try
            {
                return id.Trim().Length == 0 ? null : TimeZoneInfo.FindSystemTimeZoneById(id);
            }
            catch (TimeZoneNotFoundException)
            {
                return null;
            }
            catch (InvalidTimeZoneException)
            {
                return null;
            }
        }
    }
}
