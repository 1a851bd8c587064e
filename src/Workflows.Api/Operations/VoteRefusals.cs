using Workflows.Runtime;

namespace Workflows.Api.Operations;

/// <summary>The API's answer to each of the decider's reasons for refusing a vote: a status and a stable code.</summary>
internal static class VoteRefusals
{
    public static ApiResult<T> ToResult<T>(VoteRefusal refusal) => refusal.Reason switch
    {
        VoteRefusalReason.UnknownTask => ApiResult<T>.Fail(404, "unknown_task", refusal.Message),
        VoteRefusalReason.NotAllowed => ApiResult<T>.Fail(403, "forbidden", refusal.Message),
        VoteRefusalReason.CommentRequired => ApiResult<T>.Fail(400, "comment_required", refusal.Message),
        VoteRefusalReason.NotAwaitingApproval => ApiResult<T>.Fail(409, "not_awaiting_approval", refusal.Message),
        VoteRefusalReason.AlreadyVoted => ApiResult<T>.Fail(409, "already_voted", refusal.Message),
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal.Reason, "A vote refusal the API does not know; add it to VoteRefusals."),
    };
}
