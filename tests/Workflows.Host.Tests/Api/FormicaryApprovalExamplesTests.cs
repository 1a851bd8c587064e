using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.Marten.Tokens;
using Workflows.Runtime;
using Workflows.TestSupport;
using Xunit.Abstractions;

namespace Workflows.Host.Tests.Api;

/// <summary>
/// A served host that runs KUBERNETES tasks as local Docker containers (<c>Workflows:KubernetesAsDocker=true</c>), on a
/// clock the test can move forward (SLA deadlines pass without waiting hours), with formicary's images mapped to the
/// local test image where they cannot be pulled (<c>ImageFallbacks</c>: this machine has no registry).
/// </summary>
public sealed class FormicaryExamplesFixture : IAsyncLifetime
{
    internal ShiftedClock Clock { get; } = new();

    internal ServedHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ServedHost.StartAsync("fxappr", services =>
    {
        services.AddSingleton<TimeProvider>(Clock);
        services.PostConfigure<WorkflowsOptions>(options =>
        {
            options.ImageFallbacks["alpine:latest"] = TestInfrastructure.TestImage;
            options.ImageFallbacks["ubuntu:16.04"] = TestInfrastructure.TestImage;
            options.ImageFallbacks["golang:1.22-alpine"] = TestInfrastructure.TestImage;
            options.ImageFallbacks["hashicorp/terraform:light"] = TestInfrastructure.TestImage;
            options.ImageFallbacks["amazon/aws-cli"] = TestInfrastructure.TestImage;
        });
    }, "--Workflows:KubernetesAsDocker=true");

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// formicary's MANUAL examples (docs/examples/manual.yaml, approval-auto-reject.yaml, approval-with-sla.yaml) uploaded
/// exactly as written, their KUBERNETES tasks run in real Docker containers, voted on over HTTP by real tokens, each run
/// to the end its description documents. SLA deadlines pass by moving the host's clock, not by shortening them.
/// </summary>
public sealed class FormicaryApprovalExamplesTests(FormicaryExamplesFixture fixture, ITestOutputHelper output) : IClassFixture<FormicaryExamplesFixture>
{
    private ServedHost Host => fixture.Host;

    /// <summary>formicary's docs/examples/manual.yaml, as written.</summary>
    private const string Manual = """
        job_type: semi-automated
        description: Semi automated
        max_concurrency: 1
        tasks:
        - task_type: start
          script:
            - echo starting... 
          method: KUBERNETES
          container:
            image: ubuntu:16.04
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
          method: "KUBERNETES"
          container:
            image: ubuntu:16.04
          script:
            - echo cooking... 
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
          method: "KUBERNETES"
          container:
            image: ubuntu:16.04
          script:
            - "echo 'Serving......'"
        """;

    /// <summary>formicary's docs/examples/approval-auto-reject.yaml, as written.</summary>
    private const string AutoReject = """
        job_type: approval-auto-reject-demo
        description: Time-sensitive hotfix deployment. Approval window is 1 hour — if no decision is made the deployment is automatically rejected to prevent unauthorized changes.
        max_concurrency: 1
        tasks:
        - task_type: prepare-hotfix
          method: KUBERNETES
          container:
            image: alpine:latest
          script:
            - echo "Hotfix package prepared and validated."
          on_completed: hotfix-approval

        - task_type: hotfix-approval
          method: MANUAL
          description: "Hotfix ready. Approve within 1 hour or the deployment will be automatically rejected."
          approval_policy:
            min_approvals: 1
            sla_deadline: 1h
            timeout_action: AUTO_REJECT
          on_exit_code:
            APPROVED: deploy-hotfix
            REJECTED: abort-hotfix

        - task_type: deploy-hotfix
          method: KUBERNETES
          container:
            image: alpine:latest
          script:
            - echo "Hotfix deployed successfully."

        - task_type: abort-hotfix
          method: KUBERNETES
          container:
            image: alpine:latest
          script:
            - echo "Hotfix deployment aborted — approval window expired or rejected."
        """;

