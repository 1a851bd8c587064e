using System.Text.Json;
using System.Text.Json.Nodes;
using Workflows.Api.Contracts;
using Workflows.Marten.Notifications;
using Workflows.Runtime;

namespace Workflows.Api.OpenApi;

/// <summary>
/// The OpenAPI document's examples, one per body type (and one error per status), written as the API's own types and
/// serialized with <see cref="ApiJson"/>, so an example cannot drift from what the API sends. The values follow the
/// seeds: the retry-job definition, <c>{"job_type": "retry-job", "params": {"Key": "Value"}}</c>.
/// </summary>
internal static class ApiExamples
{
    private const string JobId = "01a20ce423ac7f2788933e728cd60142";
    private const string RetryId = "01a20ce5b3c1e9d64f0a7b2e95d8c310";
    private static readonly DateTimeOffset Created = new(2026, 11, 24, 9, 30, 7, TimeSpan.Zero);

    /// <summary>The seed's retry-job (formicary's "Retries and Exit codes"), as uploaded with <c>Content-Type: application/yaml</c>.</summary>
    public const string DefinitionYaml = """
        job_type: retry-job
        delay_between_retries: 6s
        retry: 2
        tasks:
        - task_type: first
          method: HTTP_GET
          timeout: 15s
          delay_between_retries: 5s
          script:
            - https://jsonplaceholder.typicode.com/todos/1
          on_exit_code:
            10: RESTART_JOB
          on_completed: second
        - task_type: second
          container:
            image: alpine
          retry: 2
          script:
            - exit {{ Random 0 3 }}
          on_exit_code:
            1: FATAL
            2: RESTART_TASK
            3: ERR_XYZ
          on_completed: third
        - task_type: third
          container:
            image: alpine
          script:
            - date

        """;

    /// <summary>The same definition as JSON (an upload with <c>Content-Type: application/json</c>).</summary>
    public const string DefinitionJson = """
        {"job_type": "retry-job", "delay_between_retries": "6s", "retry": 2, "tasks": [
          {"task_type": "first", "method": "HTTP_GET", "timeout": "15s", "delay_between_retries": "5s",
           "script": ["https://jsonplaceholder.typicode.com/todos/1"], "on_exit_code": {"10": "RESTART_JOB"}, "on_completed": "second"},
          {"task_type": "second", "container": {"image": "alpine"}, "retry": 2, "script": ["exit {{ Random 0 3 }}"],
           "on_exit_code": {"1": "FATAL", "2": "RESTART_TASK", "3": "ERR_XYZ"}, "on_completed": "third"},
          {"task_type": "third", "container": {"image": "alpine"}, "script": ["date"]}]}
        """;

    private static readonly JobDto Job = new()
    {
        Id = JobId, JobType = "retry-job", Status = JobStatus.Queued, Params = new Dictionary<string, string> { ["Key"] = "Value" },
        SubmittedBy = "alice", DefinitionVersion = 1, CreatedAt = Created,
    };

    private static readonly JobDto FailedJob = Job with
    {
        Status = JobStatus.Failed, JobAttempt = 2, Succeeded = 1, Failed = 1, ErrorCode = "ERR_XYZ", FailedTask = "second", Retriable = true,
        StartedAt = Created.AddSeconds(1), EndedAt = Created.AddSeconds(25), QueueTime = 0.02,
        Tasks =
        [
            new TaskDto
            {
                TaskType = "first", Status = TaskRunStatus.Completed, Attempt = 1, ExitCode = 0, StartedAt = Created.AddSeconds(19), EndedAt = Created.AddSeconds(20),
                Attempts = [new AttemptDto(2, 1, Created.AddSeconds(19), Created.AddSeconds(20), 0, "COMPLETED", null, null)],
            },
            new TaskDto
            {
                TaskType = "second", Status = TaskRunStatus.Failed, Attempt = 1, ExitCode = 3, ErrorCode = "ERR_XYZ", StartedAt = Created.AddSeconds(21), EndedAt = Created.AddSeconds(25),
                Attempts = [new AttemptDto(2, 1, Created.AddSeconds(21), Created.AddSeconds(25), 3, "ERR_XYZ", "ERR_XYZ", null)],
            },
        ],
    };

