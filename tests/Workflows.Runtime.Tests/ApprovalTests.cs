using Workflows.Definitions;

namespace Workflows.Runtime.Tests;

/// <summary>MANUAL approval gates in the decider: waiting without an attempt, votes, quorum, unanimity, routing, SLA actions.</summary>
public class ApprovalTests
{
    private static readonly string[] NoRoles = [];

    /// <summary>prepare → gate (MANUAL) → APPROVED: deploy, REJECTED: abort.</summary>
    private static JobRun Gate(ApprovalPolicy policy, bool routes = true, int jobRetry = 0)
    {
        var run = new JobRun(Workflow.Create("gated", job =>
        {
            job.Retry(jobRetry);
            var gate = job.Task("prepare").Shell().Script("make").OnCompleted("gate")
                .Task("gate").Manual(policy);
            if (routes)
            {
                gate.OnExitCode("APPROVED", "deploy").OnExitCode("REJECTED", "abort")
                    .Task("deploy").Shell().Script("deploy")
                    .Task("abort").Shell().Script("echo abort");
            }
            else
            {
                gate.OnCompleted("deploy").Task("deploy").Shell().Script("deploy");
            }
        }).Definition);
        run.Decide(new StartJob());
        run.Run("prepare", 0);
        return run;
    }

    private static List<string> Vote(JobRun run, string voter, ApprovalDecision decision, string? comment = null, params string[] roles) =>
        run.Decide(new VoteOnTask("gate", voter, "id-" + voter, roles, decision, comment)).Select(RetryJobSeedTests.Name(run)).ToList();

    [Fact]
    public void Reaching_a_gate_waits_for_votes_with_no_attempt_due_and_its_SLA_deadline_recorded()
    {
        var run = Gate(new ApprovalPolicy(SlaDeadline: TimeSpan.FromHours(1), TimeoutAction: "AUTO_REJECT"));
        Assert.Equal("Awaiting gate#1", run.Trace()[^1]);
        Assert.Equal(JobStatus.AwaitingApproval, run.State.Status);
        var gate = run.State.Task("gate");
        Assert.Equal((TaskRunStatus.AwaitingApproval, (DateTimeOffset?)null, run.Start0 + TimeSpan.FromHours(1)), (gate.Status, gate.DueAt, gate.ApprovalDeadline));
        Assert.DoesNotContain(run.State.Tasks.Values, t => t.Status is TaskRunStatus.Scheduled or TaskRunStatus.Started or TaskRunStatus.Executing);
        Assert.Empty(run.Decide(new StartTask("gate", 1))); // nothing for a worker to start
    }

    [Fact]
    public void A_quorum_of_two_approves_after_the_second_vote_and_routes_APPROVED()
    {
        var run = Gate(new ApprovalPolicy(MinApprovals: 2, AllowedUsers: new[] { "alice", "bob", "carol" }));
        Assert.Equal(["Voted gate alice APPROVED"], Vote(run, "alice", ApprovalDecision.Approved, "looks good"));
        Assert.Equal(JobStatus.AwaitingApproval, run.State.Status);
        Assert.Equal(["Voted gate bob APPROVED", "Decided gate APPROVED", "Completed gate", "Scheduled deploy#1 Reached"], Vote(run, "bob", ApprovalDecision.Approved));
        Assert.Equal((JobStatus.Running, (ApprovalDecision?)ApprovalDecision.Approved), (run.State.Status, run.State.Task("gate").Approval));
        var votes = run.State.Task("gate").Votes;
        Assert.Equal([("alice", "id-alice", ApprovalDecision.Approved, "looks good"), ("bob", "id-bob", ApprovalDecision.Approved, (string?)null)],
            votes.Select(v => (v.Voter, v.VoterId, v.Decision, v.Comment)));
        run.Run("deploy", 0);
        Assert.Equal((JobStatus.Completed, 3), (run.State.Status, run.State.Succeeded));
    }

    [Fact]
    public void A_vote_counts_once_per_voter_and_cannot_be_changed()
    {
        var run = Gate(new ApprovalPolicy(MinApprovals: 2));
        Vote(run, "alice", ApprovalDecision.Approved);
        var again = new VoteOnTask("gate", "alice", "other-token", NoRoles, ApprovalDecision.Approved, null);
        Assert.Equal(VoteRefusalReason.AlreadyVoted, JobDecider.CanVote(run.State, again)?.Reason);
        Assert.Empty(run.Decide(again));
        Assert.Empty(run.Decide(again with { Decision = ApprovalDecision.Rejected, Comment = "changed my mind" }));
        Assert.Single(run.State.Task("gate").Votes);
        Assert.Equal(JobStatus.AwaitingApproval, run.State.Status);
    }

