using Marten;
using Microsoft.Extensions.Time.Testing;
using Workflows.Definitions;
using Workflows.Runtime;
using Workflows.TestSupport;

namespace Workflows.Marten.Tests;

/// <summary>MANUAL gates on PostgreSQL: a waiting gate holds no due attempt; its SLA deadline is a due row, claimed once due on the fake clock.</summary>
public sealed class ApprovalStoreTests : IAsyncLifetime
{
    private readonly string _schema = "wf_test_" + Guid.NewGuid().ToString("N")[..12];
    private readonly DocumentStore _documents;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
    private readonly JobStore _jobs;

    public ApprovalStoreTests()
    {
        _documents = DocumentStore.For(options => WorkflowsMarten.Configure(options, TestInfrastructure.PostgresConnectionString, _schema));
        _jobs = new JobStore(_documents, _clock);
    }

    /// <summary>formicary's approval-auto-reject shape: a one-hour SLA with AUTO_REJECT, on a job type with max_concurrency 1.</summary>
    private static JobDefinition HotfixJob() => Workflow.Create("hotfix", job => job
        .MaxConcurrency(1)
        .Task("prepare-hotfix").Shell().Script("echo ready").OnCompleted("hotfix-approval")
        .Task("hotfix-approval").Manual(new ApprovalPolicy(SlaDeadline: TimeSpan.FromHours(1), TimeoutAction: "AUTO_REJECT"))
            .OnExitCode("APPROVED", "deploy-hotfix").OnExitCode("REJECTED", "abort-hotfix")
        .Task("deploy-hotfix").Shell().Script("echo deployed")
        .Task("abort-hotfix").Shell().Script("echo aborted")).Definition;

    private async Task ReachGateAsync(string id)
    {
        await _jobs.ExecuteAsync(id, new RequestJob(id, HotfixJob(), new JobRequest()));
        await _jobs.ExecuteAsync(id, new StartJob());
        await _jobs.ExecuteAsync(id, new StartTask("prepare-hotfix", 1));
        await _jobs.ExecuteAsync(id, new ReportTaskResult("prepare-hotfix", 1, 0));
    }

    [Fact]
    public async Task An_SLA_with_AUTO_REJECT_is_a_due_row_claimed_only_once_the_deadline_passes_then_the_REJECTED_task_runs()
    {
        await ReachGateAsync("gate-1");
        var view = (await _jobs.GetAsync("gate-1"))!;
        Assert.Equal((JobStatus.AwaitingApproval, TaskRunStatus.AwaitingApproval), (view.Status, view.Tasks.Single(t => t.TaskType == "hotfix-approval").Status));
        Assert.Empty(await _jobs.ClaimDueAsync("w", 10, 10, TimeSpan.FromSeconds(30), null)); // no worker is held, nothing is due

        _clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Empty(await _jobs.ClaimDueAsync("w", 10, 10, TimeSpan.FromSeconds(30), null));
        _clock.Advance(TimeSpan.FromMinutes(1));
        var deadline = Assert.Single(await _jobs.ClaimDueAsync("w", 10, 10, TimeSpan.FromSeconds(30), null));
        Assert.Equal((ClaimKind.ApprovalDeadline, "hotfix-approval"), (deadline.Kind, deadline.TaskType));

        var events = await _jobs.ExecuteAsync("gate-1", new ApprovalDeadlinePassed(deadline.TaskType));
        var decided = Assert.IsType<TaskApprovalDecided>(events[0]);
        Assert.Equal((ApprovalDecision.Rejected, "AUTO_REJECT"), (decided.Decision, decided.TimeoutAction));
        Assert.Empty(await _jobs.ExecuteAsync("gate-1", new ApprovalDeadlinePassed(deadline.TaskType))); // delivered again: nothing more

        var next = Assert.Single(await _jobs.ClaimDueAsync("w", 10, 10, TimeSpan.FromSeconds(30), null));
        Assert.Equal((ClaimKind.Attempt, "abort-hotfix"), (next.Kind, next.TaskType)); // the deadline row is gone
        await _jobs.ExecuteAsync("gate-1", new StartTask("abort-hotfix", 1));
        await _jobs.ExecuteAsync("gate-1", new ReportTaskResult("abort-hotfix", 1, 0));
        Assert.Equal(JobStatus.Completed, (await _jobs.GetAsync("gate-1"))!.Status);
    }

    [Fact]
    public async Task A_vote_before_the_deadline_removes_the_deadline_row()
    {
        await ReachGateAsync("gate-2");
        var events = await _jobs.ExecuteAsync("gate-2", new VoteOnTask("hotfix-approval", "alice", "t1", [], ApprovalDecision.Approved, null));
        Assert.Contains(events, e => e is TaskApprovalDecided { Decision: ApprovalDecision.Approved });

        _clock.Advance(TimeSpan.FromHours(2));
        var claimed = Assert.Single(await _jobs.ClaimDueAsync("w", 10, 10, TimeSpan.FromSeconds(30), null));
        Assert.Equal((ClaimKind.Attempt, "deploy-hotfix"), (claimed.Kind, claimed.TaskType));
        var stream = await _jobs.EventsAsync("gate-2");
        Assert.Equal(
            [("alice", "t1", ApprovalDecision.Approved)],
            stream.OfType<TaskVoted>().Select(v => (v.Voter, v.VoterId, v.Decision)));
        Assert.Equal(JobDecider.Fold(stream).Task("hotfix-approval").Votes, (await _jobs.GetAsync("gate-2"))!.Tasks.Single(t => t.TaskType == "hotfix-approval").Votes); // round-trips
    }

