using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Workflows.Api.Contracts;
using Workflows.Api.Operations;
using Workflows.Api.Security;
using Workflows.Host.Serving;
using Workflows.Marten;

namespace Workflows.Host.Backends;

/// <summary>
/// The embedded default (or <c>ConnectionStrings:Workflows</c>) in process: the same operations the HTTP API runs, as
/// the database's operator (an admin). Workers start only for <c>run --wait</c>.
/// </summary>
internal sealed class LocalBackend : IWorkflowsBackend
{
    private readonly IHost _host;
    private readonly WorkflowsOperations _operations;
    private readonly ApiCaller _caller = ApiCaller.Operator("cli:" + Environment.UserName);
    private readonly Task _ready;
    private bool _started;

    public LocalBackend(string[] configurationArgs)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = configurationArgs, ContentRootPath = HostSetup.ContentRoot });
        // The command's own output is the answer: only warnings and errors are logged, to standard error.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
        builder.Logging.ClearProviders().AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddWorkflows(builder.Configuration);
        // A command (even `run --wait`) is not a host that fires cron schedules: those are `serve`'s.
        builder.Services.PostConfigure<WorkflowsOptions>(options => options.RunSchedules = false);
        builder.Services.AddSingleton<WorkflowsOperations>();
        _host = builder.Build();
        _operations = _host.Services.GetRequiredService<WorkflowsOperations>();
        // The host's store never changes the schema lazily; apply it once before the first operation.
        _ready = _host.Services.GetRequiredService<JobStore>().EnsureSchemaAsync();
    }

    public string Description => "the local database (embedded default, or ConnectionStrings:Workflows)";

    public async Task StartWorkersAsync(CancellationToken cancellationToken)
    {
        await _host.StartAsync(cancellationToken).ConfigureAwait(false);
        _started = true;
    }

    public Task<ApiResult<DefinitionDto>> UploadDefinitionAsync(string text, CancellationToken cancellationToken) =>
        Ready(() => _operations.UploadDefinitionAsync(_caller, text, cancellationToken));

    public Task<ApiResult<JobDto>> SubmitAsync(JobRequestBody body, CancellationToken cancellationToken) =>
        Ready(() => _operations.SubmitAsync(_caller, body, cancellationToken));

    public Task<ApiResult<JobListDto>> ListJobsAsync(JobQuery query, CancellationToken cancellationToken) =>
        Ready(() => _operations.ListJobsAsync(query, cancellationToken));

    public Task<ApiResult<JobDto>> GetJobAsync(string id, CancellationToken cancellationToken) =>
        Ready(() => _operations.GetJobAsync(id, cancellationToken));

    public Task<ApiResult<JobDto>> CancelJobAsync(string id, CancellationToken cancellationToken) =>
        Ready(() => _operations.CancelJobAsync(_caller, id, cancellationToken));

    public Task<ApiResult<JobDto>> PauseJobAsync(string id, CancellationToken cancellationToken) =>
        Ready(() => _operations.PauseJobAsync(_caller, id, cancellationToken));

    public Task<ApiResult<JobDto>> ResumeJobAsync(string id, CancellationToken cancellationToken) =>
        Ready(() => _operations.ResumeJobAsync(_caller, id, cancellationToken));

    public Task<ApiResult<IReadOnlyList<EventDto>>> EventsAsync(string id, CancellationToken cancellationToken) =>
        Ready(() => _operations.EventsAsync(id, cancellationToken));

    public Task<ApiResult<IReadOnlyList<LogLineDto>>> LogsAsync(string id, string? taskType, CancellationToken cancellationToken) =>
        Ready(() => _operations.LogsAsync(id, taskType, cancellationToken));

    public Task<ApiResult<JobDto>> RetryAsync(string id, RetryBody body, CancellationToken cancellationToken) =>
        Ready(() => _operations.RetryAsync(_caller, id, body, cancellationToken));

    public Task<ApiResult<BulkRetryDto>> RetryManyAsync(BulkRetryBody body, CancellationToken cancellationToken) =>
        Ready(() => _operations.RetryManyAsync(_caller, body, cancellationToken));

    public Task<ApiResult<LineageDto>> LineageAsync(string id, CancellationToken cancellationToken) =>
        Ready(() => _operations.LineageAsync(id, cancellationToken));

    public Task<ApiResult<TokenDto>> CreateTokenAsync(TokenRequestBody body, CancellationToken cancellationToken) =>
        Ready(() => _operations.CreateTokenAsync(_caller, body, cancellationToken));

    public Task<ApiResult<IReadOnlyList<TokenDto>>> ListTokensAsync(CancellationToken cancellationToken) =>
        Ready(() => _operations.ListTokensAsync(_caller, cancellationToken));

    public Task<ApiResult<TokenDto>> RevokeTokenAsync(string nameOrId, CancellationToken cancellationToken) =>
        Ready(() => _operations.RevokeTokenAsync(_caller, nameOrId, cancellationToken));

    public Task<ApiResult<IReadOnlyList<ConfigDto>>> ListConfigsAsync(string jobType, CancellationToken cancellationToken) =>
        Ready(() => _operations.ListConfigsAsync(jobType, cancellationToken));

    public Task<ApiResult<ConfigDto>> SetConfigAsync(string jobType, string name, ConfigBody body, CancellationToken cancellationToken) =>
        Ready(() => _operations.SetConfigAsync(_caller, jobType, name, body, cancellationToken));

    public Task<ApiResult<bool>> DeleteConfigAsync(string jobType, string name, CancellationToken cancellationToken) =>
        Ready(() => _operations.DeleteConfigAsync(_caller, jobType, name, cancellationToken));

    public Task<ApiResult<PendingApprovalsDto>> PendingApprovalsAsync(int offset, int limit, CancellationToken cancellationToken) =>
        Ready(() => _operations.PendingApprovalsAsync(offset, limit, cancellationToken));

    public Task<ApiResult<ApprovalDto>> VoteAsync(string id, string taskType, VoteBody body, CancellationToken cancellationToken) =>
        Ready(() => _operations.VoteAsync(_caller, id, taskType, body, cancellationToken));

    public Task<ApiResult<ScheduleListDto>> ListSchedulesAsync(CancellationToken cancellationToken) =>
        Ready(() => _operations.ListSchedulesAsync(cancellationToken));

    public Task<ApiResult<IReadOnlyList<CacheDto>>> ListCachesAsync(string? jobType, CancellationToken cancellationToken) =>
        Ready(() => _operations.CachesAsync(jobType, cancellationToken));

    public Task<ApiResult<ScheduleDto>> PauseScheduleAsync(string jobType, CancellationToken cancellationToken) =>
        Ready(() => _operations.PauseScheduleAsync(_caller, jobType, cancellationToken));

    public Task<ApiResult<ScheduleDto>> ResumeScheduleAsync(string jobType, CancellationToken cancellationToken) =>
        Ready(() => _operations.ResumeScheduleAsync(_caller, jobType, cancellationToken));

    public Task<ApiResult<JobDto>> TriggerScheduleAsync(string jobType, CancellationToken cancellationToken) =>
        Ready(() => _operations.TriggerScheduleAsync(_caller, jobType, cancellationToken));

    private async Task<T> Ready<T>(Func<Task<T>> operation)
    {
        await _ready.ConfigureAwait(false);
        return await operation().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            await _host.StopAsync().ConfigureAwait(false);
        }

        _host.Dispose();
    }
}