    [Fact]
    public void Only_allowed_users_or_roles_may_vote_and_a_refused_vote_records_nothing()
    {
        var run = Gate(new ApprovalPolicy(AllowedRoles: new[] { "release-manager" }, AllowedUsers: new[] { "carol" }));
        var mallory = new VoteOnTask("gate", "mallory", "id-m", new[] { "developer" }, ApprovalDecision.Approved, null);
        var refusal = JobDecider.CanVote(run.State, mallory);
        Assert.Equal(VoteRefusalReason.NotAllowed, refusal?.Reason);
        Assert.Contains("the users carol and the roles release-manager", refusal!.Message, StringComparison.Ordinal);
        Assert.Empty(run.Decide(mallory));

        Assert.Equal(["Voted gate dave APPROVED", "Decided gate APPROVED", "Completed gate", "Scheduled deploy#1 Reached"],
            Vote(run, "dave", ApprovalDecision.Approved, null, "release-manager"));
    }

    [Fact]
    public void A_rejection_needs_a_comment_and_then_routes_REJECTED_to_its_task()
    {
        var run = Gate(new ApprovalPolicy());
        Assert.Equal(VoteRefusalReason.CommentRequired, JobDecider.CanVote(run.State, new VoteOnTask("gate", "alice", null, NoRoles, ApprovalDecision.Rejected, "  "))?.Reason);
        Assert.Empty(Vote(run, "alice", ApprovalDecision.Rejected));
        Assert.Equal(["Voted gate alice REJECTED", "Decided gate REJECTED", "Completed gate", "Scheduled abort#1 Reached"],
            Vote(run, "alice", ApprovalDecision.Rejected, "not today"));
        Assert.Equal("not today", run.State.Task("gate").Votes.Single().Comment);
        run.Run("abort", 0);
        Assert.Equal(JobStatus.Completed, run.State.Status); // the REJECTED branch handled the rejection, as a branch does
        Assert.Equal(TaskRunStatus.Ready, run.State.Task("deploy").Status);
    }

    [Fact]
    public void A_rejection_without_a_REJECTED_route_fails_the_job_with_ERR_MANUAL_REJECTION_at_once_without_job_retries()
    {
        var run = Gate(new ApprovalPolicy(), routes: false, jobRetry: 2);
        Assert.Equal(["Voted gate alice REJECTED", "Decided gate REJECTED", "Failed gate ERR_MANUAL_REJECTION", "JobFailed ERR_MANUAL_REJECTION"],
            Vote(run, "alice", ApprovalDecision.Rejected, "no"));
        Assert.Equal((JobStatus.Failed, "gate", 0), (run.State.Status, run.State.FailedTask, run.State.JobAttempt));
    }

    [Fact]
    public void Approval_without_an_APPROVED_route_goes_on_by_on_completed()
    {
        var run = Gate(new ApprovalPolicy(), routes: false);
        Assert.Equal(["Voted gate alice APPROVED", "Decided gate APPROVED", "Completed gate", "Scheduled deploy#1 Reached"], Vote(run, "alice", ApprovalDecision.Approved));
    }

    [Fact]
    public void Unanimity_rejects_on_one_rejection_and_a_bounded_quorum_only_once_it_cannot_be_reached()
    {
        var unanimous = Gate(new ApprovalPolicy(MinApprovals: 2, AllowedUsers: new[] { "a", "b", "c" }, RequireUnanimous: true));
        Vote(unanimous, "a", ApprovalDecision.Approved);
        Assert.Contains("Decided gate REJECTED", Vote(unanimous, "b", ApprovalDecision.Rejected, "no"));

        // 2 of a, b, c: one rejection leaves two who may still approve; a second makes the quorum impossible.
        var quorum = Gate(new ApprovalPolicy(MinApprovals: 2, AllowedUsers: new[] { "a", "b", "c" }));
        Assert.Equal(["Voted gate a REJECTED"], Vote(quorum, "a", ApprovalDecision.Rejected, "no"));
        Assert.Contains("Decided gate REJECTED", Vote(quorum, "b", ApprovalDecision.Rejected, "no"));

        // Voters not bounded by allowed_users (formicary): any rejection rejects.
        var open = Gate(new ApprovalPolicy(MinApprovals: 2));
        Assert.Contains("Decided gate REJECTED", Vote(open, "x", ApprovalDecision.Rejected, "no"));
    }

