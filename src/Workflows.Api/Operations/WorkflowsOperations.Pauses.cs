using Workflows.Api.Contracts;
using Workflows.Api.Security;
using Workflows.Runtime;

namespace Workflows.Api.Operations;

public sealed partial class WorkflowsOperations
{
    /// <summary>
    /// Pauses a running job (docs/runtime.md, PAUSE_JOB and operator pauses): 200 when it paused at once, 202 when its
    /// running task finishes first (<c>pause_requested_by</c> is set until then). It waits for a resume. 409 with the
    /// decider's reason when it cannot be paused.
    /// </summary>
    /// <param name="caller">Who asks: the submitter or an admin.</param>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<ApiResult<JobDto>> PauseJobAsync(ApiCaller caller, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return PauseOrResumeAsync(caller, id, "pause", new PauseRunningJob(caller.Name), JobDecider.CanPause, cancellationToken);
    }

    /// <summary>
    /// Resumes a paused job where it stopped (a PAUSE_JOB pause before its pause time too), or withdraws a pause asked
    /// for while its task runs: 200. 409 when it is not paused.
    /// </summary>
    /// <param name="caller">Who asks: the submitter or an admin.</param>
    /// <param name="id">The job's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<ApiResult<JobDto>> ResumeJobAsync(ApiCaller caller, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return PauseOrResumeAsync(caller, id, "resume", new ResumePausedJob(caller.Name), JobDecider.CanResume, cancellationToken);
    }

    private async Task<ApiResult<JobDto>> PauseOrResumeAsync(
        ApiCaller caller, string id, string verb, JobCommand command, Func<JobState, PauseRefusal?> refusalOf, CancellationToken cancellationToken)
    {
        var view = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if ((Missing<JobDto>(id, view) ?? Forbidden<JobDto>(caller, view!, verb)) is { } refused)
        {
            return refused;
        }

        var events = await ExecuteAsync(id, command, cancellationToken).ConfigureAwait(false);
        if (events is not { Count: > 0 })
        {
            // The decider took no pause or resume: it says why.
            var state = await jobs.StateAsync(id, cancellationToken).ConfigureAwait(false);
            return refusalOf(state) is { } refusal
                ? PauseRefusals.ToResult<JobDto>(refusal, id)
                : ApiResult<JobDto>.Fail(409, "job_changed", $"Job {id} changed while the {verb} was decided; ask again.");
        }

        var job = await GetJobAsync(id, cancellationToken).ConfigureAwait(false);
        return job.IsSuccess && events.Any(e => e is JobPauseRequested) ? ApiResult<JobDto>.Ok(job.Value!, 202) : job;
    }
}
