using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Workflows.Api.OpenApi;

/// <summary>The document's title and description, and the bearer-token security scheme the operations refer to.</summary>
internal static class DocumentDocs
{
    /// <summary>The security scheme's name in <c>components.securitySchemes</c>.</summary>
    public const string BearerScheme = "bearer";

    public static Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Workflows API";
        document.Info.Description =
            "The Workflows host's HTTP API: job definitions (YAML or JSON upload), job requests and their events, logs and artifacts, manual retries and lineages, " +
            "pauses, approvals, schedules, webhook triggers, configs and API tokens. Every endpoint but a webhook trigger needs `Authorization: Bearer <token>` " +
            "of a token with the endpoint's scope (`workflows tokens create NAME --scope SCOPE`). Bodies are snake_case JSON (the Job API seed's " +
            "/api/jobs routes answer jobs in its schema: _id, _flowId, numError…); every error is an ApiError that names the problem and the fix.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "wf_<id>_<secret>",
            Description = "An API token: `workflows tokens create NAME [--scope read|submit|retry|define|define:JOB_TYPE|approve|admin]`.",
        };
        return Task.CompletedTask;
    }
}
