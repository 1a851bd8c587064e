using System.Text.Json;

namespace Workflows.Api.Contracts;

/// <summary>The body of <c>POST /api/jobs/requests/{id}/retry</c> (all optional).</summary>
public sealed record RetryBody
{
    /// <summary>Retry another token's job: needs an admin token and this flag, explicitly.</summary>
    public bool AsAdmin { get; init; }

    /// <summary>Parameters to change against the retried job's (recorded in the lineage as a diff).</summary>
    public Dictionary<string, JsonElement>? Params { get; init; }

    /// <summary><c>pinned</c> (default: the retried job's definition version) or <c>latest</c> (the job type's current definition).</summary>
    public string? Definition { get; init; }

    /// <summary>Resume from the failed task, keeping completed tasks and their artifacts (default: rerun from the start).</summary>
    public bool Resume { get; init; }

    /// <summary>Container limits to change, by task: <c>{"build": {"memory_limit": "1Gi", "cpu_limit": "2"}}</c>.</summary>
    public Dictionary<string, ContainerLimitsDto>? Resources { get; init; }
}

/// <summary>New container limits for a task of a retry; an absent field keeps the definition's.</summary>
/// <param name="CpuLimit">CPUs, e.g. <c>2</c> or <c>500m</c>.</param>
/// <param name="MemoryLimit">Memory, e.g. <c>1Gi</c> or <c>512m</c>.</param>
public sealed record ContainerLimitsDto(string? CpuLimit = null, string? MemoryLimit = null);

/// <summary>The body of <c>POST /api/jobs/requests/retry</c>: retry many jobs, answered per id.</summary>
public sealed record BulkRetryBody
{
    /// <summary>The jobs to retry (at most 1,000).</summary>
    public List<string>? Ids { get; init; }

    /// <summary>Retry other tokens' jobs too (admin token only).</summary>
    public bool AsAdmin { get; init; }

    /// <summary>Resume each from its failed task (default: rerun from the start).</summary>
    public bool Resume { get; init; }
}

/// <summary>The answer for one id of a bulk retry: the new job, or the error for this id alone.</summary>
/// <param name="Id">The id asked for.</param>
/// <param name="Status">The HTTP status this id alone would have had (200, 403, 404, 409, 410).</param>
public sealed record BulkRetryItemDto(string Id, int Status)
{
    /// <summary>The new job's id, when retried.</summary>
    public string? RetryId { get; init; }

    /// <summary>
    /// For <c>PUT …/retries/retry</c>: a failed retry that a later retry of the lineage has already retried (that
    /// retry's id); nothing new is queued for it.
    /// </summary>
    public string? RetriedBy { get; init; }

    /// <summary>The error, when not.</summary>
    public ApiError? Error { get; init; }
}

/// <summary>The answer of a bulk retry: one item per id, in the order asked; never all-or-nothing.</summary>
/// <param name="Results">Per id.</param>
/// <param name="Retried">How many were retried.</param>
/// <param name="Refused">How many were refused (an error).</param>
public sealed record BulkRetryDto(IReadOnlyList<BulkRetryItemDto> Results, int Retried, int Refused);

/// <summary>A job's lineage: its root, and every manual retry of the root in order, each with its own automatic attempts.</summary>
/// <param name="RootId">The lineage's root.</param>
/// <param name="RetryCount">Manual retries of the root.</param>
/// <param name="LatestId">The newest job of the lineage.</param>
/// <param name="EffectiveId">The job whose outcome stands: the completed one if any, else the newest.</param>
/// <param name="InFlightId">The retry that is queued or running, if any.</param>
/// <param name="Jobs">The root, then its retries, oldest first.</param>
public sealed record LineageDto(string RootId, int RetryCount, string LatestId, string EffectiveId, string? InFlightId, IReadOnlyList<LineageJobDto> Jobs);

