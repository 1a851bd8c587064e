using Workflows.Api.Contracts;
using Workflows.Api.Operations;
using Workflows.Marten;

namespace Workflows.Host.Backends;

/// <summary>
/// What the command line asks of Workflows, answered the same way by a server over HTTP (<c>--server URL --token T</c>)
/// and by the embedded default in process: the API's operations and their results.
/// </summary>
internal interface IWorkflowsBackend : IAsyncDisposable
{
    /// <summary>Where the answers come from, for messages (a URL, or the embedded database).</summary>
    string Description { get; }

    /// <summary>Starts the workers here, so a job submitted by <c>run --wait</c> runs without a server (embedded default only).</summary>
    Task StartWorkersAsync(CancellationToken cancellationToken);

    Task<ApiResult<DefinitionDto>> UploadDefinitionAsync(string text, CancellationToken cancellationToken);

    Task<ApiResult<JobDto>> SubmitAsync(JobRequestBody body, CancellationToken cancellationToken);

    Task<ApiResult<JobListDto>> ListJobsAsync(JobQuery query, CancellationToken cancellationToken);

    Task<ApiResult<JobDto>> GetJobAsync(string id, CancellationToken cancellationToken);

    Task<ApiResult<JobDto>> CancelJobAsync(string id, CancellationToken cancellationToken);

    Task<ApiResult<JobDto>> PauseJobAsync(string id, CancellationToken cancellationToken);

    Task<ApiResult<JobDto>> ResumeJobAsync(string id, CancellationToken cancellationToken);

    Task<ApiResult<IReadOnlyList<EventDto>>> EventsAsync(string id, CancellationToken cancellationToken);

    Task<ApiResult<IReadOnlyList<LogLineDto>>> LogsAsync(string id, string? taskType, CancellationToken cancellationToken);

    Task<ApiResult<JobDto>> RetryAsync(string id, RetryBody body, CancellationToken cancellationToken);

    Task<ApiResult<BulkRetryDto>> RetryManyAsync(BulkRetryBody body, CancellationToken cancellationToken);

    Task<ApiResult<LineageDto>> LineageAsync(string id, CancellationToken cancellationToken);

    Task<ApiResult<TokenDto>> CreateTokenAsync(TokenRequestBody body, CancellationToken cancellationToken);

    Task<ApiResult<IReadOnlyList<TokenDto>>> ListTokensAsync(CancellationToken cancellationToken);

    Task<ApiResult<TokenDto>> RevokeTokenAsync(string nameOrId, CancellationToken cancellationToken);

    Task<ApiResult<IReadOnlyList<ConfigDto>>> ListConfigsAsync(string jobType, CancellationToken cancellationToken);

    Task<ApiResult<ConfigDto>> SetConfigAsync(string jobType, string name, ConfigBody body, CancellationToken cancellationToken);

    Task<ApiResult<bool>> DeleteConfigAsync(string jobType, string name, CancellationToken cancellationToken);

    Task<ApiResult<PendingApprovalsDto>> PendingApprovalsAsync(int offset, int limit, CancellationToken cancellationToken);

    Task<ApiResult<ApprovalDto>> VoteAsync(string id, string taskType, VoteBody body, CancellationToken cancellationToken);

    Task<ApiResult<ScheduleListDto>> ListSchedulesAsync(CancellationToken cancellationToken);

    Task<ApiResult<IReadOnlyList<CacheDto>>> ListCachesAsync(string? jobType, CancellationToken cancellationToken);

    Task<ApiResult<ScheduleDto>> PauseScheduleAsync(string jobType, CancellationToken cancellationToken);

    Task<ApiResult<ScheduleDto>> ResumeScheduleAsync(string jobType, CancellationToken cancellationToken);

    Task<ApiResult<JobDto>> TriggerScheduleAsync(string jobType, CancellationToken cancellationToken);
}
