using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.Marten.Tokens;
using Workflows.Runtime;
using Workflows.Testing;
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