    [Fact]
    public async Task A_gate_waiting_for_votes_keeps_its_jobs_max_concurrency_slot_and_its_lock_until_it_is_decided()
    {
        static JobDefinition Held(string type, int? maxConcurrency) => Workflow.Create(type, job =>
        {
            if (maxConcurrency is { } max)
            {
                job.MaxConcurrency(max);
            }

            job.Task("prepare").Shell().Script("echo ready").OnCompleted("gate")
                .Task("gate").Manual().OnCompleted("done")
                .Task("done").Shell().Script("echo done");
        }).Definition;

        async Task WaitAtGateAsync(string id, JobDefinition definition, string? lockKey)
        {
            await _jobs.ExecuteAsync(id, new RequestJob(id, definition, new JobRequest { LockKey = lockKey }));
            await _jobs.ExecuteAsync(id, new StartJob());
            await _jobs.ExecuteAsync(id, new StartTask("prepare", 1));
            await _jobs.ExecuteAsync(id, new ReportTaskResult("prepare", 1, 0));
        }

        await WaitAtGateAsync("slot-1", Held("held", 1), null);
        await WaitAtGateAsync("lock-1", Held("locked", null), "deploy-prod");
        await _jobs.ExecuteAsync("slot-2", new RequestJob("slot-2", Held("held", 1), new JobRequest()));
        await _jobs.ExecuteAsync("lock-2", new RequestJob("lock-2", Held("locked", null), new JobRequest { LockKey = "deploy-prod" }));
        _clock.Advance(TimeSpan.FromDays(30)); // no SLA: the gates wait as long as it takes, holding their places
        Assert.Empty(await _jobs.ClaimDueAsync("w", 10, 10, TimeSpan.FromSeconds(30), null));

        async Task<string[]> ClaimAsync() =>
            [.. (await _jobs.ClaimDueAsync("w", 10, 10, TimeSpan.FromSeconds(30), null)).Select(c => $"{c.JobId} {c.TaskType}".Trim()).Order(StringComparer.Ordinal)];

        async Task FinishAsync(string id)
        {
            await _jobs.ExecuteAsync(id, new StartTask("done", 1));
            await _jobs.ExecuteAsync(id, new ReportTaskResult("done", 1, 0));
        }

        await _jobs.ExecuteAsync("slot-1", new VoteOnTask("gate", "alice", null, [], ApprovalDecision.Approved, null));
        Assert.Equal(["slot-1 done"], await ClaimAsync()); // slot-1 runs on: slot-2 still waits for the slot, lock-2 for the lock
        await FinishAsync("slot-1");
        await _jobs.ExecuteAsync("lock-1", new VoteOnTask("gate", "alice", null, [], ApprovalDecision.Approved, null));
        Assert.Equal(["lock-1 done", "slot-2"], await ClaimAsync());
        await FinishAsync("lock-1");
        Assert.Equal(["lock-2"], await ClaimAsync());
    }

    [Fact]
    public async Task The_timeout_of_a_job_with_max_concurrency_and_a_lock_key_is_delivered_while_its_gate_waits()
    {
        var definition = Workflow.Create("timed", job => job
            .MaxConcurrency(1).Timeout(TimeSpan.FromHours(1))
            .Task("gate").Manual().OnCompleted("done")
            .Task("done").Shell().Script("echo done")).Definition;
        await _jobs.ExecuteAsync("timed-1", new RequestJob("timed-1", definition, new JobRequest { LockKey = "deploy-prod" }));
        await _jobs.ExecuteAsync("timed-1", new StartJob());
        Assert.Equal(JobStatus.AwaitingApproval, (await _jobs.GetAsync("timed-1"))!.Status);

        _clock.Advance(TimeSpan.FromHours(1));
        var timeout = Assert.Single(await _jobs.ClaimDueAsync("w", 10, 10, TimeSpan.FromSeconds(30), null));
        Assert.Equal(ClaimKind.JobTimeout, timeout.Kind);
        await _jobs.ExecuteAsync("timed-1", new JobTimedOut());
        var ended = (await _jobs.GetAsync("timed-1"))!;
        Assert.Equal((JobStatus.Failed, "ERR_JOB_TIMED_OUT"), (ended.Status, ended.ErrorCode));
        Assert.Empty(await _jobs.ClaimDueAsync("w", 10, 10, TimeSpan.FromSeconds(30), null));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _documents.Dispose();
        await TestInfrastructure.DropSchemaAsync(_schema);
    }
}
