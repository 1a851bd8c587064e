using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Workflows.Definitions;
using Workflows.Marten;
using Workflows.Marten.Configs;
using Workflows.Marten.Definitions;
using Workflows.Marten.Schedules;
using Workflows.Runtime;
using Workflows.Runtime.Scheduling;

namespace Workflows.Hosting.Scheduling;

/// <summary>
/// Cron schedules: which job types have one (a compiled workflow's <c>cron_trigger</c>, else the latest enabled stored
/// version's), firing what is due (<see cref="TickAsync"/>), and the operator's actions: list, pause, resume, trigger now.
/// A due instant's job has the id <see cref="CronSchedule.JobId"/>, so of any number of hosts firing it, one creates the
/// job (the job stream's key in the database) and the others' submits change nothing.
/// </summary>
public sealed partial class Schedules(
    JobStore jobs, ScheduleStore store, DefinitionStore definitions, JobConfigs configs, IEnumerable<Workflow> workflows, TimeProvider time, ILogger<Schedules> logger)
{
    /// <summary>The reason recorded for an instant not run because a later one was due by the time a host looked.</summary>
    public const string MissedReason = "missed";

    private readonly Dictionary<string, JobDefinition> _compiled = workflows.ToDictionary(w => w.Definition.JobType, w => w.Definition, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string JobType, int Version), JobDefinition?> _stored = new();

    /// <summary>Every schedule, with its next instants and what it missed.</summary>
    /// <param name="next">How many next instants to list.</param>
    /// <param name="missed">How many missed instants to list.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<IReadOnlyList<ScheduleInfo>> ListAsync(int next = 3, int missed = 10, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var rows = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<ScheduleInfo>();
        foreach (var scheduled in await ScheduledAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(await InfoAsync(scheduled, rows.GetValueOrDefault(scheduled.JobType), now, next, missed, cancellationToken).ConfigureAwait(false));
        }

        return list;
    }

    /// <summary>One job type's schedule, or null when it has none.</summary>
    public async Task<ScheduleInfo?> GetAsync(string jobType, int next = 3, int missed = 10, CancellationToken cancellationToken = default)
    {
        var scheduled = await FindAsync(jobType, cancellationToken).ConfigureAwait(false);
        if (scheduled is null)
        {
            return null;
        }

        var rows = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        return await InfoAsync(scheduled, rows.GetValueOrDefault(jobType), time.GetUtcNow(), next, missed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pauses a schedule: no instant fires until it is resumed. Null when the job type has no schedule.</summary>
    public async Task<ScheduleInfo?> PauseAsync(string jobType, string? by, CancellationToken cancellationToken = default)
    {
        var scheduled = await FindAsync(jobType, cancellationToken).ConfigureAwait(false);
        if (scheduled is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        await TrackAsync(scheduled, now, cancellationToken).ConfigureAwait(false);
        await store.PauseAsync(jobType, by, now, cancellationToken).ConfigureAwait(false);
        return await GetAsync(jobType, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resumes a schedule from now (the paused instants are not run). Null when the job type has no schedule.</summary>
    public async Task<ScheduleInfo?> ResumeAsync(string jobType, CancellationToken cancellationToken = default)
    {
        var scheduled = await FindAsync(jobType, cancellationToken).ConfigureAwait(false);
        if (scheduled is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        await TrackAsync(scheduled, now, cancellationToken).ConfigureAwait(false);
        await store.ResumeAsync(jobType, now, cancellationToken).ConfigureAwait(false);
        return await GetAsync(jobType, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a scheduled job type now, outside its schedule (also while it is paused): a new job whose
    /// <see cref="CronSchedule.InstantParam"/> is now. Its schedule is unchanged. Null when the job type has no schedule.
    /// </summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="request">What is asked besides (who asks); its params and times are set here.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="MissingParamsException">The definition's required params are not all available.</exception>
    public async Task<string?> TriggerAsync(string jobType, JobRequest? request = null, CancellationToken cancellationToken = default)
    {
        var scheduled = await FindAsync(jobType, cancellationToken).ConfigureAwait(false);
        if (scheduled is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var missing = await MissingParamsAsync(scheduled.Definition, cancellationToken).ConfigureAwait(false);
        if (missing.Count > 0)
        {
            throw new MissingParamsException(jobType, missing);
        }

        var id = Guid.CreateVersion7().ToString("N");
        await jobs.ExecuteAsync(id, new RequestJob(id, scheduled.Definition, Request(request ?? new JobRequest(), scheduled, now)), cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>
    /// Fires every schedule's due instant (one per schedule: after a gap the latest, the earlier ones recorded as missed)
    /// and returns when the next instant of any schedule is, or null when none has one.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<DateTimeOffset?> TickAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var rows = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        DateTimeOffset? wake = null;
        foreach (var scheduled in await ScheduledAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = rows.GetValueOrDefault(scheduled.JobType);
            if (row is null || !Same(row, scheduled))
            {
                row = await TrackAsync(scheduled, now, cancellationToken).ConfigureAwait(false);
            }

            if (row.PausedAt is not null)
            {
                continue;
            }

            var due = scheduled.Schedule.Due(row.Since, now);
            if (due.Fire is { } instant)
            {
                await FireAsync(scheduled, instant, now, cancellationToken).ConfigureAwait(false);
                await store.RecordMissesAsync(scheduled.JobType, due.Missed, MissedReason, now, cancellationToken).ConfigureAwait(false);
                await store.AdvanceAsync(scheduled.JobType, instant, cancellationToken).ConfigureAwait(false);
                if (due.MissedCount > 0)
                {
                    LogMissed(logger, scheduled.JobType, due.MissedCount, instant);
                }
            }

            if (scheduled.Schedule.Next(now) is { } next && (wake is null || next < wake))
            {
                wake = next;
            }
        }

        return wake;
    }

    private async Task FireAsync(ScheduledJobType scheduled, DateTimeOffset instant, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var missing = await MissingParamsAsync(scheduled.Definition, cancellationToken).ConfigureAwait(false);
        if (missing.Count > 0)
        {
            // Not runnable as it stands (formicary fails such a request with ERR_VALIDATION): the instant is recorded with why.
            await store.RecordMissesAsync(scheduled.JobType, [instant], $"required params missing: {string.Join(", ", missing)}", now, cancellationToken).ConfigureAwait(false);
            LogMissingParams(logger, scheduled.JobType, instant, string.Join(", ", missing));
            return;
        }

        var id = CronSchedule.JobId(scheduled.JobType, instant);
        var events = await jobs.ExecuteAsync(id, new RequestJob(id, scheduled.Definition, Request(new JobRequest(), scheduled, instant)), cancellationToken).ConfigureAwait(false);
        if (events.Count > 0)
        {
            LogFired(logger, scheduled.JobType, instant, id);
        }
    }

    private static JobRequest Request(JobRequest asked, ScheduledJobType scheduled, DateTimeOffset instant) => asked.AsRequest() with
    {
        Params = new Dictionary<string, string>(asked.Params, StringComparer.Ordinal) { [CronSchedule.InstantParam] = CronSchedule.Format(instant) },
        ScheduledAt = instant,
        DefinitionVersion = scheduled.Version,
        RetryOf = null,
        RetryRoot = null,
    };

    private async Task<List<string>> MissingParamsAsync(JobDefinition definition, CancellationToken cancellationToken)
    {
        var missing = definition.RequiredParams.Where(p => p != CronSchedule.InstantParam).ToList();
        if (missing.Count > 0)
        {
            var available = (await configs.ForAttemptAsync(definition.JobType, cancellationToken).ConfigureAwait(false)).Values;
            missing.RemoveAll(available.ContainsKey);
        }

        return missing;
    }

    private static bool Same(ScheduleRow row, ScheduledJobType scheduled) =>
        row.Cron == scheduled.Schedule.Cron && row.TimeZone == scheduled.Schedule.TimeZoneId && row.Version == scheduled.Version;

    private Task<ScheduleRow> TrackAsync(ScheduledJobType scheduled, DateTimeOffset now, CancellationToken cancellationToken) =>
        store.TrackAsync(scheduled.JobType, scheduled.Schedule.Cron, scheduled.Schedule.TimeZoneId, scheduled.Version, now, cancellationToken);

    private async Task<ScheduleInfo> InfoAsync(ScheduledJobType scheduled, ScheduleRow? row, DateTimeOffset now, int next, int missed, CancellationToken cancellationToken)
    {
        var current = row is not null && Same(row, scheduled) ? row : null;
        var (latest, total) = await store.MissesAsync(scheduled.JobType, missed, cancellationToken).ConfigureAwait(false);
        var paused = current?.PausedAt is not null;
        return new ScheduleInfo(
            scheduled.JobType, scheduled.Schedule.Cron, scheduled.Schedule.TimeZoneId, scheduled.Version, paused, current?.PausedBy, current?.PausedAt, current?.Since,
            paused ? [] : scheduled.Schedule.Upcoming(now, next), latest, total);
    }

    private async Task<ScheduledJobType?> FindAsync(string jobType, CancellationToken cancellationToken) =>
        (await ScheduledAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(s => s.JobType == jobType);

    /// <summary>Every job type with a schedule: compiled workflows first, then the latest version of each enabled stored type.</summary>
    private async Task<IReadOnlyList<ScheduledJobType>> ScheduledAsync(CancellationToken cancellationToken)
    {
        var list = new List<ScheduledJobType>();
        foreach (var definition in _compiled.Values)
        {
            Add(list, definition, null);
        }

        foreach (var type in await definitions.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (type.Disabled || _compiled.ContainsKey(type.Id))
            {
                continue;
            }

            if (!_stored.TryGetValue((type.Id, type.LatestVersion), out var definition))
            {
                // Versions are immutable: each is read once.
                definition = (await definitions.GetAsync(type.Id, type.LatestVersion, cancellationToken).ConfigureAwait(false))?.Definition;
                _stored[(type.Id, type.LatestVersion)] = definition;
            }

            if (definition is not null)
            {
                Add(list, definition, type.LatestVersion);
            }
        }

        return list;
    }

    private void Add(List<ScheduledJobType> list, JobDefinition definition, int? version)
    {
        if (string.IsNullOrWhiteSpace(definition.CronTrigger))
        {
            return;
        }

        try
        {
            list.Add(new ScheduledJobType(definition, version, CronSchedule.Of(definition)!));
        }
        catch (ArgumentException e)
        {
            LogInvalid(logger, definition.JobType, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule of {JobType} fired {Instant:o} as job {JobId}.")]
    private static partial void LogFired(ILogger logger, string jobType, DateTimeOffset instant, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule of {JobType} missed {Count} instants before {Instant:o} (no host ran them in time); it ran {Instant:o} once and recorded the others.")]
    private static partial void LogMissed(ILogger logger, string jobType, int count, DateTimeOffset instant);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule of {JobType} did not run {Instant:o}: required params missing ({Missing}). Give them as job configs or host secrets.")]
    private static partial void LogMissingParams(ILogger logger, string jobType, DateTimeOffset instant, string missing);

    [LoggerMessage(Level = LogLevel.Error, Message = "Schedule of {JobType} is not run: {Reason}")]
    private static partial void LogInvalid(ILogger logger, string jobType, string reason);
}
