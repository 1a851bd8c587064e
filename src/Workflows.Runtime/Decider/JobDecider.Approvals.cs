using System.Globalization;
using Workflows.Definitions;

namespace Workflows.Runtime;

public static partial class JobDecider
{
    /// <summary>
    /// Why a vote would be refused, or null when it counts: the job must have the MANUAL task and it must be waiting for
    /// votes; the voter must be allowed by the policy (<c>allowed_users</c> by name, <c>allowed_roles</c> by role; anyone
    /// when it names neither); a voter votes once per gate; a rejection needs a comment.
    /// </summary>
    /// <param name="state">The job.</param>
    /// <param name="vote">The vote.</param>
    public static VoteRefusal? CanVote(JobState state, VoteOnTask vote)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(vote);
        if (state.Definition?.FindTask(vote.TaskType) is not { EffectiveMethod: TaskMethod.Manual } task)
        {
            var gates = state.Definition?.Tasks.Where(t => t.EffectiveMethod == TaskMethod.Manual).Select(t => $"'{t.TaskType}'").ToList() ?? [];
            return new VoteRefusal(VoteRefusalReason.UnknownTask,
                $"Job {state.JobId} has no MANUAL task '{vote.TaskType}'; {(gates.Count == 0 ? "it has no approval gates" : $"its approval gates: {string.Join(", ", gates)}")}.");
        }

        var run = state.Task(task.TaskType);
        if (run.Status != TaskRunStatus.AwaitingApproval || state.IsFinished)
        {
            return new VoteRefusal(VoteRefusalReason.NotAwaitingApproval,
                $"Task '{task.TaskType}' of job {state.JobId} is not waiting for approval: {WhyNotWaiting(state, run)}. Votes count only while the gate waits (GET /api/approvals/pending lists the gates that do).");
        }

        var policy = task.ApprovalPolicy ?? new ApprovalPolicy();
        if (!MayVote(policy, vote))
        {
            return new VoteRefusal(VoteRefusalReason.NotAllowed,
                $"'{vote.Voter}' may not vote on task '{task.TaskType}': its approval_policy allows {Allowed(policy)}, and '{vote.Voter}' has {(vote.Roles.Count == 0 ? "no roles" : $"the roles {string.Join(", ", vote.Roles)}")}. Vote with an allowed token; an admin gives a token a role with `workflows tokens create NAME --scope approve --scope role:ROLE`.");
        }

        if (run.Votes.FirstOrDefault(v => string.Equals(v.Voter, vote.Voter, StringComparison.Ordinal)) is { } earlier)
        {
            return new VoteRefusal(VoteRefusalReason.AlreadyVoted,
                $"'{vote.Voter}' already voted {Word(earlier.Decision)} on task '{task.TaskType}' at {earlier.At.ToString("O", CultureInfo.InvariantCulture)}; a vote counts once and cannot be changed.");
        }

        if (vote.Decision == ApprovalDecision.Rejected && string.IsNullOrWhiteSpace(vote.Comment))
        {
            return new VoteRefusal(VoteRefusalReason.CommentRequired,
                $"A rejection of task '{task.TaskType}' needs a comment saying why: send {{\"decision\": \"REJECTED\", \"comments\": \"why\"}}.");
        }