    /// <summary>formicary's docs/examples/approval-with-sla.yaml, as written.</summary>
    private const string WithSla = """
        job_type: approval-with-sla-demo
        description: Approval gate with a 4-hour SLA. If no decision is made within 4 hours the escalation_recipients are notified and the gate remains open for manual resolution.
        max_concurrency: 1
        tasks:
        - task_type: build
          method: KUBERNETES
          container:
            image: alpine:latest
          script:
            - echo "Build complete."
          on_completed: security-approval

        - task_type: security-approval
          method: MANUAL
          description: "Build succeeded. Security team must approve before deployment to production. SLA: 4 hours."
          approval_policy:
            min_approvals: 1
            sla_deadline: 4h
            timeout_action: ESCALATE
            escalation_recipients: "security-oncall@example.com,vp-eng@example.com"
            escalation_message: "Security approval SLA breached — deployment blocked pending manual action"
          on_exit_code:
            APPROVED: deploy-prod
            REJECTED: notify-rejected

        - task_type: deploy-prod
          method: KUBERNETES
          container:
            image: alpine:latest
          script:
            - echo "Deploying to production after security approval."

        - task_type: notify-rejected
          method: KUBERNETES
          container:
            image: alpine:latest
          script:
            - echo "Deployment rejected by security team."
        """;

    /// <summary>formicary's docs/examples/approval-unanimous.yaml, as written.</summary>
    private const string Unanimous = """
        job_type: approval-unanimous-demo
        description: All listed approvers must vote APPROVED (unanimous consent). Any single rejection immediately fails the gate — suitable for compliance-critical operations.
        max_concurrency: 1
        tasks:
        - task_type: compliance-check
          method: KUBERNETES
          container:
            image: alpine:latest
          script:
            - echo "Compliance artifacts generated."
          on_completed: board-approval

        - task_type: board-approval
          method: MANUAL
          description: "This operation requires unanimous consent from all board-designated approvers. A single rejection cancels the operation."
          approval_policy:
            min_approvals: 2
            require_unanimous: true
            sla_deadline: 24h
            timeout_action: AUTO_REJECT
          on_exit_code:
            APPROVED: execute-operation
            REJECTED: cancel-operation

        - task_type: execute-operation
          method: KUBERNETES
          container:
            image: alpine:latest
          script:
            - echo "All directors approved. Executing compliance operation."

        - task_type: cancel-operation
          method: KUBERNETES
          container:
            image: alpine:latest
          script:
            - echo "Operation cancelled — unanimous approval not reached."
        """;

    /// <summary>formicary's docs/examples/multi-party-approval.yaml, as written.</summary>
    private const string MultiParty = """
        job_type: multi-party-approval-demo
        description: Demonstrates quorum-based multi-party approval — 2-of-3 approvers must vote APPROVED before the job continues.
        max_concurrency: 1
        tasks:
        - task_type: prepare
          method: KUBERNETES
          container:
            image: alpine:latest
          script:
            - echo "Preparing deployment package..."
            - echo "Package ready for review."
          on_completed: team-approval

        - task_type: team-approval
          method: MANUAL
          description: "Deployment package prepared. Any two authenticated users must approve before the deploy proceeds. Remove the min_approvals restriction or set allowed_users to restrict to specific reviewers."
          approval_policy:
            min_approvals: 2
            require_unanimous: false
          on_exit_code:
            APPROVED: deploy
            REJECTED: notify-rejection

        - task_type: deploy
          method: KUBERNETES
          container:
            image: alpine:latest
          script:
            - echo "Deploying — quorum approved."
          on_completed: notify-success

        - task_type: notify-success
          method: KUBERNETES
          container:
            image: alpine:latest
          script:
            - echo "Deployment complete and notified."

        - task_type: notify-rejection
          method: KUBERNETES
          container:
            image: alpine:latest
          script:
            - echo "Deployment rejected by team. No action taken."
        """;

