using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Workflows.Api.Contracts;
using Workflows.Api.Security;
using Workflows.Definitions;
using Workflows.Templates;

namespace Workflows.Api.Operations;

/// <summary>Webhook triggers (formicary's <c>triggers:</c> of type <c>webhook</c>): an event posted to a trigger submits a job.</summary>
public sealed partial class WorkflowsOperations
{
    /// <summary>
    /// Handles an event posted to a job type's webhook trigger, as formicary's <c>POST /api/triggers/:job_type/:name</c>
    /// does: the trigger's auth (hmac_sha256, bearer_token, api_key_header; secret from the job type's configs), then its
    /// <c>filter</c>, <c>params</c> and <c>dedup_key</c> rendered over the event (<c>Body</c>, <c>Headers</c>, <c>Query</c>),
    /// its <c>rate_limit</c> and dedup key checked by the database, and the job submitted as <see cref="SubmitAsync"/>
    /// submits one. 202 with the job, or with <c>filtered</c>; 401 for bad credentials; 404 for an unknown job type or
    /// trigger; 400 for a body that is not JSON or a trigger that is not a webhook.
    /// </summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="name">The trigger's name.</param>
    /// <param name="received">The event.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<TriggerResultDto>> FireTriggerAsync(string jobType, string name, TriggerEvent received, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(received);
        JobDefinition definition;
        try
        {
            (definition, _) = await client.ResolveAsync(jobType, cancellationToken).ConfigureAwait(false);
        }
        catch (UnknownJobTypeException e)
        {
            return ApiResult<TriggerResultDto>.Fail(404, "unknown_job_type", e.Message);
        }
        catch (JobTypeDisabledException e)
        {
            return ApiResult<TriggerResultDto>.Fail(409, "job_type_disabled", e.Message);
        }

