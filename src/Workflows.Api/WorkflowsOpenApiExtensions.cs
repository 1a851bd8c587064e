using Microsoft.AspNetCore.OpenApi;
using Workflows.Api.OpenApi;

namespace Workflows;

/// <summary>Describes the Workflows HTTP API in an app's OpenAPI document (<c>AddOpenApi(o => o.AddWorkflowsApi())</c>).</summary>
public static class WorkflowsOpenApiExtensions
{
    /// <summary>
    /// Adds the API's request bodies, query parameters, errors (<c>ApiError</c>), bearer security, examples and
    /// snake_case schemas to the document of the endpoints <see cref="WorkflowsApiExtensions.MapWorkflowsApi"/> maps.
    /// </summary>
    /// <param name="options">The document's options.</param>
    public static OpenApiOptions AddWorkflowsApi(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddDocumentTransformer(DocumentDocs.TransformAsync);
        options.AddOperationTransformer(OperationDocs.TransformAsync);
        options.AddSchemaTransformer(SnakeCaseSchemas.TransformAsync);
        return options;
    }
}
