using System.Net;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.Marten.Tokens;
using Workflows.Runtime;

namespace Workflows.Host.Tests.Api;

/// <summary>MANUAL approval gates over HTTP on PostgreSQL: votes from real tokens, quorum, rejection routing, refusals that write nothing, races.</summary>
public sealed class ApprovalTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private ServedHost Host => fixture.Host;

    /// <summary>prepare → gate (MANUAL, the policy given) → APPROVED: deploy, REJECTED: abort (formicary's multi-party-approval shape, SHELL for KUBERNETES).</summary>
    private static string Gated(string jobType, string policy) => $"""
        job_type: {jobType}
        tasks:
        - task_type: prepare
          method: SHELL
          script: [echo package ready]
          on_completed: gate
        - task_type: gate
          method: MANUAL
          description: Two of the team approve the deploy
          approval_policy:
        {policy}
          on_exit_code:
            APPROVED: deploy
            REJECTED: abort
        - task_type: deploy
          method: SHELL
          script: [echo deploying]
        - task_type: abort
          method: SHELL
          script: [echo aborted]
        """;

    private async Task<string> SubmitWaitingAsync(string yaml, string jobType)
    {
        using var client = Host.Client(Host.UserToken);
        using (var upload = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(yaml)))
        {
            Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
        }

        using var submit = await client.PostAsync("api/jobs/requests", ServedHost.Json($$"""{"job_type": "{{jobType}}"}"""));
        Assert.Equal(HttpStatusCode.Created, submit.StatusCode);
        var id = (await ServedHost.ReadAsync<JobDto>(submit)).Id;
        await ServedHost.WaitAsync(client, id, j => j.Status == JobStatus.AwaitingApproval);
        return id;
    }

    private static async Task<(HttpStatusCode Status, string Body)> VoteAsync(HttpClient client, string id, string decision, string? comments = null, string task = "gate")
    {
        var body = comments is null ? $$"""{"decision": "{{decision}}"}""" : $$"""{"decision": "{{decision}}", "comments": "{{comments}}"}""";
        using var response = await client.PostAsync($"api/jobs/requests/{id}/tasks/{task}/vote", ServedHost.Json(body));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<List<EventDto>> EventsAsync(string id)
    {
        using var client = Host.Client(Host.AdminToken);
        return await ServedHost.ReadAsync<List<EventDto>>(await client.GetAsync($"api/jobs/requests/{id}/events"));
    }

    [Fact]
    public async Task A_quorum_of_two_from_two_tokens_approves_and_the_job_goes_on_to_the_APPROVED_task()
    {
        var id = await SubmitWaitingAsync(Gated("appr-quorum", "    min_approvals: 2\n    allowed_users: [q-alice, q-bob, q-carol]"), "appr-quorum");
        using var alice = Host.Client(await Host.TokenAsync("q-alice", TokenScopes.Read, TokenScopes.Approve));
        using var bob = Host.Client(await Host.TokenAsync("q-bob", TokenScopes.Read, TokenScopes.Approve));

        var pending = await ServedHost.ReadAsync<PendingApprovalsDto>(await alice.GetAsync("api/approvals/pending"));
        var waiting = Assert.Single(pending.Approvals, a => a.JobId == id);
        Assert.Equal(("gate", "awaiting_approval", 2, "Two of the team approve the deploy"), (waiting.TaskType, waiting.Status, waiting.Policy.MinApprovals, waiting.Description));

        var first = await VoteAsync(alice, id, "APPROVED", "package checked");
        Assert.True(first.Status == HttpStatusCode.OK, first.Body);
        var afterFirst = await ServedHost.ReadAsync<ApprovalDto>(await alice.GetAsync($"api/jobs/requests/{id}/tasks/gate/approval"));
        Assert.Equal(("awaiting_approval", 1, 0), (afterFirst.Status, afterFirst.Approvals, afterFirst.Rejections));
        Assert.Equal(JobStatus.AwaitingApproval, (await ServedHost.ReadAsync<JobDto>(await alice.GetAsync($"api/jobs/requests/{id}"))).Status);

        var second = await VoteAsync(bob, id, "APPROVED");
        Assert.True(second.Status == HttpStatusCode.OK, second.Body);
        var done = await ServedHost.WaitEndedAsync(alice, id);
        Assert.Equal((JobStatus.Completed, 3), (done.Status, done.Succeeded));
        Assert.Equal(TaskRunStatus.Ready, done.Tasks!.SingleOrDefault(t => t.TaskType == "abort")?.Status ?? TaskRunStatus.Ready);

        var votes = (await EventsAsync(id)).Where(e => e.Type == "task_voted").ToList();
        Assert.Equal([("q-alice", "approved", "package checked"), ("q-bob", "approved", (string?)null)],
            votes.Select(v => (v.Data.GetProperty("voter").GetString(), v.Data.GetProperty("decision").GetString(), v.Data.TryGetProperty("comment", out var c) ? c.GetString() : null)));
        var decided = (await ServedHost.ReadAsync<ApprovalDto>(await alice.GetAsync($"api/jobs/requests/{id}/tasks/gate/approval")));
        Assert.Equal(("approved", 2), (decided.Status, decided.Votes.Count));
        Assert.DoesNotContain(id, (await ServedHost.ReadAsync<PendingApprovalsDto>(await alice.GetAsync("api/approvals/pending"))).Approvals.Select(a => a.JobId));
    }

    [Fact]
    public async Task A_rejection_needs_a_comment_and_then_routes_to_the_REJECTED_task()
    {
        var id = await SubmitWaitingAsync(Gated("appr-reject", "    min_approvals: 1"), "appr-reject");
        using var reviewer = Host.Client(await Host.TokenAsync("r-reviewer", TokenScopes.Read, TokenScopes.Approve));

        var bare = await VoteAsync(reviewer, id, "REJECTED");
        Assert.True(bare.Status == HttpStatusCode.BadRequest && bare.Body.Contains("comment_required", StringComparison.Ordinal), bare.Body);
        var rejected = await VoteAsync(reviewer, id, "REJECTED", "staging is red");
        Assert.True(rejected.Status == HttpStatusCode.OK, rejected.Body);
        Assert.Equal("rejected", (await ServedHost.ReadAsync<ApprovalDto>(await reviewer.GetAsync($"api/jobs/requests/{id}/tasks/gate/approval"))).Status);

        var done = await ServedHost.WaitEndedAsync(reviewer, id);
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal(TaskRunStatus.Completed, done.Tasks!.Single(t => t.TaskType == "abort").Status);
        Assert.DoesNotContain(done.Tasks!, t => t.TaskType == "deploy");
        Assert.Equal("staging is red", (await EventsAsync(id)).Single(e => e.Type == "task_voted").Data.GetProperty("comment").GetString());
    }

    [Fact]
    public async Task A_vote_from_a_token_outside_allowed_users_is_403_and_writes_nothing()
    {
        var id = await SubmitWaitingAsync(Gated("appr-forbidden", "    min_approvals: 1\n    allowed_users: [f-carol]"), "appr-forbidden");
        var before = (await EventsAsync(id)).Count;

        using var mallory = Host.Client(await Host.TokenAsync("f-mallory", TokenScopes.Read, TokenScopes.Approve, "role:developer"));
        var refused = await VoteAsync(mallory, id, "APPROVED");
        Assert.True(refused.Status == HttpStatusCode.Forbidden, refused.Body);
        Assert.Contains("'f-mallory' may not vote on task 'gate'", refused.Body, StringComparison.Ordinal);

        using var noScope = Host.Client(await Host.TokenAsync("f-carol", TokenScopes.Read)); // allowed by the policy, but the token may not vote
        Assert.Equal(HttpStatusCode.Forbidden, (await VoteAsync(noScope, id, "APPROVED")).Status);

        Assert.Equal(before, (await EventsAsync(id)).Count);
        Assert.Equal(JobStatus.AwaitingApproval, (await ServedHost.ReadAsync<JobDto>(await mallory.GetAsync($"api/jobs/requests/{id}"))).Status);
    }

    [Fact]
    public async Task A_token_with_an_allowed_role_may_vote()
    {
        var id = await SubmitWaitingAsync(Gated("appr-role", "    allowed_roles: [release-manager]"), "appr-role");
        using var manager = Host.Client(await Host.TokenAsync("role-dana", TokenScopes.Read, TokenScopes.Approve, "role:release-manager"));
        var vote = await VoteAsync(manager, id, "approve");
        Assert.True(vote.Status == HttpStatusCode.OK, vote.Body);
        Assert.Equal(JobStatus.Completed, (await ServedHost.WaitEndedAsync(manager, id)).Status);
    }

    [Fact]
    public async Task Two_votes_racing_from_one_user_count_once()
    {
        var id = await SubmitWaitingAsync(Gated("appr-race", "    min_approvals: 2"), "appr-race");
        using var racer = Host.Client(await Host.TokenAsync("race-eve", TokenScopes.Read, TokenScopes.Approve));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => VoteAsync(racer, id, "APPROVED")));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], outcomes.Select(o => o.Status).Order());
        Assert.Contains("already_voted", outcomes.Single(o => o.Status == HttpStatusCode.Conflict).Body, StringComparison.Ordinal);
        Assert.Single(await EventsAsync(id), e => e.Type == "task_voted");
        var approval = await ServedHost.ReadAsync<ApprovalDto>(await racer.GetAsync($"api/jobs/requests/{id}/tasks/gate/approval"));
        Assert.Equal(("awaiting_approval", 1), (approval.Status, approval.Approvals));
    }

    [Fact]
    public async Task Votes_on_a_task_that_is_not_a_gate_or_a_job_that_is_not_waiting_are_refused()
    {
        var id = await SubmitWaitingAsync(Gated("appr-refusals", "    min_approvals: 1"), "appr-refusals");
        using var voter = Host.Client(await Host.TokenAsync("ref-frank", TokenScopes.Read, TokenScopes.Approve));
        Assert.Equal(HttpStatusCode.NotFound, (await VoteAsync(voter, id, "APPROVED", task: "deploy")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await VoteAsync(voter, id, "MAYBE")).Status);
        Assert.Equal(HttpStatusCode.OK, (await VoteAsync(voter, id, "APPROVED")).Status);
        await ServedHost.WaitEndedAsync(voter, id);
        var late = await VoteAsync(voter, id, "APPROVED");
        Assert.True(late.Status == HttpStatusCode.Conflict && late.Body.Contains("not_awaiting_approval", StringComparison.Ordinal), late.Body);
    }

    /// <summary>formicary's docs/examples/manual.yaml (semi-automated), its KUBERNETES tasks as SHELL: two gates in a row.</summary>
    private const string SemiAutomated = """
        job_type: appr-semi-automated
        max_concurrency: 1
        tasks:
        - task_type: start
          method: SHELL
          script: [echo starting...]
          on_completed: make-doe
        - task_type: make-doe
          method: MANUAL
          approval_policy:
            min_approvals: 1
            sla_deadline: 2h
            timeout_action: ESCALATE
            escalation_recipients: "admin@example.com"
          on_completed: cook
        - task_type: cook
          method: SHELL
          script: [echo cooking...]
          on_completed: check-doe
        - task_type: check-doe
          method: MANUAL
          approval_policy:
            min_approvals: 2
            require_unanimous: false
            sla_deadline: 4h
            timeout_action: AUTO_REJECT
          on_completed: serve
        - task_type: serve
          method: SHELL
          script: ["echo 'Serving......'"]
        """;

    /// <summary>formicary's docs/examples/dr-playbook.yaml (aws-region-failover), as SHELL: a failing optional check, a gate with no policy, REJECTED to teardown.</summary>
    private const string RegionFailover = """
        job_type: appr-region-failover
        tasks:
        - task_type: check-primary-status
          method: SHELL
          script:
            - echo primary is down
            - exit 1
          allow_failure: true
          on_failed: provision-secondary-infra
        - task_type: provision-secondary-infra
          method: SHELL
          script: [echo provisioned]
          on_completed: verify-failover
        - task_type: verify-failover
          method: MANUAL
          description: Please VERIFY COSTS and readiness. Approve to switch live traffic.
          on_exit_code:
            APPROVED: switch-dns
            REJECTED: teardown-secondary-infra
        - task_type: switch-dns
          method: SHELL
          script: [echo switched]
          on_completed: notify-completion
        - task_type: teardown-secondary-infra
          method: SHELL
          script: [echo torn down]
          on_completed: notify-completion
        - task_type: notify-completion
          method: SHELL
          always_run: true
          script: [echo concluded]
        """;

    [Fact]
    public async Task Formicarys_semi_automated_example_runs_through_both_gates_to_serve()
    {
        var id = await SubmitWaitingAsync(SemiAutomated, "appr-semi-automated");
        using var chef = Host.Client(await Host.TokenAsync("semi-chef", TokenScopes.Read, TokenScopes.Approve));
        using var critic = Host.Client(await Host.TokenAsync("semi-critic", TokenScopes.Read, TokenScopes.Approve));
        var first = await ServedHost.ReadAsync<ApprovalDto>(await chef.GetAsync($"api/jobs/requests/{id}/tasks/make-doe/approval"));
        Assert.Equal(("awaiting_approval", "ESCALATE"), (first.Status, first.Policy.TimeoutAction));
        Assert.Equal(["admin@example.com"], first.Policy.EscalationRecipients);
        Assert.NotNull(first.Deadline);

        Assert.Equal(HttpStatusCode.OK, (await VoteAsync(chef, id, "APPROVED", task: "make-doe")).Status);
        await ServedHost.WaitAsync(chef, id, j => j.Status == JobStatus.AwaitingApproval && j.Tasks!.Any(t => t.TaskType == "check-doe"));
        Assert.Equal(HttpStatusCode.OK, (await VoteAsync(chef, id, "APPROVED", task: "check-doe")).Status);
        Assert.Equal(HttpStatusCode.OK, (await VoteAsync(critic, id, "APPROVED", "tasty", task: "check-doe")).Status);

        var done = await ServedHost.WaitEndedAsync(chef, id);
        Assert.Equal((JobStatus.Completed, 5), (done.Status, done.Succeeded));
    }

    [Fact]
    public async Task Formicarys_region_failover_example_tears_down_when_the_failover_is_rejected()
    {
        var id = await SubmitWaitingAsync(RegionFailover, "appr-region-failover");
        using var oncall = Host.Client(await Host.TokenAsync("dr-oncall", TokenScopes.Read, TokenScopes.Approve));
        Assert.Equal(HttpStatusCode.OK, (await VoteAsync(oncall, id, "REJECTED", "costs too high", task: "verify-failover")).Status);

        var done = await ServedHost.WaitEndedAsync(oncall, id);
        Assert.Equal(JobStatus.Completed, done.Status); // check-primary-status failed, but allow_failure ignores it
        Assert.Equal(
            ["check-primary-status", "notify-completion", "provision-secondary-infra", "teardown-secondary-infra", "verify-failover"],
            done.Tasks!.Select(t => t.TaskType).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(done.Tasks!, t => t.TaskType == "switch-dns");
        Assert.Equal(1, done.Ignored);
    }
}