    /// <summary>formicary's docs/examples/cicd-approval-gate.yaml, as written.</summary>
    private const string CiCd = """
        job_type: cicd-approval-gate
        description: Full CI/CD pipeline with multi-party approval gate before production deployment. Build → test → security scan → 2-of-3 ops approval → deploy.
        max_concurrency: 1
        tasks:
        - task_type: build
          method: KUBERNETES
          container:
            image: golang:1.22-alpine
          script:
            - echo "Building application..."
            - echo "Build successful."
          on_completed: test

        - task_type: test
          method: KUBERNETES
          container:
            image: golang:1.22-alpine
          script:
            - echo "Running unit and integration tests..."
            - echo "All tests passed."
          on_completed: security-scan

        - task_type: security-scan
          method: KUBERNETES
          container:
            image: alpine:latest
          script:
            - echo "Running SAST and dependency vulnerability scan..."
            - echo "Security scan complete — report generated."
          artifacts:
            paths:
              - security-report.txt
          on_completed: production-approval

        - task_type: production-approval
          method: MANUAL
          description: "Build, tests, and security scan completed. Security report is attached. 2 of 3 ops/sre leads must approve before production deployment proceeds."
          approval_policy:
            min_approvals: 2
            require_unanimous: false
            sla_deadline: 4h
            timeout_action: ESCALATE
            escalation_recipients: "vp-eng@example.com,#ops-escalation"
            escalation_message: "Production deployment approval stalled — 4h SLA breached"
          on_exit_code:
            APPROVED: deploy-production
            REJECTED: notify-rejection

        - task_type: deploy-production
          method: KUBERNETES
          container:
            image: alpine:latest
          script:
            - echo "Deploying to production — quorum approved by ops/sre team."
            - echo "Production deployment complete."
          on_completed: post-deploy-verification

        - task_type: post-deploy-verification
          method: KUBERNETES
          container:
            image: alpine:latest
          script:
            - echo "Running smoke tests against production..."
            - echo "Smoke tests passed. Deployment verified."

        - task_type: notify-rejection
          method: KUBERNETES
          container:
            image: alpine:latest
          script:
            - echo "Production deployment rejected by ops/sre team. Rolling back to last known good state."
        """;

    /// <summary>formicary's docs/examples/dr-playbook.yaml, as written.</summary>
    private const string DrPlaybook = """
        job_type: aws-region-failover
        description: A playbook to provision and failover to a secondary region.
        tasks:
        - task_type: check-primary-status
          method: KUBERNETES
          container:
            image: alpine:latest
          script:
            - echo "Pinging primary region endpoint... it's down! Initiating failover procedure."
            - exit 1 # Simulate failure to trigger the 'on_failed' path
          allow_failure: true
          on_failed: provision-secondary-infra

        - task_type: provision-secondary-infra
          method: KUBERNETES
          container:
            image: hashicorp/terraform:light
          script:
            - echo "Simulating 'terraform apply' to provision DR infrastructure in us-west-2..."
            - sleep 10 
            - echo "Terraform apply complete. Outputting simulated state file."
            - echo '{}' > terraform.tfstate
          artifacts:
            paths: [ "terraform.tfstate" ]
          on_completed: verify-failover

        - task_type: verify-failover
          method: MANUAL
          description: "Secondary infrastructure in us-west-2 has been provisioned. The terraform.tfstate file is available as an artifact. Please VERIFY COSTS and readiness. Approve to switch live traffic."
          approval_policy:
            min_approvals: 2
            require_unanimous: false
            sla_deadline: 1h
            timeout_action: AUTO_REJECT
            escalation_recipients: "cto@example.com"
            escalation_message: "DR failover approval stalled — auto-rejecting after 1 hour"
          on_exit_code:
            APPROVED: switch-dns
            REJECTED: teardown-secondary-infra

        - task_type: switch-dns
          method: KUBERNETES
          container:
            image: amazon/aws-cli
          script:
            - echo "CRITICAL Switching production DNS records to the us-west-2 environment..."
            - sleep 5
            - echo "DNS failover complete. Traffic is now routed to the DR region."
          on_completed: notify-completion

        - task_type: teardown-secondary-infra
          method: KUBERNETES
          container:
            image: hashicorp/terraform:light
          script:
            - echo "Failover REJECTED. Simulating 'terraform destroy' for secondary infrastructure..."
            - sleep 10
            - echo "Teardown complete."
          on_completed: notify-completion

        - task_type: notify-completion
          method: KUBERNETES
          always_run: true
          container:
            image: alpine:latest
          script:
            - echo "Disaster recovery playbook has concluded."
        """;

