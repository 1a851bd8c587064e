using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Workflows.Api.Contracts;
using Workflows.Api.Security;

namespace Workflows.Api.OpenApi;

/// <summary>
/// Completes each <c>/api</c> operation from its endpoint's metadata: the request body (<see cref="RequestBodyDoc"/>),
/// the query parameters (<see cref="QueryParameterDoc"/>), the errors every endpoint can answer (401 and 403 from the
/// token, 503 while the database is away; 400, 413 and 415 for a body), the bearer security, the Job API routes'
/// answers in the seed's schema, and an example for every request and response body (<see cref="ApiExamples"/>).
/// </summary>
internal static class OperationDocs
{
    private const string Json = "application/json";

    private static readonly Dictionary<int, string> ErrorDescriptions = new()
    {
        [400] = "Bad input: the message names the problem and the fix; nothing was stored.",
        [401] = "No token, or an unknown, malformed or revoked one.",
        [403] = "The token lacks the endpoint's scope (or the job is another token's).",
        [404] = "Not found (a job, job type, version, config, task, token, schedule or trigger): the message names what and how to list them.",
        [409] = "The request conflicts with where the job or type is now.",
        [410] = "The job was deleted (its stream is archived).",
        [413] = "The body is larger than the host accepts (Workflows:Api:MaxBodyBytes); nothing was stored.",
        [415] = "The Content-Type is not one the endpoint reads.",
        [422] = "The trigger's templates did not render for this event.",
        [429] = "Too many failed sign-ins (tokens, dashboard sign-ins and trigger auths, counted together) from this address (Workflows:Api:SignInFailureLimit): even a right credential is refused until the Retry-After seconds have passed.",
        [503] = "The host cannot reach its database; nothing was changed. Retry after the Retry-After seconds.",
    };

    public static async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var document = context.Document;
        if (document is null || !("/" + context.Description.RelativePath).StartsWith("/api/", StringComparison.Ordinal))
        {
            return;
        }

        var body = metadata.OfType<RequestBodyDoc>().LastOrDefault();
        if (body?.Type is { } bodyType)
        {
            operation.RequestBody = await RequestBodyAsync(body, bodyType, context, cancellationToken).ConfigureAwait(false);
        }

