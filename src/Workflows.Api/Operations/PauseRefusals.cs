using Workflows.Runtime;

namespace Workflows.Api.Operations;

/// <summary>The API's answer to each of the decider's reasons for refusing a pause or resume: a status, a stable code, and the API's words for the fix.</summary>
internal static class PauseRefusals
{
    public static ApiResult<T> ToResult<T>(PauseRefusal refusal, string id) => refusal.Reason switch
    {
        PauseRefusalReason.NotRunning => ApiResult<T>.Fail(409, "job_not_running", refusal.Message),
        PauseRefusalReason.AlreadyPaused => ApiResult<T>.Fail(409, "already_paused", $"{refusal.Message} (POST /api/jobs/requests/{id}/resume; CLI: workflows jobs resume {id})"),
        PauseRefusalReason.NotPaused => ApiResult<T>.Fail(409, "job_not_paused", refusal.Message),
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal.Reason, "A pause refusal the API does not know; add it to PauseRefusals."),
    };
}
