using Workflows.Api.Contracts;
using Workflows.Api.Security;
using Workflows.Hosting.Scheduling;
using Workflows.Runtime;

namespace Workflows.Api.Operations;

public sealed partial class WorkflowsOperations
{
    /// <summary>Every cron schedule with its next instants and the instants it did not run.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<ScheduleListDto>> ListSchedulesAsync(CancellationToken cancellationToken = default)
    {
        var list = await schedules.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return ApiResult<ScheduleListDto>.Ok(new ScheduleListDto(list.Select(ToDto).OrderBy(s => s.JobType, StringComparer.Ordinal).ToList()));
    }

    /// <summary>One job type's schedule; 404 when it has none.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<ScheduleDto>> GetScheduleAsync(string jobType, CancellationToken cancellationToken = default) =>
        await schedules.GetAsync(jobType, cancellationToken: cancellationToken).ConfigureAwait(false) is { } info
            ? ApiResult<ScheduleDto>.Ok(ToDto(info))
            : NoSchedule<ScheduleDto>(jobType);

    /// <summary>Pauses a schedule (needs the right to define the job type): no instant fires until it is resumed.</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="jobType">The job type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<ScheduleDto>> PauseScheduleAsync(ApiCaller caller, string jobType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (MayNotDefine<ScheduleDto>(caller, jobType, "pause the schedule") is { } refused)
        {
            return refused;
        }

        return await schedules.PauseAsync(jobType, caller.Name, cancellationToken).ConfigureAwait(false) is { } info
            ? ApiResult<ScheduleDto>.Ok(ToDto(info))
            : NoSchedule<ScheduleDto>(jobType);
    }

    /// <summary>Resumes a schedule from now (the instants of the pause are not run).</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="jobType">The job type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<ScheduleDto>> ResumeScheduleAsync(ApiCaller caller, string jobType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (MayNotDefine<ScheduleDto>(caller, jobType, "resume the schedule") is { } refused)
        {
            return refused;
        }

        return await schedules.ResumeAsync(jobType, cancellationToken).ConfigureAwait(false) is { } info
            ? ApiResult<ScheduleDto>.Ok(ToDto(info))
            : NoSchedule<ScheduleDto>(jobType);
    }

    /// <summary>Runs a scheduled job type now, outside its schedule (201 with the new job, owned by the caller); the schedule is unchanged.</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="jobType">The job type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<JobDto>> TriggerScheduleAsync(ApiCaller caller, string jobType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        string? id;
        try
        {
            id = await schedules.TriggerAsync(jobType, new JobRequest { SubmittedBy = caller.Name, SubmitterId = caller.TokenId }, cancellationToken).ConfigureAwait(false);
        }
        catch (MissingParamsException e)
        {
            return ApiResult<JobDto>.Fail(400, "missing_params", e.Message);
        }

        if (id is null)
        {
            return NoSchedule<JobDto>(jobType);
        }

        var view = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return ApiResult<JobDto>.Ok(JobMapping.ToDto(view!), 201);
    }

    /// <summary>
    /// formicary's <c>POST /api/jobs/requests/{id}/trigger</c>: a queued job waiting for its scheduled time is due now.
    /// 409 once it started.
    /// </summary>
    /// <param name="caller">Who asks: the submitter or an admin.</param>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<ApiResult<JobDto>> TriggerJobAsync(ApiCaller caller, string id, CancellationToken cancellationToken = default) =>
        UpdateJobAsync(caller, id, new JobUpdateBody { ScheduledAt = jobs.Clock.GetUtcNow() }, cancellationToken);

    private static ApiResult<T> NoSchedule<T>(string jobType) => ApiResult<T>.Fail(404, "no_schedule",
        $"Job type '{jobType}' has no schedule: no compiled workflow or enabled stored definition of that type has a cron_trigger. GET /api/schedules lists the schedules.");

    private static ScheduleDto ToDto(ScheduleInfo info) => new(
        info.JobType, info.Cron, info.TimeZone, info.Version, info.Paused, info.PausedBy, info.PausedAt, info.LastInstant, info.NextInstants,
        info.Missed.Select(m => new MissedInstantDto(m.Instant, m.Reason)).ToList(), info.MissedTotal);
}
