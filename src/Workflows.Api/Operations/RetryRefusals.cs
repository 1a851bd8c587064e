using Workflows.Runtime;

namespace Workflows.Api.Operations;

/// <summary>The API's answer to each of the decider's reasons for refusing a retry: a status, a stable code, and the API's words for the fix.</summary>
internal static class RetryRefusals
{
    public static ApiResult<T> ToResult<T>(RetryRefusal refusal) => refusal.Reason switch
    {
        RetryRefusalReason.NotOwner => ApiResult<T>.Fail(403, "forbidden", refusal.Message + " Send \"as_admin\": true with an admin token (CLI: --as-admin)."),
        RetryRefusalReason.BadResources => ApiResult<T>.Fail(400, "bad_resources", refusal.Message),
        RetryRefusalReason.NotRetriable => ApiResult<T>.Fail(409, "not_retriable", refusal.Message),
        RetryRefusalReason.BatchParent => ApiResult<T>.Fail(409, "batch_parent", refusal.Message),
        RetryRefusalReason.MaxRetries => ApiResult<T>.Fail(409, "max_retries", refusal.Message),
        RetryRefusalReason.CannotResume => ApiResult<T>.Fail(409, "cannot_resume", refusal.Message),
        RetryRefusalReason.RetryInFlight => ApiResult<T>.Fail(409, "retry_in_flight", refusal.Message),
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal.Reason, "A retry refusal the API does not know; add it to RetryRefusals."),
    };
}