    private static readonly DefinitionVersionDto Version = new("retry-job", 1, Created.AddMinutes(-5), "alice", "4f1c0e5d2b8a7c6e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a", ["first", "second", "third"]);

    private static readonly DefinitionDto Definition = new("retry-job", "stored", false, Version, [Version]) { Created = true, Diagnostics = [] };

    private static readonly ApprovalDto Approval = new(
        JobId, "deploy-job", "approve-prod", "awaiting_approval", 1, 0,
        new ApprovalPolicyDto(2, ["alice", "bob"], [], false, TimeSpan.FromHours(4), "ESCALATE", ["ops@example.com"]),
        [new VoteDto("alice", "APPROVED", "staging looks good", Created.AddMinutes(3))])
    {
        Description = "Deploy build 1.4.2 to production?", WaitingSince = Created.AddMinutes(2), Deadline = Created.AddMinutes(2).AddHours(4),
    };

    private static readonly ScheduleDto Schedule = new(
        "nightly-report", "0 2 * * *", "Europe/Berlin", 3, false, null, null, new DateTimeOffset(2026, 11, 24, 1, 0, 0, TimeSpan.Zero),
        [new DateTimeOffset(2026, 11, 25, 1, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 26, 1, 0, 0, TimeSpan.Zero)],
        [new MissedInstantDto(new DateTimeOffset(2026, 11, 22, 1, 0, 0, TimeSpan.Zero), "missed")], 1);

    private static readonly TokenDto Token = new("8c2f41d07a9e4b13", "ci-bot", false, Created, null) { Scopes = ["read", "submit"] };

    private static readonly LineageJobDto LineageRoot = new()
    {
        Id = JobId, Status = JobStatus.Failed, ErrorCode = "ERR_XYZ", SubmittedBy = "alice", DefinitionVersion = 1, JobAttempts = 3, TaskAttempts = 7,
        Attempts = [new LineageAttemptDto(2, "second", 1, 3, "ERR_XYZ", "ERR_XYZ", Created.AddSeconds(25))], CreatedAt = Created, EndedAt = Created.AddSeconds(25),
    };

    private static readonly LineageJobDto LineageRetry = new()
    {
        Id = RetryId, RetryOf = JobId, Status = JobStatus.Completed, SubmittedBy = "alice", DefinitionVersion = 1, JobAttempts = 1, TaskAttempts = 3,
        ParamsChanged = new Dictionary<string, string> { ["Key"] = "Other" }, CreatedAt = Created.AddMinutes(10), EndedAt = Created.AddMinutes(10).AddSeconds(20),
    };

