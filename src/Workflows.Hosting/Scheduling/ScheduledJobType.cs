using Workflows.Definitions;
using Workflows.Runtime.Scheduling;

namespace Workflows.Hosting.Scheduling;

/// <summary>A job type that has a schedule: the definition new jobs run (and its stored version) and its cron schedule.</summary>
/// <param name="Definition">The definition (a compiled workflow's, or the latest stored version's).</param>
/// <param name="Version">The stored version; null for a compiled workflow.</param>
/// <param name="Schedule">Its schedule.</param>
internal sealed record ScheduledJobType(JobDefinition Definition, int? Version, CronSchedule Schedule)
{
    public string JobType => Definition.JobType;
}
