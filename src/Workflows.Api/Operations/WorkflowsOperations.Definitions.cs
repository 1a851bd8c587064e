using Workflows.Api.Contracts;
using Workflows.Api.Security;
using Workflows.Executors.Artifacts;
using Workflows.Marten;
using Workflows.Marten.Configs;
using Workflows.Marten.Definitions;
using Workflows.Marten.Tokens;
using Workflows.Runtime;
using Workflows.Yaml;

namespace Workflows.Api.Operations;

/// <summary>Definitions: upload (validated, scoped to define), list, versions, disable and enable.</summary>
public sealed partial class WorkflowsOperations
{
    /// <summary>Validates and stores a YAML (or JSON) definition: 201 for a new version, 200 when the same text is stored already, 400 with every diagnostic.</summary>
    /// <param name="caller">Who uploads.</param>
    /// <param name="text">The definition's text.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<DefinitionDto>> UploadDefinitionAsync(ApiCaller caller, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (string.IsNullOrWhiteSpace(text))
        {
            return ApiResult<DefinitionDto>.Fail(400, "empty_definition", "The request body is empty: send the job definition as YAML (Content-Type: application/yaml) or JSON.");
        }

        var loaded = YamlJobLoader.Load(text, "upload");
        var diagnostics = loaded.Problems.Select(ToDto).ToList();
        if (!loaded.Succeeded)
        {
            var errors = loaded.Problems.Count(p => p.IsError);
            return ApiResult<DefinitionDto>.Fail(400, new ApiError(
                $"The definition has {errors} error{(errors == 1 ? string.Empty : "s")}; nothing was stored. Fix each diagnostic (line and column are in the uploaded text) and upload again.",
                "invalid_definition") { Diagnostics = diagnostics });
        }

        var definition = loaded.Definition!;
        if (MayNotDefine<DefinitionDto>(caller, definition.JobType, "upload definitions") is { } notAllowed)
        {
            return notAllowed;
        }

        if (client.IsCompiled(definition.JobType))
        {
            return ApiResult<DefinitionDto>.Fail(409, "compiled_job_type",
                $"Job type '{definition.JobType}' is a compiled C# workflow of this host; an uploaded definition cannot replace it. Give the upload another job_type, or change the C# workflow.");
        }

        (StoredDefinition Stored, bool Created) saved;
        try
        {
            saved = await definitions.SaveAsync(definition, text, caller.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            return ApiResult<DefinitionDto>.Fail(409, "concurrent_upload", e.Message);
        }

        var result = await GetDefinitionAsync(definition.JobType, cancellationToken).ConfigureAwait(false);
        var refused = options.Value.Execution.Refusals(definition);
        return ApiResult<DefinitionDto>.Ok(
            result.Value! with { Created = saved.Created, Diagnostics = diagnostics.Count == 0 ? null : diagnostics, HostWarnings = refused.Count == 0 ? null : refused },
            saved.Created ? 201 : 200);
    }

    /// <summary>Every job type: the stored ones and this host's compiled workflows.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<IReadOnlyList<DefinitionSummaryDto>>> ListDefinitionsAsync(CancellationToken cancellationToken = default)
    {
        var stored = await definitions.ListAsync(cancellationToken).ConfigureAwait(false);
        var list = stored.Select(t => new DefinitionSummaryDto(t.Id, "stored", t.LatestVersion, t.Disabled))
            .Concat(workflows.Select(w => new DefinitionSummaryDto(w.Definition.JobType, "compiled", null, false)))
            .OrderBy(d => d.JobType, StringComparer.Ordinal)
            .ToList();
        return ApiResult<IReadOnlyList<DefinitionSummaryDto>>.Ok(list);
    }

    /// <summary>A job type with its version history.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<DefinitionDto>> GetDefinitionAsync(string jobType, CancellationToken cancellationToken = default)
    {
        if (client.IsCompiled(jobType))
        {
            return ApiResult<DefinitionDto>.Ok(new DefinitionDto(jobType, "compiled", false, null, []));
        }

        var type = await definitions.GetTypeAsync(jobType, cancellationToken).ConfigureAwait(false);
        if (type is null)
        {
            return NoSuchDefinition<DefinitionDto>(jobType);
        }

        var versions = (await definitions.VersionsAsync(jobType, cancellationToken).ConfigureAwait(false)).Select(ToDto).ToList();
        return ApiResult<DefinitionDto>.Ok(new DefinitionDto(jobType, "stored", type.Disabled, versions.LastOrDefault(), versions));
    }

    /// <summary>One stored version, with the text that was uploaded.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<DefinitionVersionDto>> GetDefinitionVersionAsync(string jobType, int version, CancellationToken cancellationToken = default)
    {
        var stored = await definitions.GetAsync(jobType, version, cancellationToken).ConfigureAwait(false);
        return stored is null
            ? ApiResult<DefinitionVersionDto>.Fail(404, "not_found", $"Job type '{jobType}' has no version {version}. GET /api/jobs/definitions/{jobType} lists its versions.")
            : ApiResult<DefinitionVersionDto>.Ok(ToDto(stored) with { Source = stored.Source });
    }

    /// <summary>Disables (or enables) new jobs of a stored type; needs the define scope for the type.</summary>
    /// <param name="caller">Who asks.</param>
    /// <param name="jobType">The job type.</param>
    /// <param name="disabled">True to disable.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<DefinitionDto>> SetDefinitionDisabledAsync(ApiCaller caller, string jobType, bool disabled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (MayNotDefine<DefinitionDto>(caller, jobType, disabled ? "disable jobs" : "enable jobs") is { } refused)
        {
            return refused;
        }

        if (client.IsCompiled(jobType))
        {
            return ApiResult<DefinitionDto>.Fail(409, "compiled_job_type", $"Job type '{jobType}' is a compiled C# workflow of this host; it cannot be disabled through the API.");
        }

        return await definitions.SetDisabledAsync(jobType, disabled, cancellationToken).ConfigureAwait(false)
            ? await GetDefinitionAsync(jobType, cancellationToken).ConfigureAwait(false)
            : NoSuchDefinition<DefinitionDto>(jobType);
    }
}
