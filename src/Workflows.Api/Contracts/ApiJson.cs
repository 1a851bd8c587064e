using System.Text.Json;
using System.Text.Json.Serialization;
using Workflows.Marten;

namespace Workflows.Api.Contracts;

/// <summary>
/// The API's JSON: snake_case names and enum values (as the seeds' <c>{"job_type": …}</c>), nulls left out. Used for
/// the API's own responses only, so an application's JSON settings are not changed.
/// </summary>
public static class ApiJson
{
    /// <summary>The options.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = false,
            // Messages quote commands (`workflows tokens create NAME`) and <placeholders>: keep them readable. The API
            // answers application/json only, never HTML, so the HTML-sensitive escaping is not needed.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.Converters.Add(new EquatableArrayConverterFactory());
        options.Converters.Add(new ExitActionConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
