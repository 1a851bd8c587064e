using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Workflows.Api.Contracts;
using Workflows.Api.Operations;
using Workflows.Marten;

namespace Workflows.Host.Backends;

/// <summary>A Workflows server over HTTP, with a bearer token; its JSON read into the API's own types.</summary>
internal sealed class RemoteBackend : IWorkflowsBackend
{
    private readonly HttpClient _http;

    public RemoteBackend(Uri server, string? token)
    {
        _http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(100) };
        if (!string.IsNullOrEmpty(token))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public string Description => _http.BaseAddress!.ToString();

    public Task StartWorkersAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<ApiResult<DefinitionDto>> UploadDefinitionAsync(string text, CancellationToken cancellationToken) =>
        SendAsync<DefinitionDto>(HttpMethod.Post, "api/jobs/definitions", new StringContent(text, Encoding.UTF8, "application/yaml"), cancellationToken);

    public Task<ApiResult<JobDto>> SubmitAsync(JobRequestBody body, CancellationToken cancellationToken) =>
        SendAsync<JobDto>(HttpMethod.Post, "api/jobs/requests", JsonContent.Create(body, options: ApiJson.Options), cancellationToken);

    public Task<ApiResult<JobListDto>> ListJobsAsync(JobQuery query, CancellationToken cancellationToken)
    {
        var parameters = new List<string> { "offset=" + query.Offset.ToString(CultureInfo.InvariantCulture), "limit=" + query.Limit.ToString(CultureInfo.InvariantCulture) };
        if (query.Status is { } status)
        {
            parameters.Add("status=" + JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString()));
        }

        if (query.JobType is { } type)
        {
            parameters.Add("job_type=" + Uri.EscapeDataString(type));
        }