        return null;
    }

    /// <summary>Formicary's word for a decision: <c>APPROVED</c> or <c>REJECTED</c> (also the exit-code map's keys).</summary>
    /// <param name="decision">The decision.</param>
    public static string Word(ApprovalDecision decision) => decision == ApprovalDecision.Approved ? "APPROVED" : "REJECTED";

    private static bool MayVote(ApprovalPolicy policy, VoteOnTask vote) =>
        (policy.AllowedUsers.IsEmpty && policy.AllowedRoles.IsEmpty)
        || policy.AllowedUsers.Contains(vote.Voter, StringComparer.Ordinal)
        || policy.AllowedRoles.Any(role => vote.Roles.Contains(role, StringComparer.Ordinal));

    private static string Allowed(ApprovalPolicy policy) => string.Join(" and ", new[]
    {
        policy.AllowedUsers.IsEmpty ? null : $"the users {string.Join(", ", policy.AllowedUsers)}",
        policy.AllowedRoles.IsEmpty ? null : $"the roles {string.Join(", ", policy.AllowedRoles)}",
    }.Where(s => s is not null));

    private static string WhyNotWaiting(JobState state, TaskRun run) => run switch
    {
        { Approval: { } outcome } => $"it was {Word(outcome).ToLowerInvariant()} at {run.EndedAt?.ToString("O", CultureInfo.InvariantCulture)}",
        _ when state.IsFinished => $"the job has ended ({Lower(state.Status)})",
        { Status: TaskRunStatus.Ready } => "the job has not reached it yet",
        _ => $"it is {Lower(run.Status)}",
    };

    private static string Lower(TaskRunStatus status) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    /// <summary>The path reached a MANUAL task: it waits for votes (no attempt is scheduled, so no worker is held), with its SLA deadline if any.</summary>
    private static void AwaitApproval(Decision decision, TaskDefinition task, int attempt, ScheduleReason reason)
    {
        var deadline = task.ApprovalPolicy?.SlaDeadline is { } sla && sla > TimeSpan.Zero ? decision.Now + sla : (DateTimeOffset?)null;
        decision.Emit(new TaskAwaitingApproval(decision.JobId, decision.Now, task.TaskType, attempt, deadline) { Reason = reason });
    }

    private static void OnVote(Decision decision, VoteOnTask vote)
    {
        decision.Emit(new TaskVoted(decision.JobId, decision.Now, vote.TaskType, vote.Voter, vote.VoterId, vote.Decision, string.IsNullOrWhiteSpace(vote.Comment) ? null : vote.Comment));
        var task = decision.Definition.FindTask(vote.TaskType)!;
        var policy = task.ApprovalPolicy ?? new ApprovalPolicy();
        var votes = decision.State.Task(task.TaskType).Votes;
        var approvals = votes.Count(v => v.Decision == ApprovalDecision.Approved);
        var rejections = votes.Count - approvals;
        if (IsRejected(policy, approvals, rejections))
        {
            DecideGate(decision, task, ApprovalDecision.Rejected, approvals, rejections, null);
        }
        else if (approvals >= Math.Max(1, policy.MinApprovals))
        {
            DecideGate(decision, task, ApprovalDecision.Approved, approvals, rejections, null);
        }
    }

    /// <summary>
    /// Formicary's rule: with <c>require_unanimous</c>, or when the voters are not bounded by <c>allowed_users</c>, one
    /// rejection rejects; otherwise the gate is rejected once the users who have not voted could no longer make the quorum.
    /// </summary>
    private static bool IsRejected(ApprovalPolicy policy, int approvals, int rejections)
    {
        if (rejections == 0)
        {
            return false;
        }

        if (policy.RequireUnanimous || policy.AllowedUsers.IsEmpty)
        {
            return true;
        }

        var notVoted = Math.Max(0, policy.AllowedUsers.Count - approvals - rejections);
        return approvals + notVoted < Math.Max(1, policy.MinApprovals);
    }

    private static bool DeadlinePassed(JobState state, ApprovalDeadlinePassed passed, DateTimeOffset now) =>
        !state.IsFinished && state.Tasks.TryGetValue(passed.TaskType, out var run)
        && run.Status == TaskRunStatus.AwaitingApproval && run.ApprovalDeadline is { } deadline && deadline <= now;

    /// <summary>The SLA passed: AUTO_APPROVE and AUTO_REJECT decide the gate; ESCALATE (the default) records who is to be told and keeps it open.</summary>
    private static void OnDeadline(Decision decision, string taskType)
    {
        var task = decision.Definition.FindTask(taskType)!;
        var policy = task.ApprovalPolicy ?? new ApprovalPolicy();
        var votes = decision.State.Task(taskType).Votes;
        var approvals = votes.Count(v => v.Decision == ApprovalDecision.Approved);
        switch (policy.TimeoutAction)
        {
            case "AUTO_APPROVE":
                DecideGate(decision, task, ApprovalDecision.Approved, approvals, votes.Count - approvals, policy.TimeoutAction);
                break;
            case "AUTO_REJECT":
                DecideGate(decision, task, ApprovalDecision.Rejected, approvals, votes.Count - approvals, policy.TimeoutAction);
                break;
            default:
                var message = policy.EscalationMessage
                    ?? $"Task '{taskType}' of job {decision.JobId} ({decision.Definition.JobType}) has waited {policy.SlaDeadline} for approval ({approvals} of {Math.Max(1, policy.MinApprovals)} approvals): its SLA has passed.";
                decision.Emit(new ApprovalEscalated(decision.JobId, decision.Now, taskType, policy.EscalationRecipients, message));
                break;
        }
    }

    /// <summary>
    /// The gate is decided; its map routes the outcome: the entry keyed <c>APPROVED</c> or <c>REJECTED</c> (a task, or an
    /// action), else approval goes on by <c>on_completed</c> and rejection fails the task with <c>ERR_MANUAL_REJECTION</c>
    /// (then <c>on_failed</c>, <c>allow_failure</c>, else the job ends failed at once, without job retries, as formicary's).
    /// </summary>
    private static void DecideGate(Decision decision, TaskDefinition task, ApprovalDecision outcome, int approvals, int rejections, string? timeoutAction)
    {
        decision.Emit(new TaskApprovalDecided(decision.JobId, decision.Now, task.TaskType, outcome, approvals, rejections, timeoutAction));
        if (decision.State.Status == JobStatus.Ending)
        {
            // An always_run gate while the job ends: whatever the outcome, the next cleanup runs, then the job ends.
            if (outcome == ApprovalDecision.Rejected)
            {
                decision.Emit(new TaskFailed(decision.JobId, decision.Now, task.TaskType, ErrorCodes.ManualRejection, Ignored: true));
            }
            else
            {
                decision.Emit(new TaskCompleted(decision.JobId, decision.Now, task.TaskType));
            }

            ContinueEnding(decision);
            return;
        }

        var key = Word(outcome);
        var mapped = task.ExitCodes.LastOrDefault(r => string.Equals(r.Code.Trim(), key, StringComparison.OrdinalIgnoreCase))?.Action;
        switch (mapped?.Kind)
        {
            case ExitActionKind.GoToTask:
                decision.Emit(new TaskCompleted(decision.JobId, decision.Now, task.TaskType));
                Advance(decision, mapped.Value);
                return;
            case ExitActionKind.Completed:
                decision.Emit(new TaskCompleted(decision.JobId, decision.Now, task.TaskType));
                Advance(decision, OnCompleted(task));
                return;
            case ExitActionKind.Fatal:
                decision.Emit(new TaskFailed(decision.JobId, decision.Now, task.TaskType, ErrorCodes.Fatal, Ignored: false));
                End(decision, JobEnd.Failed, ErrorCodes.Fatal, task.TaskType);
                return;
            case ExitActionKind.RestartJob:
                RestartJob(decision, task.TaskType);
                return;
            case ExitActionKind.Failed or ExitActionKind.ErrorCode or ExitActionKind.RestartTask:
                var code = mapped.Kind == ExitActionKind.ErrorCode ? mapped.Value! : mapped.Kind == ExitActionKind.RestartTask ? ErrorCodes.RestartTask : ErrorCodes.TaskExecute;
                FailGate(decision, task, code, endAtOnce: false);
                return;
        }

        // No usable route for the outcome (EXECUTING and PAUSE_JOB cannot apply to a vote): the default.
        if (outcome == ApprovalDecision.Approved)
        {
            decision.Emit(new TaskCompleted(decision.JobId, decision.Now, task.TaskType));
            Advance(decision, OnCompleted(task));
        }
        else
        {
            FailGate(decision, task, ErrorCodes.ManualRejection, endAtOnce: true);
        }
    }

    private static void FailGate(Decision decision, TaskDefinition task, string code, bool endAtOnce)
    {
        decision.Emit(new TaskFailed(decision.JobId, decision.Now, task.TaskType, code, Ignored: task.AllowFailure));
        if (OnFailed(task) is { } handler)
        {
            Advance(decision, handler);
        }
        else if (task.AllowFailure)
        {
            Advance(decision, OnCompleted(task));
        }
        else if (endAtOnce)
        {
            End(decision, JobEnd.Failed, code, task.TaskType);
        }
        else
        {
            FailPath(decision, code, task.TaskType);
        }
    }
}