    [Fact]
    public async Task Manual_yaml_runs_its_containers_through_both_gates_to_serve()
    {
        var id = await SubmitAsync(Manual, "semi-automated", "make-doe");
        using var chef = Host.Client(await Host.TokenAsync("fx-chef", TokenScopes.Read, TokenScopes.Approve));
        using var critic = Host.Client(await Host.TokenAsync("fx-critic", TokenScopes.Read, TokenScopes.Approve));

        Assert.Equal(HttpStatusCode.OK, (await VoteAsync(chef, id, "make-doe", "APPROVED")).Status);
        await ServedHost.WaitAsync(chef, id, j => j.Status == JobStatus.AwaitingApproval && j.Tasks!.Any(t => t.TaskType == "check-doe"));
        Assert.Equal(HttpStatusCode.OK, (await VoteAsync(chef, id, "check-doe", "APPROVED")).Status);
        Assert.Equal("awaiting_approval", (await ApprovalAsync(chef, id, "check-doe")).Status); // min_approvals: 2
        Assert.Equal(HttpStatusCode.OK, (await VoteAsync(critic, id, "check-doe", "APPROVED", "tasty")).Status);

        var done = await ServedHost.WaitEndedAsync(chef, id);
        Assert.Equal((JobStatus.Completed, 5), (done.Status, done.Succeeded));
        var logs = await LogsAsync(chef, id);
        Assert.Contains(logs, l => l.TaskType == "start" && l.Line.Contains("starting...", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.TaskType == "cook" && l.Line.Contains("cooking...", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.TaskType == "serve" && l.Line.Contains("Serving......", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.TaskType == "serve" && l.Line.Contains("KUBERNETES task run in a local Docker container", StringComparison.Ordinal));
        // The image as written when the engine has it or can pull it, else its stand-in (this machine has no registry).
        Assert.Contains(logs, l => l.TaskType == "cook" && l.Source == "system" && l.Line.StartsWith("image '", StringComparison.Ordinal) && l.Line.Contains("'ubuntu:16.04'", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.TaskType == "cook" && l.Source == "system" && l.Line.StartsWith("container ", StringComparison.Ordinal) && l.Line.Contains(" created ", StringComparison.Ordinal));
        output.WriteLine(string.Join("\n", logs.Select(l => $"{l.TaskType} {l.Source}: {l.Line}")));
    }

    [Fact]
    public async Task Approval_auto_reject_yaml_aborts_the_hotfix_when_its_hour_passes_with_no_decision()
    {
        var id = await SubmitAsync(AutoReject, "approval-auto-reject-demo", "hotfix-approval");
        using var reader = Host.Client(Host.UserToken);
        var waiting = await ApprovalAsync(reader, id, "hotfix-approval");
        Assert.Equal(("awaiting_approval", "AUTO_REJECT"), (waiting.Status, waiting.Policy.TimeoutAction));
        Assert.Equal(TimeSpan.FromHours(1), waiting.Deadline - waiting.WaitingSince);

        fixture.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));

        var done = await ServedHost.WaitEndedAsync(reader, id);
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal(["abort-hotfix", "hotfix-approval", "prepare-hotfix"], done.Tasks!.Select(t => t.TaskType).Order(StringComparer.Ordinal));
        var decided = await ApprovalAsync(reader, id, "hotfix-approval");
        Assert.Equal(("rejected", 0, 0), (decided.Status, decided.Approvals, decided.Rejections));
        var events = await EventsAsync(reader, id);
        var decision = events.Single(e => e.Type == "task_approval_decided").Data;
        Assert.Equal("rejected", decision.GetProperty("decision").GetString());
        Assert.Equal("AUTO_REJECT", decision.GetProperty("timeout_action").GetString());
        var logs = await LogsAsync(reader, id);
        Assert.Contains(logs, l => l.TaskType == "abort-hotfix" && l.Line.Contains("Hotfix deployment aborted", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, l => l.TaskType == "deploy-hotfix");
    }

    [Fact]
    public async Task Approval_with_sla_yaml_escalates_when_its_four_hours_pass_and_stays_open_until_approved()
    {
        var id = await SubmitAsync(WithSla, "approval-with-sla-demo", "security-approval");
        using var security = Host.Client(await Host.TokenAsync("fx-security", TokenScopes.Read, TokenScopes.Approve));

        fixture.Clock.Advance(TimeSpan.FromHours(4) + TimeSpan.FromMinutes(1));

        var escalated = await WaitForAsync(security, id, "security-approval", a => a.Escalated);
        Assert.Equal(("awaiting_approval", null), (escalated.Status, escalated.Deadline)); // the gate remains open, with no deadline any more
        var events = await EventsAsync(security, id);
        var escalation = events.Single(e => e.Type == "approval_escalated").Data;
        Assert.Equal(["security-oncall@example.com", "vp-eng@example.com"], escalation.GetProperty("recipients").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("Security approval SLA breached — deployment blocked pending manual action", escalation.GetProperty("message").GetString());
        Assert.Equal(JobStatus.AwaitingApproval, (await ServedHost.ReadAsync<JobDto>(await security.GetAsync($"api/jobs/requests/{id}"))).Status);

        Assert.Equal(HttpStatusCode.OK, (await VoteAsync(security, id, "security-approval", "APPROVED", "reviewed after the escalation")).Status);
        var done = await ServedHost.WaitEndedAsync(security, id);
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal(["build", "deploy-prod", "security-approval"], done.Tasks!.Select(t => t.TaskType).Order(StringComparer.Ordinal));
        var logs = await LogsAsync(security, id);
        Assert.Contains(logs, l => l.TaskType == "deploy-prod" && l.Line.Contains("Deploying to production after security approval.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Approval_unanimous_yaml_cancels_the_operation_on_a_single_rejection()
    {
        var id = await SubmitAsync(Unanimous, "approval-unanimous-demo", "board-approval");
        using var first = Host.Client(await Host.TokenAsync("fx-director-1", TokenScopes.Read, TokenScopes.Approve));
        using var second = Host.Client(await Host.TokenAsync("fx-director-2", TokenScopes.Read, TokenScopes.Approve));
        Assert.Equal(HttpStatusCode.OK, (await VoteAsync(first, id, "board-approval", "APPROVED")).Status);
        Assert.Equal(HttpStatusCode.OK, (await VoteAsync(second, id, "board-approval", "REJECTED", "not compliant")).Status);

        var done = await ServedHost.WaitEndedAsync(first, id);
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal(["board-approval", "cancel-operation", "compliance-check"], done.Tasks!.Select(t => t.TaskType).Order(StringComparer.Ordinal));
        Assert.Equal(("rejected", 1, 1), await DecidedAsync(first, id, "board-approval"));
        Assert.Contains(await LogsAsync(first, id), l => l.TaskType == "cancel-operation" && l.Line == "Operation cancelled — unanimous approval not reached.");
    }

    [Fact]
    public async Task Multi_party_approval_yaml_deploys_once_two_of_any_users_approve()
    {
        var id = await SubmitAsync(MultiParty, "multi-party-approval-demo", "team-approval");
        using var first = Host.Client(await Host.TokenAsync("fx-reviewer-1", TokenScopes.Read, TokenScopes.Approve));
        using var second = Host.Client(await Host.TokenAsync("fx-reviewer-2", TokenScopes.Read, TokenScopes.Approve));
        Assert.Equal(HttpStatusCode.OK, (await VoteAsync(first, id, "team-approval", "APPROVED")).Status);
        Assert.Equal("awaiting_approval", (await ApprovalAsync(first, id, "team-approval")).Status);
        Assert.Equal(HttpStatusCode.OK, (await VoteAsync(second, id, "team-approval", "APPROVED")).Status);

        var done = await ServedHost.WaitEndedAsync(first, id);
        Assert.Equal((JobStatus.Completed, 4), (done.Status, done.Succeeded));
        Assert.Equal(["deploy", "notify-success", "prepare", "team-approval"], done.Tasks!.Select(t => t.TaskType).Order(StringComparer.Ordinal));
        var logs = await LogsAsync(first, id);
        Assert.Contains(logs, l => l.TaskType == "prepare" && l.Line == "Package ready for review.");
        Assert.Contains(logs, l => l.TaskType == "notify-success" && l.Line == "Deployment complete and notified.");
    }

    [Fact]
    public async Task Cicd_approval_gate_yaml_builds_tests_scans_escalates_and_deploys_on_a_quorum_of_two()
    {
        var id = await SubmitAsync(CiCd, "cicd-approval-gate", "production-approval");
        using var ops = Host.Client(await Host.TokenAsync("fx-ops", TokenScopes.Read, TokenScopes.Approve));
        using var sre = Host.Client(await Host.TokenAsync("fx-sre", TokenScopes.Read, TokenScopes.Approve));
        Assert.Equal(HttpStatusCode.OK, (await VoteAsync(ops, id, "production-approval", "APPROVED")).Status);

        fixture.Clock.Advance(TimeSpan.FromHours(4) + TimeSpan.FromMinutes(1));
        var escalated = await WaitForAsync(ops, id, "production-approval", a => a.Escalated);
        Assert.Equal(("awaiting_approval", 1), (escalated.Status, escalated.Approvals));
        var escalation = (await EventsAsync(ops, id)).Single(e => e.Type == "approval_escalated").Data;
        Assert.Equal(["vp-eng@example.com", "#ops-escalation"], escalation.GetProperty("recipients").EnumerateArray().Select(r => r.GetString()));

        Assert.Equal(HttpStatusCode.OK, (await VoteAsync(sre, id, "production-approval", "APPROVED")).Status);
        var done = await ServedHost.WaitEndedAsync(ops, id);
        Assert.Equal(JobStatus.Completed, done.Status);
        Assert.Equal(["build", "deploy-production", "post-deploy-verification", "production-approval", "security-scan", "test"],
            done.Tasks!.Select(t => t.TaskType).Order(StringComparer.Ordinal));
        Assert.Contains(await LogsAsync(ops, id), l => l.TaskType == "post-deploy-verification" && l.Line == "Smoke tests passed. Deployment verified.");
    }

    [Fact]
    public async Task Dr_playbook_yaml_tears_down_and_concludes_when_the_failover_is_not_approved_within_its_hour()
    {
        var id = await SubmitAsync(DrPlaybook, "aws-region-failover", "verify-failover");
        using var oncall = Host.Client(await Host.TokenAsync("fx-oncall", TokenScopes.Read, TokenScopes.Approve));
        Assert.Equal(HttpStatusCode.OK, (await VoteAsync(oncall, id, "verify-failover", "APPROVED", "costs look fine")).Status);

        fixture.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1)); // one approval of the two: AUTO_REJECT

        var done = await ServedHost.WaitEndedAsync(oncall, id);
        Assert.Equal(JobStatus.Completed, done.Status); // check-primary-status failed, but allow_failure ignores it
        Assert.Equal(1, done.Ignored);
        Assert.Equal(
            ["check-primary-status", "notify-completion", "provision-secondary-infra", "teardown-secondary-infra", "verify-failover"],
            done.Tasks!.Select(t => t.TaskType).Order(StringComparer.Ordinal));
        Assert.Equal(("rejected", 1, 0), await DecidedAsync(oncall, id, "verify-failover"));
        var logs = await LogsAsync(oncall, id);
        Assert.Contains(logs, l => l.TaskType == "provision-secondary-infra" && l.Line == "Terraform apply complete. Outputting simulated state file.");
        Assert.Contains(logs, l => l.TaskType == "teardown-secondary-infra" && l.Line == "Teardown complete.");
        Assert.Contains(logs, l => l.TaskType == "notify-completion" && l.Line == "Disaster recovery playbook has concluded.");
    }

    /// <summary>Uploads the YAML as written, submits the job and waits until it waits at <paramref name="gate"/>.</summary>
    private async Task<string> SubmitAsync(string yaml, string jobType, string gate)
    {
        using var client = Host.Client(Host.UserToken);
        using (var upload = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(yaml)))
        {
            Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
        }

        using var submit = await client.PostAsync("api/jobs/requests", ServedHost.Json($$"""{"job_type": "{{jobType}}"}"""));
        Assert.True(submit.IsSuccessStatusCode, await submit.Content.ReadAsStringAsync());
        var id = (await ServedHost.ReadAsync<JobDto>(submit)).Id;
        await ServedHost.WaitAsync(client, id, j => j.Status == JobStatus.AwaitingApproval || j.Status is JobStatus.Failed or JobStatus.Completed);
        var approval = await ApprovalAsync(client, id, gate);
        Assert.True(approval.Status == "awaiting_approval", $"The job does not wait at '{gate}': {approval.Status}. Logs:\n"
            + string.Join("\n", (await LogsAsync(client, id)).Select(l => $"{l.TaskType}: {l.Line}")));
        return id;
    }

    private static async Task<(HttpStatusCode Status, string Body)> VoteAsync(HttpClient client, string id, string task, string decision, string? comments = null)
    {
        var body = comments is null ? $$"""{"decision": "{{decision}}"}""" : $$"""{"decision": "{{decision}}", "comments": "{{comments}}"}""";
        using var response = await client.PostAsync($"api/jobs/requests/{id}/tasks/{task}/vote", ServedHost.Json(body));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<(string Status, int Approvals, int Rejections)> DecidedAsync(HttpClient client, string id, string task)
    {
        var approval = await ApprovalAsync(client, id, task);
        return (approval.Status, approval.Approvals, approval.Rejections);
    }

    private static async Task<ApprovalDto> ApprovalAsync(HttpClient client, string id, string task) =>
        await ServedHost.ReadAsync<ApprovalDto>(await client.GetAsync($"api/jobs/requests/{id}/tasks/{task}/approval"));

    /// <summary>Polls the gate until the condition holds (bounded: fails after a minute).</summary>
    private static async Task<ApprovalDto> WaitForAsync(HttpClient client, string id, string task, Func<ApprovalDto, bool> condition)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        ApprovalDto last;
        do
        {
            last = await ApprovalAsync(client, id, task);
            if (condition(last))
            {
                return last;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < until);

        throw new TimeoutException($"Gate '{task}' of job {id} did not reach the condition within a minute; last seen {last.Status}.");
    }

    private static async Task<List<EventDto>> EventsAsync(HttpClient client, string id) =>
        await ServedHost.ReadAsync<List<EventDto>>(await client.GetAsync($"api/jobs/requests/{id}/events"));

    private static async Task<List<LogLineDto>> LogsAsync(HttpClient client, string id) =>
        await ServedHost.ReadAsync<List<LogLineDto>>(await client.GetAsync($"api/jobs/requests/{id}/logs"));
}
