using System.Text.Json.Serialization;
using Workflows.Runtime;

namespace Workflows.Api.Contracts;

/// <summary>
/// A job in the Job API seed's schema, its field names as the seed writes them (<c>_id</c>, <c>numError</c>, …):
/// what <c>/api/jobs</c> answers. The same job as <see cref="JobDto"/>, translated at the edge.
/// </summary>
public sealed record JobApiJob
{
    /// <summary>The job's id.</summary>
    [JsonPropertyName("_id")]
    public string Id { get; init; } = string.Empty;

    /// <summary><c>flow</c>, or <c>retry</c> for a manual retry (the seed's types export, import, flow, retry).</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = "flow";

    /// <summary>The flow the job runs: its job type.</summary>
    [JsonPropertyName("_flowId")]
    public string FlowId { get; init; } = string.Empty;

    /// <summary>For a retry: the job it retried.</summary>
    [JsonPropertyName("_retryOfJobId")]
    public string? RetryOfJobId { get; init; }

    /// <summary>For a retry: the lineage's root (the original job its results stay associated with).</summary>
    [JsonPropertyName("_retryRootJobId")]
    public string? RetryRootJobId { get; init; }

    /// <summary>For a root: its retries, oldest first.</summary>
    [JsonPropertyName("retryIds")]
    public IReadOnlyList<string>? RetryIds { get; init; }

    /// <summary>For a root: how many retries it has.</summary>
    [JsonPropertyName("retryCount")]
    public int RetryCount { get; init; }

    /// <summary>When a worker started it.</summary>
    [JsonPropertyName("startedAt")]
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    [JsonPropertyName("endedAt")]
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>
    /// queued, running, completed, failed, canceled or canceling (the seed's schema spellings), or one of this engine's
    /// other states: paused, awaiting_approval, ending.
    /// </summary>
    [JsonPropertyName("status")]
    public string Status { get; init; } = string.Empty;

    /// <summary>Tasks that failed and fail the job.</summary>
    [JsonPropertyName("numError")]
    public int NumError { get; init; }

    /// <summary>Tasks that completed.</summary>
    [JsonPropertyName("numSuccess")]
    public int NumSuccess { get; init; }

    /// <summary>Tasks that failed but allow_failure ignores: a job can complete with them, and be retried for them.</summary>
    [JsonPropertyName("numIgnore")]
    public int NumIgnore { get; init; }

    /// <summary>True when a retry would be accepted (only when one job is asked for).</summary>
    [JsonPropertyName("retriable")]
    public bool? Retriable { get; init; }

    /// <summary>When it was requested.</summary>
    [JsonPropertyName("createdAt")]
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Seconds it waited in the queue.</summary>
    [JsonPropertyName("queueTime")]
    public double? QueueTime { get; init; }

    /// <summary>The job's error code, once failed.</summary>
    [JsonPropertyName("errorCode")]
    public string? ErrorCode { get; init; }

    /// <summary>The job's request parameters.</summary>
    [JsonPropertyName("params")]
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();

    /// <summary>The seed's job for <paramref name="job"/>.</summary>
    /// <param name="job">The job as the API shows it.</param>
    public static JobApiJob Of(JobDto job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new JobApiJob
        {
            Id = job.Id,
            Type = job.RetryOf is null ? "flow" : "retry",
            FlowId = job.JobType,
            RetryOfJobId = job.RetryOf,
            RetryRootJobId = job.RetryRoot,
            RetryIds = job.RetryIds,
            RetryCount = job.RetryCount,
            StartedAt = job.StartedAt,
            EndedAt = job.EndedAt,
            Status = StatusOf(job.Status),
            NumError = job.Failed,
            NumSuccess = job.Succeeded,
            NumIgnore = job.Ignored,
            Retriable = job.Retriable,
            CreatedAt = job.CreatedAt,
            QueueTime = job.QueueTime,
            ErrorCode = job.ErrorCode,
            Params = job.Params,
        };
    }

    /// <summary>The seed's spelling of a state (its schema writes 'canceled', 'canceling').</summary>
    /// <param name="status">The state.</param>
    public static string StatusOf(JobStatus status) => status switch
    {
        JobStatus.Cancelled => "canceled",
        JobStatus.Cancelling => "canceling",
        JobStatus.AwaitingApproval => "awaiting_approval",
        _ => status.ToString().ToLowerInvariant(),
    };
}