/// <summary>One job of a lineage.</summary>
public sealed record LineageJobDto
{
    /// <summary>The job's id.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>The job it retried (null for the root).</summary>
    public string? RetryOf { get; init; }

    /// <summary>Its state.</summary>
    public Runtime.JobStatus Status { get; init; }

    /// <summary>Its error code.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Who submitted or retried it.</summary>
    public string? SubmittedBy { get; init; }

    /// <summary>The definition version it ran.</summary>
    public int? DefinitionVersion { get; init; }

    /// <summary>Automatic job attempts (job retries and RESTART_JOB) it made.</summary>
    public int JobAttempts { get; init; }

    /// <summary>Task attempts it made, over all its job attempts.</summary>
    public int TaskAttempts { get; init; }

    /// <summary>Every ended task attempt, in order, with the job attempt it ran in: the automatic retries inside this job.</summary>
    public IReadOnlyList<LineageAttemptDto> Attempts { get; init; } = [];

    /// <summary>Parameters it changed against the job it retried.</summary>
    public IReadOnlyDictionary<string, string>? ParamsChanged { get; init; }

    /// <summary>True when a retry was made by an admin on another token's job.</summary>
    public bool? AsAdmin { get; init; }

    /// <summary>For a resumed retry: the task it started from.</summary>
    public string? ResumedFrom { get; init; }

    /// <summary>Container limits it changed against the job it retried, by task.</summary>
    public IReadOnlyDictionary<string, string>? ResourcesChanged { get; init; }

    /// <summary>When it was requested.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndedAt { get; init; }
}

/// <summary>One ended task attempt of a lineage job.</summary>
/// <param name="JobAttempt">The job attempt it ran in (job retries and RESTART_JOB add one).</param>
/// <param name="TaskType">The task.</param>
/// <param name="Attempt">The task attempt.</param>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="Action">What the exit-code map made of it.</param>
/// <param name="ErrorCode">Its error code.</param>
/// <param name="EndedAt">When it ended.</param>
public sealed record LineageAttemptDto(int JobAttempt, string TaskType, int Attempt, int? ExitCode, string Action, string? ErrorCode, DateTimeOffset EndedAt);

/// <summary>A page of lineages (roots that have been retried), the most recently changed first.</summary>
/// <param name="Lineages">The lineages of this page.</param>
/// <param name="Total">How many lineages there are.</param>
/// <param name="Offset">The page's offset.</param>
/// <param name="Limit">The page size asked for.</param>
public sealed record LineageListDto(IReadOnlyList<LineageSummaryDto> Lineages, long Total, int Offset, int Limit);

/// <summary>One lineage in a list: its root, where it stands, and each of its jobs in brief.</summary>
/// <param name="RootId">The root job.</param>
/// <param name="JobType">The job type.</param>
/// <param name="RetryCount">How many retries the root has.</param>
/// <param name="LatestId">The newest job of the lineage.</param>
/// <param name="LatestStatus">Its state.</param>
/// <param name="EffectiveId">The job whose result counts: the last completed one, else the latest.</param>
/// <param name="InFlightId">The retry still queued or running, if any.</param>
/// <param name="Jobs">The root, then its retries in the order they were made.</param>
public sealed record LineageSummaryDto(
    string RootId, string JobType, int RetryCount, string LatestId, Runtime.JobStatus LatestStatus, string EffectiveId, string? InFlightId, IReadOnlyList<LineageJobBriefDto> Jobs);

/// <summary>One job of a listed lineage.</summary>
/// <param name="Id">The job.</param>
/// <param name="RetryOf">The job it retried (null for the root).</param>
/// <param name="Status">Its state.</param>
/// <param name="ErrorCode">Its error code.</param>
/// <param name="CreatedAt">When it was submitted.</param>
/// <param name="EndedAt">When it ended.</param>
public sealed record LineageJobBriefDto(string Id, string? RetryOf, Runtime.JobStatus Status, string? ErrorCode, DateTimeOffset? CreatedAt, DateTimeOffset? EndedAt);
