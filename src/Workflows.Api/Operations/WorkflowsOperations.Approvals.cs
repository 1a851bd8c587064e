using Workflows.Api.Contracts;
using Workflows.Api.Security;
using Workflows.Definitions;
using Workflows.Marten;
using Workflows.Runtime;

namespace Workflows.Api.Operations;

/// <summary>MANUAL approval gates: vote, one gate's approval, the gates waiting for votes (docs/approvals.md).</summary>
public sealed partial class WorkflowsOperations
{
    private const int MaxComment = 4096;

    /// <summary>
    /// Votes on a MANUAL task that waits for approval, as the caller (its token's name, id and roles): 200 with the
    /// approval after the vote; 400 for a bad decision or a rejection without a comment; 403 when the policy does not
    /// allow the caller; 404 for an unknown job or gate; 409 when the gate does not wait or the caller already voted.
    /// A refused vote writes nothing.
    /// </summary>
    /// <param name="caller">Who votes.</param>
    /// <param name="id">The job's id.</param>
    /// <param name="taskType">The gate.</param>
    /// <param name="body">The vote.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<ApprovalDto>> VoteAsync(ApiCaller caller, string id, string taskType, VoteBody body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(body);
        var view = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (Missing<ApprovalDto>(id, view) is { } missing)
        {
            return missing;
        }

        ApprovalDecision decision;
        switch (body.Decision?.Trim().ToUpperInvariant())
        {
            case "APPROVED" or "APPROVE":
                decision = ApprovalDecision.Approved;
                break;
            case "REJECTED" or "REJECT":
                decision = ApprovalDecision.Rejected;
                break;
            default:
                return ApiResult<ApprovalDto>.Fail(400, "bad_decision",
                    $"decision is {(body.Decision is null ? "missing" : $"'{Truncate(body.Decision)}'")}; send {{\"decision\": \"APPROVED\"}} or {{\"decision\": \"REJECTED\", \"comments\": \"why\"}}.");
        }

        if (body.Comments?.Length > MaxComment)
        {
            return ApiResult<ApprovalDto>.Fail(400, "bad_comments", $"comments has {body.Comments.Length} characters; at most {MaxComment} are accepted. Shorten it.");
        }

        var vote = new VoteOnTask(taskType, caller.Name, caller.TokenId, caller.Roles, decision, body.Comments?.Trim());
        if (JobDecider.CanVote(await jobs.StateAsync(id, cancellationToken).ConfigureAwait(false), vote) is { } refusal)
        {
            return VoteRefusals.ToResult<ApprovalDto>(refusal);
        }

        // The decider decides again on the state the write is based on: a vote that raced another (the same voter's, or
        // the one that decided the gate) is refused then, and nothing is written for it.
        var events = await ExecuteAsync(id, vote, cancellationToken).ConfigureAwait(false);
        if (events is not { Count: > 0 })
        {
            var now = await jobs.StateAsync(id, cancellationToken).ConfigureAwait(false);
            return JobDecider.CanVote(now, vote) is { } late
                ? VoteRefusals.ToResult<ApprovalDto>(late)
                : ApiResult<ApprovalDto>.Fail(409, "not_awaiting_approval", $"Job {id} moved on while the vote was written; nothing was recorded. Read the approval and vote again if it still waits.");
        }

        return await ApprovalAsync(id, taskType, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One MANUAL task's approval: status, policy, votes, deadline. 404 for an unknown job or a task that is not MANUAL.</summary>
    /// <param name="id">The job's id.</param>
    /// <param name="taskType">The gate.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<ApprovalDto>> ApprovalAsync(string id, string taskType, CancellationToken cancellationToken = default)
    {
        var view = await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (Missing<ApprovalDto>(id, view) is { } missing)
        {
            return missing;
        }

        var state = await jobs.StateAsync(id, cancellationToken).ConfigureAwait(false);
        if (state.Definition?.FindTask(taskType) is not { EffectiveMethod: TaskMethod.Manual } task)
        {
            var refusal = JobDecider.CanVote(state, new VoteOnTask(taskType, string.Empty, null, [], ApprovalDecision.Approved, null))!;
            return VoteRefusals.ToResult<ApprovalDto>(refusal);
        }

        return ApiResult<ApprovalDto>.Ok(ToApproval(state, task));
    }

    /// <summary>The gates waiting for votes: one per job that awaits approval, newest job first.</summary>
    /// <param name="offset">Jobs to skip.</param>
    /// <param name="limit">At most this many.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<PendingApprovalsDto>> PendingApprovalsAsync(int offset, int limit, CancellationToken cancellationToken = default)
    {
        var (page, total) = await jobs.ListAsync(new JobQuery { Status = JobStatus.AwaitingApproval, Offset = offset, Limit = limit }, cancellationToken).ConfigureAwait(false);
        var approvals = new List<ApprovalDto>();
        foreach (var view in page)
        {
            var state = await jobs.StateAsync(view.Id, cancellationToken).ConfigureAwait(false);
            if (state.Tasks.Values.FirstOrDefault(t => t.Status == TaskRunStatus.AwaitingApproval) is { } run && state.Definition?.FindTask(run.TaskType) is { } task)
            {
                approvals.Add(ToApproval(state, task));
            }
        }

        return ApiResult<PendingApprovalsDto>.Ok(new PendingApprovalsDto(approvals, total, offset, limit));
    }

    private static ApprovalDto ToApproval(JobState state, TaskDefinition task)
    {
        var run = state.Task(task.TaskType);
        var policy = task.ApprovalPolicy ?? new ApprovalPolicy();
        var approvals = run.Votes.Count(v => v.Decision == ApprovalDecision.Approved);
        var status = run.Approval is { } outcome ? JobDecider.Word(outcome).ToLowerInvariant() : System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(run.Status.ToString());
        return new ApprovalDto(
            state.JobId, state.Definition!.JobType, task.TaskType, status, approvals, run.Votes.Count - approvals,
            new ApprovalPolicyDto(Math.Max(1, policy.MinApprovals), [.. policy.AllowedUsers], [.. policy.AllowedRoles], policy.RequireUnanimous, policy.SlaDeadline,
                policy.TimeoutAction ?? "ESCALATE", [.. policy.EscalationRecipients]),
            run.Votes.Select(v => new VoteDto(v.Voter, JobDecider.Word(v.Decision), v.Comment, v.At)).ToList())
        {
            Description = task.Description,
            WaitingSince = run.Status == TaskRunStatus.Ready ? null : run.StartedAt,
            Deadline = run.ApprovalDeadline,
            Escalated = run.Escalated,
            DecidedAt = run.Approval is null ? null : run.EndedAt,
        };
    }
}
