using System.Text.Json;
using System.Text.Json.Serialization;
using Workflows.Runtime;

namespace Workflows.Api.Contracts;

/// <summary>The body of <c>POST /api/jobs/requests</c>.</summary>
public sealed record JobRequestBody
{
    /// <summary>The job type (required).</summary>
    public string? JobType { get; init; }

    /// <summary>Parameters: strings, numbers or booleans (template variables such as <c>{{.Greeting}}</c>).</summary>
    public Dictionary<string, JsonElement>? Params { get; init; }

    /// <summary>Higher runs first (default 0).</summary>
    public int? Priority { get; init; }

    /// <summary>The named queue (default <c>default</c>).</summary>
    public string? Queue { get; init; }

    /// <summary>A free-text description.</summary>
    public string? Description { get; init; }

    /// <summary>Not started before this time (ISO 8601).</summary>
    public DateTimeOffset? ScheduledAt { get; init; }

    /// <summary>A queueing lock: at most one job with this key runs at a time (e.g. one deploy per environment).</summary>
    public string? LockKey { get; init; }

    /// <summary>
    /// formicary's <c>user_key</c>: while a job of the type with this key is queued or running, submitting again answers
    /// that job (200) and submits nothing; once it has ended, the key is free (a new job, 201).
    /// </summary>
    public string? UserKey { get; init; }
}

/// <summary>The body of <c>PUT /api/jobs/requests/{id}</c>: changes to a queued job; absent fields stay.</summary>
public sealed record JobUpdateBody
{
    /// <summary>The new priority.</summary>
    public int? Priority { get; init; }

    /// <summary>The new description.</summary>
    public string? Description { get; init; }

    /// <summary>The new earliest start.</summary>
    public DateTimeOffset? ScheduledAt { get; init; }
}

/// <summary>A page of jobs, newest first.</summary>
/// <param name="Jobs">The jobs of this page (without their task details).</param>
/// <param name="Total">How many match in all.</param>
/// <param name="Offset">The page's offset.</param>
/// <param name="Limit">The page size asked for.</param>
public sealed record JobListDto(IReadOnlyList<JobDto> Jobs, long Total, int Offset, int Limit)
{
    /// <summary>Where the next page starts, when more jobs match; a page stops early (fewer than <see cref="Limit"/>) when its jobs are large.</summary>
    public int? NextOffset { get; init; }
}

/// <summary>A job run: state, counters, times and (for one job) its tasks and their attempts.</summary>
public sealed record JobDto
{
    /// <summary>The job's id.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>The job type.</summary>
    public string JobType { get; init; } = string.Empty;

    /// <summary>queued, running, paused (by PAUSE_JOB, or by an operator: see <c>paused_by</c>), awaiting_approval (a MANUAL task waits for votes), ending (running cleanup), cancelling, completed, failed or cancelled.</summary>
    public JobStatus Status { get; init; }

    /// <summary>Higher runs first.</summary>
    public int Priority { get; init; }

    /// <summary>The named queue.</summary>
    public string Queue { get; init; } = "default";

    /// <summary>Request parameters.</summary>
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();

    /// <summary>A free-text description.</summary>
    public string? Description { get; init; }

    /// <summary>The token that submitted it (null for jobs submitted in process).</summary>
    public string? SubmittedBy { get; init; }

    /// <summary>The stored definition version it is pinned to (null for a compiled workflow).</summary>
    public int? DefinitionVersion { get; init; }

    /// <summary>The job attempt, from 0 (job retries and RESTART_JOB add one).</summary>
    public int JobAttempt { get; init; }

    /// <summary>Pauses so far (PAUSE_JOB and operators'); <c>job_attempt</c> plus <c>pauses</c> is the <c>JobRetry</c> template variable.</summary>
    public int Pauses { get; init; }

    /// <summary>Who paused the job, while an operator's pause holds it: it waits for <c>POST …/{id}/resume</c>.</summary>
    public string? PausedBy { get; init; }

    /// <summary>Who asked to pause the job while its task runs: it pauses when that attempt ends.</summary>
    public string? PauseRequestedBy { get; init; }

    /// <summary>Tasks that completed (<c>num_success</c>, as before: the Job API's numSuccess in this API's snake case).</summary>
    [JsonPropertyName("num_success")]
    public int Succeeded { get; init; }

    /// <summary>Tasks that failed and fail the job (<c>num_error</c>).</summary>
    [JsonPropertyName("num_error")]
    public int Failed { get; init; }

    /// <summary>Tasks that failed but allow_failure ignores (<c>num_ignore</c>).</summary>
    [JsonPropertyName("num_ignore")]
    public int Ignored { get; init; }

    /// <summary>The job's error code (e.g. ERR_XYZ), once failed.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The task that failed the job.</summary>
    public string? FailedTask { get; init; }

    /// <summary>Why the system cancelled the job (e.g. the reaper), when it did.</summary>
    public string? CancelReason { get; init; }

    /// <summary>
    /// True when a manual retry would be accepted (the decider's rules: ended failed or cancelled, not a batch parent,
    /// under max_manual_retries, no retry of its root in flight); only when one job is asked for.
    /// </summary>
    public bool? Retriable { get; init; }

    /// <summary>For a manual retry: the job it retried.</summary>
    public string? RetryOf { get; init; }