    [Fact]
    public void An_SLA_with_AUTO_REJECT_rejects_once_the_deadline_passes_on_the_fake_clock()
    {
        var run = Gate(new ApprovalPolicy(SlaDeadline: TimeSpan.FromHours(1), TimeoutAction: "AUTO_REJECT"));
        run.Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Empty(run.Decide(new ApprovalDeadlinePassed("gate")));
        run.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(["Decided gate REJECTED AUTO_REJECT", "Completed gate", "Scheduled abort#1 Reached"], run.Decide(new ApprovalDeadlinePassed("gate")).Select(RetryJobSeedTests.Name(run)));
        Assert.Empty(run.Decide(new ApprovalDeadlinePassed("gate"))); // delivered twice: once
        Assert.Equal(VoteRefusalReason.NotAwaitingApproval, JobDecider.CanVote(run.State, new VoteOnTask("gate", "alice", null, NoRoles, ApprovalDecision.Approved, null))?.Reason);
    }

    [Fact]
    public void An_SLA_with_AUTO_APPROVE_approves_and_ESCALATE_records_the_recipients_and_keeps_the_gate_open()
    {
        var approve = Gate(new ApprovalPolicy(SlaDeadline: TimeSpan.FromMinutes(5), TimeoutAction: "AUTO_APPROVE"));
        approve.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Contains("Scheduled deploy#1 Reached", approve.Decide(new ApprovalDeadlinePassed("gate")).Select(RetryJobSeedTests.Name(approve)));

        var escalate = Gate(new ApprovalPolicy(SlaDeadline: TimeSpan.FromHours(4), EscalationRecipients: new[] { "vp@example.com", "#ops" }, EscalationMessage: "SLA breached"));
        escalate.Clock.Advance(TimeSpan.FromHours(4));
        var escalated = Assert.IsType<ApprovalEscalated>(Assert.Single(escalate.Decide(new ApprovalDeadlinePassed("gate"))));
        Assert.Equal(["vp@example.com", "#ops"], escalated.Recipients);
        Assert.Equal("SLA breached", escalated.Message);
        Assert.Equal((JobStatus.AwaitingApproval, (DateTimeOffset?)null, true), (escalate.State.Status, escalate.State.Task("gate").ApprovalDeadline, escalate.State.Task("gate").Escalated));
        Assert.Empty(escalate.Decide(new ApprovalDeadlinePassed("gate")));
        Assert.Contains("Decided gate APPROVED", Vote(escalate, "alice", ApprovalDecision.Approved)); // still open for votes
    }

    [Fact]
    public void Cancelling_a_job_that_waits_for_approval_ends_it_at_once_and_closes_the_gate()
    {
        var run = Gate(new ApprovalPolicy(SlaDeadline: TimeSpan.FromHours(1)));
        Assert.Equal(["Cancelling", "JobCancelled"], run.Decide(new CancelJob()).Select(RetryJobSeedTests.Name(run)));
        Assert.Equal((TaskRunStatus.Cancelled, (DateTimeOffset?)null), (run.State.Task("gate").Status, run.State.Task("gate").ApprovalDeadline));
        Assert.Equal(VoteRefusalReason.NotAwaitingApproval, JobDecider.CanVote(run.State, new VoteOnTask("gate", "alice", null, NoRoles, ApprovalDecision.Approved, null))?.Reason);
        Assert.Equal(VoteRefusalReason.UnknownTask, JobDecider.CanVote(run.State, new VoteOnTask("deploy", "alice", null, NoRoles, ApprovalDecision.Approved, null))?.Reason);
    }

    [Fact]
    public void A_job_timeout_while_a_gate_waits_fails_the_job_and_closes_the_gate()
    {
        var run = Gate(new ApprovalPolicy(SlaDeadline: TimeSpan.FromHours(1)));
        Assert.Equal(["JobFailed ERR_JOB_TIMED_OUT"], run.Decide(new JobTimedOut()).Select(RetryJobSeedTests.Name(run)));
        Assert.Equal(TaskRunStatus.Cancelled, run.State.Task("gate").Status);
        run.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Empty(run.Decide(new ApprovalDeadlinePassed("gate")));
    }

    [Fact]
    public void An_always_run_gate_asks_for_approval_while_the_job_ends_then_the_job_ends_as_it_was_going_to()
    {
        var run = new JobRun(Workflow.Create("cleanup-gate", job => job
            .Task("build").Shell().Script("make")
            .Task("confirm-cleanup").Manual().AlwaysRun()).Definition);
        run.Decide(new StartJob());
        Assert.Equal(["Exited build#1 1 FAILED", "Failed build ERR_TASK_EXECUTE", "Ending Failed", "Awaiting confirm-cleanup#1"], run.Run("build", 1).Select(RetryJobSeedTests.Name(run)));
        Assert.Equal(JobStatus.Ending, run.State.Status);
        Assert.Equal(["Voted confirm-cleanup ops APPROVED", "Decided confirm-cleanup APPROVED", "Completed confirm-cleanup", "JobFailed ERR_TASK_EXECUTE"],
            run.Decide(new VoteOnTask("confirm-cleanup", "ops", null, NoRoles, ApprovalDecision.Approved, null)).Select(RetryJobSeedTests.Name(run)));
    }
}