    private static readonly Dictionary<Type, object> Bodies = new()
    {
        [typeof(JobRequestBody)] = new JobRequestBody { JobType = "retry-job", Params = new Dictionary<string, JsonElement> { ["Key"] = JsonSerializer.SerializeToElement("Value") } },
        [typeof(JobUpdateBody)] = new JobUpdateBody { Priority = 5, Description = "rerun after the fix", ScheduledAt = Created.AddHours(1) },
        [typeof(RetryBody)] = new RetryBody { Params = new Dictionary<string, JsonElement> { ["Key"] = JsonSerializer.SerializeToElement("Other") }, Definition = "pinned" },
        [typeof(BulkRetryBody)] = new BulkRetryBody { Ids = [JobId, "01a20ce4303176b5a24d60f29542f1b8"] },
        [typeof(VoteBody)] = new VoteBody { Decision = "APPROVED", Comments = "staging looks good" },
        [typeof(ConfigBody)] = new ConfigBody("https://hooks.example.com/deploy", Secret: false),
        [typeof(TokenRequestBody)] = new TokenRequestBody("ci-bot", Scopes: ["read", "submit"]),
        [typeof(JsonElement)] = JsonSerializer.SerializeToElement(new
        {
            @ref = "refs/heads/main", head_commit = new { id = "abc123" }, repository = new { full_name = "acme/api" }, pusher = new { name = "octocat" },
        }),
        [typeof(string)] = DefinitionYaml,

        [typeof(JobDto)] = Job,
        [typeof(JobListDto)] = new JobListDto([Job with { Id = RetryId, RetryOf = JobId, RetryRoot = JobId }, FailedJob with { Tasks = null, Retriable = null, RetryIds = [RetryId], RetryCount = 1 }], 2, 0, 50),
        [typeof(JobApiJob)] = JobApiJob.Of(FailedJob),
        [typeof(IReadOnlyList<JobApiJob>)] = new[]
        {
            JobApiJob.Of(Job with { Id = RetryId, RetryOf = JobId, RetryRoot = JobId }), JobApiJob.Of(FailedJob with { Retriable = null, RetryIds = [RetryId], RetryCount = 1 }),
        },
        [typeof(IReadOnlyList<EventDto>)] = new[]
        {
            new EventDto(1, "job_requested", Created, JsonSerializer.SerializeToElement(new { job_type = "retry-job", @params = new { Key = "Value" } })),
            new EventDto(2, "job_started", Created.AddSeconds(1), JsonSerializer.SerializeToElement(new { worker = "host-1" })),
        },
        [typeof(IReadOnlyList<NotificationRecord>)] = new[]
        {
            new NotificationRecord(
                Guid.Parse("0193f0c1-7a2b-7c3d-8e4f-5a6b7c8d9e0f"), JobId, "webhook", "FAILED", null, "http://127.0.0.1:8080/hook", "sent", 1, Created.AddSeconds(25), Created.AddSeconds(25),
                Created.AddSeconds(26), null, [new NotificationSend(1, Created.AddSeconds(26), true, null, "host-1")]),
        },
        [typeof(IReadOnlyList<LogLineDto>)] = new[]
        {
            new LogLineDto("second", 1, 0, Created.AddSeconds(21), "stdout", "$ exit 3"),
            new LogLineDto("second", 1, 1, Created.AddSeconds(25), "system", "exit code 3"),
        },
        [typeof(IReadOnlyList<ArtifactDto>)] = new[]
        {
            new ArtifactDto("third", 1, "report.txt", 1280, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Created.AddSeconds(30), Created.AddDays(30),
                $"/api/jobs/requests/{JobId}/artifacts/third/1/report.txt"),
        },
        [typeof(IReadOnlyList<CacheDto>)] = new[]
        {
            new CacheDto("node-build", "f71327a34493d0c79a54968ab36d46939969cd63087388ffe6139711e3d1ddcd", "611e36b42d98c1a0f0e4b4f7d2a7e6f3c9b1d0e8a5f4c3b2a1908f7e6d5c4b3a",
                4608, Created.AddSeconds(40), Created.AddDays(30).AddSeconds(40), "build", JobId),
        },
        [typeof(BulkRetryDto)] = new BulkRetryDto(
            [
                new BulkRetryItemDto(JobId, 200) { RetryId = RetryId },
                new BulkRetryItemDto("01a20ce4303176b5a24d60f29542f1b8", 409)
                {
                    Error = new ApiError("Job 01a20ce4303176b5a24d60f29542f1b8 is running; only a failed or cancelled job can be retried.", "not_retriable"),
                },
            ], 1, 1),
        [typeof(LineageDto)] = new LineageDto(JobId, 1, RetryId, RetryId, null, [LineageRoot, LineageRetry]),
        [typeof(LineageListDto)] = new LineageListDto(
            [new LineageSummaryDto(JobId, "retry-job", 1, RetryId, JobStatus.Completed, RetryId, null,
                [new LineageJobBriefDto(JobId, null, JobStatus.Failed, "ERR_XYZ", Created, Created.AddSeconds(25)), new LineageJobBriefDto(RetryId, JobId, JobStatus.Completed, null, Created.AddMinutes(10), Created.AddMinutes(10).AddSeconds(20))])],
            1, 0, 50),
        [typeof(ApprovalDto)] = Approval,
        [typeof(PendingApprovalsDto)] = new PendingApprovalsDto([Approval], 1, 0, 50),
        [typeof(DefinitionDto)] = Definition,
        [typeof(IReadOnlyList<DefinitionSummaryDto>)] = new[] { new DefinitionSummaryDto("retry-job", "stored", 1, false), new DefinitionSummaryDto("hello", "compiled", null, false) },
        [typeof(DefinitionVersionDto)] = Version with { Source = DefinitionYaml },
        [typeof(ConfigDto)] = new ConfigDto("deploy-job", "WebhookUrl", "https://hooks.example.com/deploy", false, "job", Created, "alice"),
        [typeof(IReadOnlyList<ConfigDto>)] = new[]
        {
            new ConfigDto("deploy-job", "WebhookUrl", "https://hooks.example.com/deploy", false, "job", Created, "alice"),
            new ConfigDto("deploy-job", "DeployToken", null, true, "job", Created, "alice"),
        },
        [typeof(ScheduleDto)] = Schedule,
        [typeof(ScheduleListDto)] = new ScheduleListDto([Schedule]),
        [typeof(TokenDto)] = Token with { Token = "wf_8c2f41d07a9e4b13_q3Jk9vX2mZ7pL0sR5tY8wB1nC4eF6hA9dG2jK5mN8pQ" },
        [typeof(IReadOnlyList<TokenDto>)] = new[] { new TokenDto("1d9e5a7c3b2f4e60", "admin", true, Created.AddDays(-7), null) { Scopes = ["admin"] }, Token },
        [typeof(TriggerResultDto)] = new TriggerResultDto { RequestId = "01a2511e6e54789f901cc999db23e8d0" },
    };

