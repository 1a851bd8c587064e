using System.Text.Json;
using Workflows.Api.Contracts;
using Workflows.Api.Security;
using Workflows.Executors.Artifacts;
using Workflows.Marten;
using Workflows.Marten.Configs;
using Workflows.Marten.Definitions;
using Workflows.Marten.Logs;
using Workflows.Marten.Tokens;
using Workflows.Runtime;
using Workflows.Yaml;

namespace Workflows.Api.Operations;

/// <summary>
/// What the API does, once: the HTTP endpoints translate requests into these calls and write the result as it is; the
/// command line calls the same against the embedded default. Every refusal is an <see cref="ApiError"/> that names the
/// problem and the fix; nothing is stored when a request is refused.
/// </summary>
/// <param name="jobs">The job store.</param>
/// <param name="client">Submits jobs.</param>
/// <param name="definitions">Stored definitions.</param>
/// <param name="tokens">API tokens.</param>
/// <param name="logs">Task logs.</param>
/// <param name="artifacts">Artifacts.</param>
/// <param name="workflows">This host's compiled workflows.</param>
/// <param name="configs">Job configs and the host's secrets.</param>
/// <param name="options">The host's options (its execution policy, for upload warnings).</param>
/// <param name="schedules">Cron schedules.</param>
/// <param name="caches">Task caches (none listed when null).</param>
public sealed partial class WorkflowsOperations(
    JobStore jobs, WorkflowClient client, DefinitionStore definitions, TokenStore tokens, TaskLogs logs, IArtifactStore artifacts, IEnumerable<Workflow> workflows, JobConfigs configs,
    Microsoft.Extensions.Options.IOptions<WorkflowsOptions> options, Hosting.Scheduling.Schedules schedules, Executors.Caches.ICacheStore? caches = null)
{
    private const int MaxParams = 256;
    private const int MaxParamLength = 64 * 1024;
    private const int MaxBulkRetry = 1000;

    // Bounds on what one job carries, so that one list page (at most 500 jobs) stays a few MiB.
    private const int MaxParamsChars = 64 * 1024;
    private const int MaxDescription = 4096;
    private const int MaxLockKey = 200;
    private const int MaxUserKey = 200;
    private const int MaxPageChars = 4 * 1024 * 1024;

    // ------------------------------------------------------------------ helpers shared by the partial files

    /// <summary>Parameters as strings, or null when one is not a string, number or boolean, or too long, or too many.</summary>
    private static Dictionary<string, string>? ParseParams(Dictionary<string, JsonElement>? values)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in values ?? [])
        {
            if (ParamText(value) is not { } text || !Acceptable(key, text))
            {
                return null;
            }

            parameters[key] = text;
        }

        return parameters.Count > MaxParams || TotalChars(parameters) > MaxParamsChars ? null : parameters;
    }

    /// <summary>Why <see cref="ParseParams"/> refused the parameters, in its order of checks.</summary>
    private static ApiResult<T> ParamsError<T>(Dictionary<string, JsonElement> values)
    {
        if (values.Count > MaxParams)
        {
            return ApiResult<T>.Fail(400, "bad_params", $"The request has {values.Count} parameters; at most {MaxParams} are accepted.");
        }

        foreach (var (key, value) in values)
        {
            if (ParamText(value) is not { } text)
            {
                return ApiResult<T>.Fail(400, "bad_params",
                    $"Parameter '{key}' is {value.ValueKind.ToString().ToLowerInvariant()}; parameters must be strings, numbers or booleans (they fill template variables such as {{{{.{key}}}}}). Send it as a string, e.g. JSON-encoded.");
            }

            if (!Acceptable(key, text))
            {
                return ApiResult<T>.Fail(400, "bad_params", $"Parameter '{Truncate(key)}' is too long or has an empty name: names take 1 to 200 characters, values at most {MaxParamLength} characters.");
            }
        }

        return ApiResult<T>.Fail(400, "bad_params",
            $"The parameters take more than {MaxParamsChars} characters in all (names and values); keep large data out of parameters: store it where the job can fetch it and pass its address.");
    }

    /// <summary>A parameter's text: strings as they are, numbers as written, booleans as true/false; null for anything else.</summary>
    private static string? ParamText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    private static bool Acceptable(string key, string text) => text.Length <= MaxParamLength && key.Length is > 0 and <= 200;

    private static long TotalChars(Dictionary<string, string> parameters) => parameters.Sum(p => (long)p.Key.Length + p.Value.Length);

    private async Task<IReadOnlyList<JobEvent>?> ExecuteAsync(string id, JobCommand command, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await jobs.ExecuteAsync(id, command, cancellationToken).ConfigureAwait(false);
            }
            catch (JobConcurrencyException) when (attempt < 5)
            {
                // A worker recorded something first: decide again on the new state.
            }
        }
    }

    private static ApiResult<T>? Missing<T>(string id, JobView? view) => view switch
    {
        null => ApiResult<T>.Fail(404, "not_found", $"No job has the id '{id}'. GET /api/jobs/requests lists jobs."),
        { ArchivedAt: { } at } => ApiResult<T>.Fail(410, "deleted", $"Job {id} was deleted at {at:O}; its events are archived in the database, not served."),
        _ => null,
    };

    private static ApiResult<T>? Forbidden<T>(ApiCaller caller, JobView view, string verb) => caller.MayChange(view)
        ? null
        : ApiResult<T>.Fail(403, "forbidden",
            $"Token '{caller.Name}' may not {verb} job {view.Id}: it was submitted by {(view.SubmittedBy is { } by ? $"token '{by}'{(view.SubmitterId is { } tid ? $" (id {tid})" : string.Empty)}" : "the host itself")}. Use that token or an admin token.");

    private static ApiResult<T>? MayNotDefine<T>(ApiCaller caller, string jobType, string verb) => caller.MayDefine(jobType)
        ? null
        : ApiResult<T>.Fail(403, "forbidden",
            $"Token '{caller.Name}' may not {verb} of job type '{jobType}': that needs the 'define' scope for every job type or 'define:{jobType}', and the token has {string.Join(", ", caller.Scopes)}. An admin creates such a token with `workflows tokens create NAME --scope define:{jobType}`.");

    private static ApiResult<T>? AdminOnly<T>(ApiCaller caller, string verb) => caller.Admin
        ? null
        : ApiResult<T>.Fail(403, "forbidden", $"Only an admin token may {verb}; token '{caller.Name}' is not one. An admin creates one with `workflows tokens create NAME --admin`.");

    private static ApiResult<T>? TooLong<T>(string? description, string? lockKey) =>
        description?.Length > MaxDescription
            ? ApiResult<T>.Fail(400, "bad_description", $"description has {description.Length} characters; at most {MaxDescription} are accepted. Shorten it.")
            : lockKey?.Length > MaxLockKey
                ? ApiResult<T>.Fail(400, "bad_lock_key", $"lock_key has {lockKey.Length} characters; at most {MaxLockKey} are accepted (a key names what must not run twice at once, e.g. 'deploy-prod').")
                : null;

    private static ApiResult<JobDto> NotQueued(string id, JobStatus status) =>
        ApiResult<JobDto>.Fail(409, "job_not_queued", $"Job {id} is {Lower(status)}; only a queued job can be updated.");

    private static ApiResult<T> NoSuchDefinition<T>(string jobType) =>
        ApiResult<T>.Fail(404, "not_found", $"No definition has the job type '{jobType}'. Upload it with POST /api/jobs/definitions (YAML body).");

    private static string Lower(JobStatus status) => JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static DiagnosticDto ToDto(LocatedProblem p) =>
        new(p.Id, p.Problem.Severity.ToString().ToLowerInvariant(), p.Problem.Message, p.Line, p.Column);

    private static DefinitionVersionDto ToDto(StoredDefinition d) =>
        new(d.JobType, d.Version, d.CreatedAt, d.CreatedBy, d.Sha256, d.Definition.Tasks.Select(t => t.TaskType).ToList());

    private static TokenDto ToDto(ApiToken t) => new(t.Id, t.Name, t.Admin, t.CreatedAt, t.RevokedAt) { Scopes = TokenScopes.Of(t) };
}
