using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Workflows.Host.Tests.OpenApi;

/// <summary>The served <c>/openapi/v1.json</c>, read as JSON: its operations, examples, and each response's schema as a JSON Schema to evaluate real bodies with.</summary>
internal sealed class OpenApiDocument(JsonObject document)
{
    public JsonObject Json => document;

    public static async Task<OpenApiDocument> ReadAsync(HttpClient client)
    {
        using var response = await client.GetAsync("openapi/v1.json");
        response.EnsureSuccessStatusCode();
        return new OpenApiDocument(JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    /// <summary>Every operation: (path template, lower-case method, operation).</summary>
    public IEnumerable<(string Path, string Method, JsonObject Operation)> Operations() =>
        from path in document["paths"]!.AsObject()
        from operation in path.Value!.AsObject()
        where operation.Key is "get" or "post" or "put" or "delete" or "patch"
        select (path.Key, operation.Key, operation.Value!.AsObject());

    public JsonObject? Operation(string path, string method) => document["paths"]?[path]?[method.ToLowerInvariant()]?.AsObject();

    /// <summary>The documented example of the operation's request body for <paramref name="contentType"/>.</summary>
    public JsonNode RequestExample(string path, string method, string contentType = "application/json") =>
        Operation(path, method)?["requestBody"]?["content"]?[contentType]?["example"]?.DeepClone()
        ?? throw new Xunit.Sdk.XunitException($"{method} {path} documents no {contentType} request example.");

    /// <summary>The response's schema as a standalone JSON Schema (the document's components as its <c>$defs</c>), or null when the status is not documented with a JSON body.</summary>
    public JsonSchema? ResponseSchema(string path, string method, int status)
    {
        var schema = Operation(path, method)?["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)]?["content"]?["application/json"]?["schema"];
        return schema is null ? null : Standalone(schema);
    }

    /// <summary>A schema of the document as a standalone JSON Schema: <c>#/components/schemas/X</c> becomes <c>#/$defs/X</c>.</summary>
    public JsonSchema Standalone(JsonNode schema)
    {
        var root = schema.DeepClone().AsObject();
        root["$defs"] = document["components"]?["schemas"]?.DeepClone() ?? new JsonObject();
        var text = root.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        return JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() }, new Uri($"https://workflows.test/{Guid.NewGuid():N}"));
    }

    /// <summary>Evaluates <paramref name="body"/> against <paramref name="schema"/>; the errors as one readable text, or null when valid.</summary>
    public static string? Problems(JsonSchema schema, string body)
    {
        using var instance = JsonDocument.Parse(body);
        var results = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return null;
        }

        return string.Join("\n", (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}")));
    }
}