        foreach (var query in metadata.OfType<QueryParameterDoc>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = query.Name,
                In = ParameterLocation.Query,
                Required = false,
                Description = query.Description,
                Schema = new OpenApiSchema
                {
                    Type = query.Type == "integer" ? JsonSchemaType.Integer : JsonSchemaType.String,
                    Format = query.Format,
                    Enum = query.Values?.Select(v => (JsonNode)JsonValue.Create(v)!).ToList(),
                },
            });
        }

        operation.Responses ??= [];
        if (metadata.OfType<JobApiDoc>().Any())
        {
            await JobApiResponsesAsync(operation, context, cancellationToken).ConfigureAwait(false);
        }

        var ownAuthentication = metadata.OfType<OwnAuthentication>().Any();
        var errors = new List<int> { 503 };
        if (!ownAuthentication)
        {
            errors.AddRange([401, 403, 429]);
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(DocumentDocs.BearerScheme, document)] = [] }];
        }
        else
        {
            operation.Security = [];
        }

        if (body?.Type is not null)
        {
            errors.AddRange(ownAuthentication ? [400, 413] : [400, 413, 415]);
        }

        // What a route names may not exist: a job (looked up by id: 404 unknown, 410 deleted), a job type, a token, a trigger.
        var route = context.Description.RelativePath ?? string.Empty;
        if (route.Contains('{', StringComparison.Ordinal))
        {
            errors.Add(404);
        }

        if (route.Contains("{id}", StringComparison.Ordinal))
        {
            errors.Add(410);
        }

        var errorSchema = await ComponentAsync(typeof(ApiError), context, cancellationToken).ConfigureAwait(false);
        foreach (var status in errors)
        {
            var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!operation.Responses.ContainsKey(key))
            {
                operation.Responses[key] = new OpenApiResponse
                {
                    Description = ErrorDescriptions[status],
                    Content = new Dictionary<string, OpenApiMediaType> { [Json] = new() { Schema = errorSchema } },
                };
            }
        }

        foreach (var produced in context.Description.SupportedResponseTypes.Where(r => r.Type is null || r.Type == typeof(void)))
        {
            // A download (an artifact): bytes, not JSON.
            if (produced.ApiResponseFormats.Select(f => f.MediaType).FirstOrDefault(m => m != Json) is { } mediaType
                && operation.Responses.TryGetValue(produced.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), out var download) && download is OpenApiResponse bytes)
            {
                bytes.Content ??= new Dictionary<string, OpenApiMediaType>();
                bytes.Content[mediaType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
            }
        }

        var scope = metadata.OfType<ScopeRequirement>().LastOrDefault();
        foreach (var (key, response) in operation.Responses)
        {
            if (!int.TryParse(key, out var status))
            {
                continue;
            }

            if (response is OpenApiResponse concrete && status >= 400 && ErrorDescriptions.TryGetValue(status, out var description)
                && (string.IsNullOrEmpty(concrete.Description) || concrete.Description == ReasonPhrase(status)))
            {
                concrete.Description = description;
            }

            if (response.Content is null || !response.Content.TryGetValue(Json, out var media))
            {
                continue;
            }

            media.Example ??= status >= 400
                ? ApiExamples.Error(status, scope?.Scope, scope?.Action)
                : context.Description.SupportedResponseTypes.FirstOrDefault(r => r.StatusCode == status)?.Type is { } type ? ApiExamples.For(type) : null;
        }

        SortResponses(operation);
    }

    private static void SortResponses(OpenApiOperation operation)
    {
        if (operation.Responses is not { } responses)
        {
            return;
        }

        var sorted = responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        responses.Clear();
        foreach (var (key, response) in sorted)
        {
            responses[key] = response;
        }
    }

    private static async Task<OpenApiRequestBody> RequestBodyAsync(RequestBodyDoc body, Type bodyType, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var content = new Dictionary<string, OpenApiMediaType>();
        foreach (var contentType in body.ContentTypes)
        {
            if (bodyType == typeof(string))
            {
                // A definition: YAML (or plain) text, or the same definition as a JSON object.
                content[contentType] = contentType == Json
                    ? new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.Object }, Example = JsonNode.Parse(ApiExamples.DefinitionJson) }
                    : new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String }, Example = ApiExamples.For(typeof(string)) };
            }
            else
            {
                content[contentType] = new OpenApiMediaType
                {
                    Schema = bodyType == typeof(JsonElement)
                        ? new OpenApiSchema { Type = JsonSchemaType.Object, Description = "The event as its sender posts it (e.g. a GitHub push); the trigger's templates read it as .Body." }
                        : await ComponentAsync(bodyType, context, cancellationToken).ConfigureAwait(false),
                    Example = ApiExamples.For(bodyType),
                };
            }
        }

        return new OpenApiRequestBody
        {
            Required = body.Required,
            Description = body.Required ? null : "Optional: without a body (and without a Content-Type) the defaults apply.",
            Content = content,
        };
    }

    /// <summary>The Job API seed's routes answer a job as <see cref="JobApiJob"/> and a page as an array of them (<see cref="Http.JobApiShape"/>).</summary>
    private static async Task JobApiResponsesAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var produced in context.Description.SupportedResponseTypes)
        {
            var key = produced.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses?.TryGetValue(key, out var response) != true || response!.Content?.TryGetValue(Json, out var media) != true)
            {
                continue;
            }

            if (produced.Type == typeof(JobDto))
            {
                media!.Schema = await ComponentAsync(typeof(JobApiJob), context, cancellationToken).ConfigureAwait(false);
                media.Example = ApiExamples.For(typeof(JobApiJob));
            }
            else if (produced.Type == typeof(JobListDto))
            {
                media!.Schema = new OpenApiSchema { Type = JsonSchemaType.Array, Items = await ComponentAsync(typeof(JobApiJob), context, cancellationToken).ConfigureAwait(false) };
                media.Example = ApiExamples.For(typeof(IReadOnlyList<JobApiJob>));
                if (response is OpenApiResponse concrete)
                {
                    concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                    concrete.Headers["X-Total-Count"] = new OpenApiHeader { Description = "How many jobs match in all.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } };
                    concrete.Headers["X-Next-Offset"] = new OpenApiHeader { Description = "Where the next page starts, when more match.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } };
                }
            }
        }
    }

    /// <summary>A reference to the type's schema in <c>components.schemas</c>, added there when it is not yet.</summary>
    private static async Task<IOpenApiSchema> ComponentAsync(Type type, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        if (document.Components?.Schemas?.ContainsKey(type.Name) != true)
        {
            var schema = await context.GetOrCreateSchemaAsync(type, null, cancellationToken).ConfigureAwait(false);
            document.AddComponent(type.Name, schema);
        }

        return new OpenApiSchemaReference(type.Name, document);
    }

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}

/// <summary>Marks the Job API seed's routes (<c>/api/jobs…</c>), whose jobs <see cref="Http.JobApiShape"/> translates.</summary>
internal sealed class JobApiDoc
{
    public static readonly JobApiDoc Instance = new();
}