    private static readonly Dictionary<int, ApiError> Errors = new()
    {
        [400] = new ApiError("The request body is not valid JSON for this endpoint at line 1, byte 14: '}' is invalid after a property name.", "malformed_json"),
        [401] = new ApiError("The request has no Authorization header: send `Authorization: Bearer <token>`. Create a token with `workflows tokens create NAME`.", "unauthorized"),
        [404] = new ApiError($"No job has the id '{JobId}'. GET /api/jobs/requests lists jobs.", "not_found"),
        [409] = new ApiError($"Job {JobId} is running; only a failed or cancelled job can be retried.", "not_retriable"),
        [410] = new ApiError($"Job {JobId} was deleted at 2026-11-25T08:00:00.0000000+00:00; its events are archived in the database, not served.", "deleted"),
        [413] = new ApiError("The request body (70000 bytes) is larger than the limit of 65536 bytes; nothing was stored. Send a smaller body, or raise Workflows:Api:MaxBodyBytes on the host.", "body_too_large"),
        [415] = new ApiError("Content-Type 'text/html' is not JSON: send the body with `Content-Type: application/json`.", "unsupported_content_type"),
        [422] = new ApiError("Trigger 'on-push' of job type 'webhook-ci-trigger' could not render its params: template 'branch' failed at 1:10.", "trigger_template_failed"),
        [429] = new ApiError("Too many failed sign-ins from this address (10 within 00:01:00): wait 42 s (Retry-After) and check the token (`workflows tokens list` shows the live ones).", "too_many_failed_sign_ins"),
        [503] = new ApiError(Http.DatabaseUnavailable.Message, "database_unavailable"),
    };

    /// <summary>The example of a body of <paramref name="type"/> as JSON, or null when there is none.</summary>
    public static JsonNode? For(Type type) => Bodies.TryGetValue(type, out var value)
        ? value is string text ? JsonValue.Create(text) : JsonSerializer.SerializeToNode(value, type, ApiJson.Options)
        : null;

    /// <summary>The example error for <paramref name="status"/>, or null; a 403 names the endpoint's scope as <see cref="Security.ScopeRequirement"/> does.</summary>
    /// <param name="status">The status.</param>
    /// <param name="scope">The endpoint's scope, if it has one.</param>
    /// <param name="action">What the endpoint does ("submit jobs").</param>
    public static JsonNode? Error(int status, string? scope = null, string? action = null)
    {
        if (status == 403)
        {
            scope ??= "admin";
            var how = scope == "define" ? "`workflows tokens create NAME --scope define` (every job type) or `--scope define:JOB_TYPE` (one)" : $"`workflows tokens create NAME --scope {scope}`";
            return JsonSerializer.SerializeToNode(
                new ApiError($"Token 'viewer' may not {action ?? "use this endpoint"}: that needs the '{scope}' scope, and the token has read. An admin creates a token with it: {how}.", "forbidden"),
                ApiJson.Options);
        }

        return Errors.TryGetValue(status, out var error) ? JsonSerializer.SerializeToNode(error, ApiJson.Options) : null;
    }
}
