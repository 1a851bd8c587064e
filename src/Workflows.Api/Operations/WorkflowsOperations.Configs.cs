using Workflows.Api.Contracts;
using Workflows.Api.Security;
using Workflows.Marten.Configs;

namespace Workflows.Api.Operations;

/// <summary>Job configs: named values (some secret) every job of a type sees as template variables.</summary>
public sealed partial class WorkflowsOperations
{
    /// <summary>A job type's configs and the host's secrets, by name; secret values are never shown.</summary>
    /// <param name="jobType">The job type (stored or compiled).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<IReadOnlyList<ConfigDto>>> ListConfigsAsync(string jobType, CancellationToken cancellationToken = default)
    {
        if (await UnknownJobTypeAsync<IReadOnlyList<ConfigDto>>(jobType, cancellationToken).ConfigureAwait(false) is { } unknown)
        {
            return unknown;
        }

        var own = (await configs.ListAsync(jobType, cancellationToken).ConfigureAwait(false)).Select(ToDto).ToList();
        var host = configs.HostSecretNames.Where(n => own.All(c => c.Name != n))
            .Select(n => new ConfigDto(jobType, n, null, true, "host", null, null));
        return ApiResult<IReadOnlyList<ConfigDto>>.Ok(own.Concat(host).OrderBy(c => c.Name, StringComparer.Ordinal).ToList());
    }

    /// <summary>Sets a config of a job type (define scope for the type): 201 created, 200 replaced; running attempts keep what they rendered, later ones see the new value.</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="jobType">The job type (stored or compiled).</param>
    /// <param name="name">The variable's name.</param>
    /// <param name="body">Value and secrecy.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<ConfigDto>> SetConfigAsync(ApiCaller caller, string jobType, string name, ConfigBody body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(body);
        if ((MayNotDefine<ConfigDto>(caller, jobType, "set configs") ?? await UnknownJobTypeAsync<ConfigDto>(jobType, cancellationToken).ConfigureAwait(false)) is { } refused)
        {
            return refused;
        }

        if (body.Value is null)
        {
            return ApiResult<ConfigDto>.Fail(400, "bad_config", $"Config '{name}' has no \"value\"; send {{\"value\": \"...\", \"secret\": true|false}}.");
        }

        try
        {
            var (config, created) = await configs.SetAsync(jobType, name, body.Value, body.Secret, caller.Name, cancellationToken).ConfigureAwait(false);
            return ApiResult<ConfigDto>.Ok(ToDto(config), created ? 201 : 200);
        }
        catch (ArgumentException e)
        {
            return ApiResult<ConfigDto>.Fail(400, "bad_config", e.Message.Split(" (Parameter", 2)[0]);
        }
    }

    /// <summary>Deletes a config of a job type (define scope for the type): 204, or 404 when there is none.</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="jobType">The job type.</param>
    /// <param name="name">The config's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<bool>> DeleteConfigAsync(ApiCaller caller, string jobType, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (MayNotDefine<bool>(caller, jobType, "delete configs") is { } refused)
        {
            return refused;
        }

        return await configs.DeleteAsync(jobType, name, cancellationToken).ConfigureAwait(false)
            ? ApiResult<bool>.Ok(true, 204)
            : ApiResult<bool>.Fail(404, "not_found", $"Job type '{jobType}' has no config named '{name}'. GET /api/jobs/definitions/{jobType}/configs lists them.");
    }

    private async Task<ApiResult<T>?> UnknownJobTypeAsync<T>(string jobType, CancellationToken cancellationToken) =>
        client.IsCompiled(jobType) || await definitions.GetTypeAsync(jobType, cancellationToken).ConfigureAwait(false) is not null
            ? null
            : ApiResult<T>.Fail(404, "not_found", $"No job type '{jobType}' is compiled into this host or stored. Upload its definition first (POST /api/jobs/definitions); configs belong to a job type.");

    private static ConfigDto ToDto(JobConfig c) => new(c.JobType, c.Name, c.Secret ? null : c.Value, c.Secret, "job", c.UpdatedAt, c.UpdatedBy);
}