        return SendAsync<JobListDto>(HttpMethod.Get, "api/jobs/requests?" + string.Join('&', parameters), null, cancellationToken);
    }

    public Task<ApiResult<JobDto>> GetJobAsync(string id, CancellationToken cancellationToken) =>
        SendAsync<JobDto>(HttpMethod.Get, "api/jobs/requests/" + Uri.EscapeDataString(id), null, cancellationToken);

    public Task<ApiResult<JobDto>> CancelJobAsync(string id, CancellationToken cancellationToken) =>
        SendAsync<JobDto>(HttpMethod.Post, $"api/jobs/requests/{Uri.EscapeDataString(id)}/cancel", null, cancellationToken);

    public Task<ApiResult<JobDto>> PauseJobAsync(string id, CancellationToken cancellationToken) =>
        SendAsync<JobDto>(HttpMethod.Post, $"api/jobs/requests/{Uri.EscapeDataString(id)}/pause", null, cancellationToken);

    public Task<ApiResult<JobDto>> ResumeJobAsync(string id, CancellationToken cancellationToken) =>
        SendAsync<JobDto>(HttpMethod.Post, $"api/jobs/requests/{Uri.EscapeDataString(id)}/resume", null, cancellationToken);

    public Task<ApiResult<IReadOnlyList<EventDto>>> EventsAsync(string id, CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<EventDto>>(HttpMethod.Get, $"api/jobs/requests/{Uri.EscapeDataString(id)}/events", null, cancellationToken);

    public Task<ApiResult<IReadOnlyList<LogLineDto>>> LogsAsync(string id, string? taskType, CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<LogLineDto>>(HttpMethod.Get, $"api/jobs/requests/{Uri.EscapeDataString(id)}/logs" + (taskType is null ? string.Empty : "?task=" + Uri.EscapeDataString(taskType)), null, cancellationToken);

    public Task<ApiResult<JobDto>> RetryAsync(string id, RetryBody body, CancellationToken cancellationToken) =>
        SendAsync<JobDto>(HttpMethod.Post, $"api/jobs/requests/{Uri.EscapeDataString(id)}/retry", JsonContent.Create(body, options: ApiJson.Options), cancellationToken);

    public Task<ApiResult<BulkRetryDto>> RetryManyAsync(BulkRetryBody body, CancellationToken cancellationToken) =>
        SendAsync<BulkRetryDto>(HttpMethod.Post, "api/jobs/requests/retry", JsonContent.Create(body, options: ApiJson.Options), cancellationToken);

    public Task<ApiResult<LineageDto>> LineageAsync(string id, CancellationToken cancellationToken) =>
        SendAsync<LineageDto>(HttpMethod.Get, $"api/jobs/requests/{Uri.EscapeDataString(id)}/lineage", null, cancellationToken);

    public Task<ApiResult<TokenDto>> CreateTokenAsync(TokenRequestBody body, CancellationToken cancellationToken) =>
        SendAsync<TokenDto>(HttpMethod.Post, "api/tokens", JsonContent.Create(body, options: ApiJson.Options), cancellationToken);

    public Task<ApiResult<IReadOnlyList<TokenDto>>> ListTokensAsync(CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<TokenDto>>(HttpMethod.Get, "api/tokens", null, cancellationToken);

    public Task<ApiResult<TokenDto>> RevokeTokenAsync(string nameOrId, CancellationToken cancellationToken) =>
        SendAsync<TokenDto>(HttpMethod.Delete, "api/tokens/" + Uri.EscapeDataString(nameOrId), null, cancellationToken);

    public Task<ApiResult<IReadOnlyList<ConfigDto>>> ListConfigsAsync(string jobType, CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<ConfigDto>>(HttpMethod.Get, ConfigsPath(jobType), null, cancellationToken);

    public Task<ApiResult<ConfigDto>> SetConfigAsync(string jobType, string name, ConfigBody body, CancellationToken cancellationToken) =>
        SendAsync<ConfigDto>(HttpMethod.Put, ConfigsPath(jobType) + "/" + Uri.EscapeDataString(name), JsonContent.Create(body, options: ApiJson.Options), cancellationToken);

    public Task<ApiResult<bool>> DeleteConfigAsync(string jobType, string name, CancellationToken cancellationToken) =>
        SendAsync<bool>(HttpMethod.Delete, ConfigsPath(jobType) + "/" + Uri.EscapeDataString(name), null, cancellationToken);

    public Task<ApiResult<PendingApprovalsDto>> PendingApprovalsAsync(int offset, int limit, CancellationToken cancellationToken) =>
        SendAsync<PendingApprovalsDto>(HttpMethod.Get, FormattableString.Invariant($"api/approvals/pending?offset={offset}&limit={limit}"), null, cancellationToken);

    public Task<ApiResult<ApprovalDto>> VoteAsync(string id, string taskType, VoteBody body, CancellationToken cancellationToken) =>
        SendAsync<ApprovalDto>(HttpMethod.Post, $"api/jobs/requests/{Uri.EscapeDataString(id)}/tasks/{Uri.EscapeDataString(taskType)}/vote", JsonContent.Create(body, options: ApiJson.Options), cancellationToken);

    public Task<ApiResult<ScheduleListDto>> ListSchedulesAsync(CancellationToken cancellationToken) =>
        SendAsync<ScheduleListDto>(HttpMethod.Get, "api/schedules", null, cancellationToken);

    public Task<ApiResult<IReadOnlyList<CacheDto>>> ListCachesAsync(string? jobType, CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<CacheDto>>(HttpMethod.Get, jobType is null ? "api/caches" : "api/caches?job_type=" + Uri.EscapeDataString(jobType), null, cancellationToken);

    public Task<ApiResult<ScheduleDto>> PauseScheduleAsync(string jobType, CancellationToken cancellationToken) =>
        SendAsync<ScheduleDto>(HttpMethod.Post, $"api/schedules/{Uri.EscapeDataString(jobType)}/pause", null, cancellationToken);

    public Task<ApiResult<ScheduleDto>> ResumeScheduleAsync(string jobType, CancellationToken cancellationToken) =>
        SendAsync<ScheduleDto>(HttpMethod.Post, $"api/schedules/{Uri.EscapeDataString(jobType)}/resume", null, cancellationToken);

    public Task<ApiResult<JobDto>> TriggerScheduleAsync(string jobType, CancellationToken cancellationToken) =>
        SendAsync<JobDto>(HttpMethod.Post, $"api/schedules/{Uri.EscapeDataString(jobType)}/trigger", null, cancellationToken);

    private static string ConfigsPath(string jobType) => $"api/jobs/definitions/{Uri.EscapeDataString(jobType)}/configs";

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            return ApiResult<T>.Fail(0, "server_unreachable", $"Cannot reach the server at {_http.BaseAddress}: {e.Message}. Start it with `workflows serve`, or check --server.");
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            try
            {
                if (response.IsSuccessStatusCode)
                {
                    return ApiResult<T>.Ok(body.Length == 0 ? default! : JsonSerializer.Deserialize<T>(body, ApiJson.Options)!, status);
                }

                var error = body.Length == 0 ? null : JsonSerializer.Deserialize<ApiError>(body, ApiJson.Options);
                return ApiResult<T>.Fail(status, error ?? new ApiError($"The server answered {status} {response.ReasonPhrase} without a body.", "http_" + status));
            }
            catch (JsonException)
            {
                return ApiResult<T>.Fail(status == 200 ? 502 : status, "not_a_workflows_server",
                    $"{_http.BaseAddress} answered {status} with something that is not a Workflows API answer; is --server the Workflows host?");
            }
        }
    }
}