        if (definition.Triggers.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal)) is not { } trigger)
        {
            var known = definition.Triggers.Count == 0 ? "it has none" : "its triggers are " + string.Join(", ", definition.Triggers.Select(t => $"'{t.Name}'"));
            return ApiResult<TriggerResultDto>.Fail(404, "unknown_trigger", $"Job type '{jobType}' has no trigger '{name}' ({known}). Post to /api/triggers/{jobType}/<name> with a name from its 'triggers:'.");
        }

        if (!string.Equals(trigger.Type, "webhook", StringComparison.Ordinal))
        {
            return ApiResult<TriggerResultDto>.Fail(400, "not_a_webhook_trigger",
                $"Trigger '{name}' of job type '{jobType}' is of type '{trigger.Type}', which this host does not run (WF4005); only triggers of type 'webhook' take posted events.");
        }

        if (trigger.AuthMethod is not null && await AuthenticateAsync(definition.JobType, trigger, received, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        string? body = null;
        if (received.Body.Length > 0)
        {
            try
            {
                using var document = JsonDocument.Parse(received.Body);
                body = document.RootElement.GetRawText();
            }
            catch (JsonException e)
            {
                return ApiResult<TriggerResultDto>.Fail(400, "malformed_json", $"The event's body is not JSON ({e.Message}); trigger templates read it as .Body: send a JSON object.");
            }
        }

        var scope = new TemplateScope(
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Body"] = body ?? string.Empty,
                ["Headers"] = JsonSerializer.Serialize(received.Headers),
                ["Query"] = JsonSerializer.Serialize(received.Query),
            },
            jobs.Clock.GetUtcNow(),
            new Random());
        string? Render(string? template) => template is null ? null : TemplateRenderer.Render(template, scope);
        string? dedupKey;
        Dictionary<string, JsonElement> parameters;
        var field = "filter";
        try
        {
            if (Render(trigger.Filter) is { } passed && !string.Equals(passed.Trim(), "true", StringComparison.Ordinal))
            {
                return ApiResult<TriggerResultDto>.Ok(new TriggerResultDto { Filtered = true, Reason = "filter" }, 202);
            }

            parameters = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var param in trigger.Params)
            {
                field = $"params.{param.Name}";
                parameters[param.Name] = JsonSerializer.SerializeToElement(Render(param.Value) ?? string.Empty);
            }

            field = "dedup_key";
            dedupKey = Render(trigger.DedupKey)?.Trim();
        }
        catch (TemplateRenderException e)
        {
            return ApiResult<TriggerResultDto>.Fail(422, "trigger_template_failed", $"Trigger '{name}' of job type '{jobType}': its {field} does not render over this event: {e.Message}");
        }

        if (trigger is { RateLimitMax: > 0, RateLimitWindow: { } window } && window > TimeSpan.Zero
            && !await jobs.TryCountTriggerEventAsync(definition.JobType, name, trigger.RateLimitMax.Value, window, cancellationToken).ConfigureAwait(false))
        {
            return ApiResult<TriggerResultDto>.Ok(new TriggerResultDto { Filtered = true, Reason = "rate_limit" }, 202);
        }

        if (!string.IsNullOrEmpty(dedupKey))
        {
            var (claimed, earlier) = await jobs.ClaimTriggerDedupAsync(definition.JobType, dedupKey, name, cancellationToken).ConfigureAwait(false);
            if (!claimed)
            {
                return ApiResult<TriggerResultDto>.Ok(new TriggerResultDto { RequestId = earlier, Reason = "duplicate", Deduplicated = true }, 202);
            }
        }

        ApiResult<JobDto> submitted;
        try
        {
            submitted = await SubmitAsync(
                new ApiCaller($"trigger:{name}", null, []),
                new JobRequestBody { JobType = definition.JobType, Params = parameters, Description = $"Submitted by trigger '{name}'" },
                cancellationToken).ConfigureAwait(false);
        }
        catch when (!string.IsNullOrEmpty(dedupKey))
        {
            // Not submitted (e.g. the database went away): the key is given back, so a redelivered event can submit it.
            try
            {
                await jobs.CompleteTriggerDedupAsync(definition.JobType, dedupKey, null, CancellationToken.None).ConfigureAwait(false);
            }
            catch (System.Data.Common.DbException)
            {
                // The database is unreachable: the key stays claimed without a job (a later event answers it as a duplicate).
            }

            throw;
        }

        if (!string.IsNullOrEmpty(dedupKey))
        {
            await jobs.CompleteTriggerDedupAsync(definition.JobType, dedupKey, submitted.Value?.Id, cancellationToken).ConfigureAwait(false);
        }

        return submitted.IsSuccess
            ? ApiResult<TriggerResultDto>.Ok(new TriggerResultDto { RequestId = submitted.Value!.Id }, 202)
            : submitted.As<TriggerResultDto>();
    }

    /// <summary>The trigger's auth, as formicary's <c>verifyTriggerAuth</c>; null when the event may pass. Comparisons take constant time.</summary>
    private async Task<ApiResult<TriggerResultDto>?> AuthenticateAsync(string jobType, TriggerSpec trigger, TriggerEvent received, CancellationToken cancellationToken)
    {
        var values = (await configs.ForAttemptAsync(jobType, cancellationToken).ConfigureAwait(false)).Values;
        if (trigger.AuthSecretConfig is not { } secretName || !values.TryGetValue(secretName, out var secret) || secret.Length == 0)
        {
            return ApiResult<TriggerResultDto>.Fail(500, "trigger_secret_missing",
                $"Trigger '{trigger.Name}' of job type '{jobType}' authenticates with the config '{trigger.AuthSecretConfig}', which is not set: "
                + $"set it with `workflows configs set {jobType} {trigger.AuthSecretConfig ?? "<name>"} --secret` (or PUT /api/jobs/definitions/{jobType}/configs/{trigger.AuthSecretConfig ?? "<name>"}). No job was submitted.");
        }

        string? Header(string headerName) => received.Headers.FirstOrDefault(h => string.Equals(h.Key, headerName, StringComparison.OrdinalIgnoreCase)).Value;
        string? problem;
        switch (trigger.AuthMethod)
        {
            case "hmac_sha256":
                var signatureHeader = trigger.AuthHeader ?? TriggerDefaults.SignatureHeader;
                if (Header(signatureHeader) is not { Length: > 0 } signature)
                {
                    problem = $"the signature header '{signatureHeader}' is missing: send the body's HMAC-SHA256 under the trigger's secret as '{signatureHeader}: sha256=<hex>'";
                    break;
                }

                var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), received.Body));
                var given = signature.StartsWith("sha256=", StringComparison.Ordinal) ? signature["sha256=".Length..] : signature;
                problem = Same(expected, given.ToLowerInvariant()) ? null
                    : $"the signature in '{signatureHeader}' does not match the body: sign the exact bytes sent with HMAC-SHA256 under the trigger's secret and send 'sha256=<hex>'";
                break;
            case "bearer_token":
                problem = Same("Bearer " + secret, Header("Authorization") ?? string.Empty) ? null
                    : "the bearer token is missing or wrong: send 'Authorization: Bearer <the trigger's secret>'";
                break;
            case "api_key_header":
                var keyHeader = trigger.AuthHeader ?? TriggerDefaults.ApiKeyHeader;
                problem = Same(secret, Header(keyHeader) ?? string.Empty) ? null
                    : $"the API key in header '{keyHeader}' is missing or wrong: send '{keyHeader}: <the trigger's secret>'";
                break;
            default:
                problem = $"its auth method '{trigger.AuthMethod}' is not one of hmac_sha256, bearer_token, api_key_header";
                break;
        }

        return problem is null ? null : ApiResult<TriggerResultDto>.Fail(401, "trigger_unauthorized", $"Trigger '{trigger.Name}' of job type '{jobType}' refused the event: {problem}. No job was submitted.");
    }

    private static bool Same(string expected, string given) => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(given));

    /// <summary>Headers a trigger's auth reads when its YAML names none (formicary requires <c>header</c>; GitHub's and a common key header are assumed).</summary>
    private static class TriggerDefaults
    {
        public const string SignatureHeader = "X-Hub-Signature-256";

        public const string ApiKeyHeader = "X-API-Key";
    }
}
