using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Workflows.Api.Contracts;

namespace Workflows.Api.OpenApi;

/// <summary>
/// Writes the API's types in the document as <see cref="ApiJson"/> writes them: snake_case property names and enum
/// values. The OpenAPI generator describes types with the app's JSON options (camelCase, enums as numbers), which the
/// API leaves alone (<see cref="ApiJson"/> is its own), so each schema of a Workflows type is renamed here.
/// </summary>
internal static class SnakeCaseSchemas
{
    public static Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (type.Namespace?.StartsWith("Workflows", StringComparison.Ordinal) != true)
        {
            return Task.CompletedTask;
        }

        if (type.IsEnum)
        {
            var nullable = type != context.JsonTypeInfo.Type;
            schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
            schema.Format = null;
            schema.Enum = [.. Enum.GetNames(type).Select(name => (JsonNode)JsonValue.Create(JsonNamingPolicy.SnakeCaseLower.ConvertName(name))!)];
            return Task.CompletedTask;
        }

        if (context.JsonTypeInfo.Kind != JsonTypeInfoKind.Object || schema.Properties is not { Count: > 0 } properties)
        {
            return Task.CompletedTask;
        }

        var apiProperties = ApiJson.Options.GetTypeInfo(context.JsonTypeInfo.Type).Properties;
        var matched = context.JsonTypeInfo.Properties.ToDictionary(
            p => p.Name,
            p => apiProperties.FirstOrDefault(a => Equals(a.AttributeProvider, p.AttributeProvider)),
            StringComparer.Ordinal);
        string Rename(string name) => matched.TryGetValue(name, out var api) && api is not null ? api.Name : name;
        schema.Properties = properties.ToDictionary(p => Rename(p.Key), p => p.Value, StringComparer.Ordinal);
        if (schema.Required is { Count: > 0 } required)
        {
            // ApiJson leaves nulls out (WhenWritingNull): a property that can be null is not always there.
            schema.Required = new HashSet<string>(
                required.Where(name => !(matched.TryGetValue(name, out var api) && api is { IsGetNullable: true })).Select(Rename),
                StringComparer.Ordinal);
        }

        return Task.CompletedTask;
    }
}