    /// <summary>For a manual retry: the lineage's root.</summary>
    public string? RetryRoot { get; init; }

    /// <summary>For a root: its manual retries, oldest first.</summary>
    public IReadOnlyList<string>? RetryIds { get; init; }

    /// <summary>For a root: how many manual retries it has.</summary>
    public int RetryCount { get; init; }

    /// <summary>For a forked (batch child) job: the batch parent.</summary>
    public string? ParentJobId { get; init; }

    /// <summary>For a forked job: the parent's FORK_JOB task.</summary>
    public string? ForkTask { get; init; }

    /// <summary>The job's queueing lock key.</summary>
    public string? LockKey { get; init; }

    /// <summary>The job's <c>user_key</c> (formicary's deduplication key), when it was submitted with one.</summary>
    public string? UserKey { get; init; }

    /// <summary>For a batch parent: the jobs it forked, retries of children included, oldest first (only when one job is asked for).</summary>
    public IReadOnlyList<string>? Children { get; init; }

    /// <summary>When it was requested.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Not started before this time.</summary>
    public DateTimeOffset? ScheduledAt { get; init; }

    /// <summary>When a worker started it.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Seconds between request (or scheduled time) and start.</summary>
    public double? QueueTime { get; init; }

    /// <summary>Each task of the current job attempt (only when one job is asked for).</summary>
    public IReadOnlyList<TaskDto>? Tasks { get; init; }
}

/// <summary>A task of a job: where it is, and each attempt's outcome.</summary>
public sealed record TaskDto
{
    /// <summary>The task's name.</summary>
    public string TaskType { get; init; } = string.Empty;

    /// <summary>ready, scheduled, started, executing (polling), awaiting_approval (a MANUAL task waiting for votes), completed, failed or cancelled.</summary>
    public TaskRunStatus Status { get; init; }

    /// <summary>The current attempt, from 1.</summary>
    public int Attempt { get; init; }

    /// <summary>How many EXECUTING polls it made.</summary>
    public int Polls { get; init; }

    /// <summary>The last exit code.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The task's error code.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>True when it failed and allow_failure ignored it.</summary>
    public bool Ignored { get; init; }

    /// <summary>True when its <c>except</c> said true and it was not run: completed with exit code SKIPPED (formicary's).</summary>
    public bool Skipped { get; init; }

    /// <summary>When the current attempt is due.</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>When the current attempt started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The outputs its latest attempt set (<c>::set-output</c>, C# <c>SetOutput</c>), which later tasks see as template variables; null when none.</summary>
    public IReadOnlyDictionary<string, string>? Outputs { get; init; }

    /// <summary>Every attempt of every job attempt, in order.</summary>
    public IReadOnlyList<AttemptDto> Attempts { get; init; } = [];

    /// <summary>
    /// When its attempt waits for a host with the task's <c>tags</c> and no live host has them all: those tags
    /// (lower-cased). The attempt stays scheduled and runs once a host with them starts (<c>workflows serve --tags</c>);
    /// null otherwise.
    /// </summary>
    public IReadOnlyList<string>? WaitingForTags { get; init; }
}

/// <summary>One ended attempt of a task.</summary>
/// <param name="JobAttempt">The job attempt it ran in.</param>
/// <param name="Attempt">The task attempt.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="ExitCode">Its exit code (null when it threw or timed out).</param>
/// <param name="Action">What the exit-code map made of it, as written in YAML: COMPLETED, FAILED, EXECUTING, RESTART_JOB, an ERR_* code or a task name.</param>
/// <param name="ErrorCode">The error code.</param>
/// <param name="ExceptionType">The exception type of an in-process task that threw.</param>
public sealed record AttemptDto(int JobAttempt, int Attempt, DateTimeOffset? StartedAt, DateTimeOffset EndedAt, int? ExitCode, string Action, string? ErrorCode, string? ExceptionType);

/// <summary>One event of a job's stream.</summary>
/// <param name="Sequence">1-based position in the stream.</param>
/// <param name="Type">The event type, e.g. <c>task_exited</c>.</param>
/// <param name="At">When it happened.</param>
/// <param name="Data">The event's fields.</param>
public sealed record EventDto(int Sequence, string Type, DateTimeOffset At, JsonElement Data);

/// <summary>One line of a task's log.</summary>
/// <param name="TaskType">The task.</param>
/// <param name="Attempt">The attempt.</param>
/// <param name="Sequence">Line number within the attempt, from 0.</param>
/// <param name="At">When it was written.</param>
/// <param name="Source">stdout, stderr or system.</param>
/// <param name="Line">The text.</param>
public sealed record LogLineDto(string TaskType, int Attempt, int Sequence, DateTimeOffset At, string Source, string Line);

/// <summary>An artifact a task stored.</summary>
/// <param name="TaskType">The task.</param>
/// <param name="Attempt">The attempt.</param>
/// <param name="Name">The artifact's name (path in the task).</param>
/// <param name="Size">Bytes.</param>
/// <param name="Sha256">SHA-256 of the content.</param>
/// <param name="CreatedAt">When it was stored.</param>
/// <param name="ExpiresAt">When it may be removed.</param>
/// <param name="Url">Where to download it.</param>
public sealed record ArtifactDto(string TaskType, int Attempt, string Name, long Size, string Sha256, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string Url);
