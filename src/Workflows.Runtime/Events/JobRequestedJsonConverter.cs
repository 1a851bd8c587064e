using System.Text.Json;
using System.Text.Json.Serialization;
using Workflows.Definitions;

namespace Workflows.Runtime;

/// <summary>
/// Writes and reads <see cref="JobRequested"/> flat: the request's fields beside the job id, the time and the
/// definition. That is the shape every stored <c>job_requested</c> event has had (the request became one record
/// later), so streams written by earlier hosts read back, and earlier hosts read ours.
/// </summary>
internal sealed class JobRequestedJsonConverter : JsonConverter<JobRequested>
{
    public override JobRequested Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"A job_requested event is a JSON object, not {root.ValueKind}.");
        }

        // The request's own fields are read from the same object; the others (id, time, definition) are skipped there.
        var request = root.Deserialize<JobRequest>(options) ?? new JobRequest();
        return new JobRequested(
            Required<string>(root, nameof(JobRequested.JobId), options),
            Required<DateTimeOffset>(root, nameof(JobRequested.At), options),
            Required<JobDefinition>(root, nameof(JobRequested.Definition), options),
            request)
        {
            ResumeFrom = Optional<string>(root, nameof(JobRequested.ResumeFrom), options),
            Carried = Optional<IReadOnlyList<CarriedTask>>(root, nameof(JobRequested.Carried), options),
        };
    }

    public override void Write(Utf8JsonWriter writer, JobRequested value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        Write(writer, nameof(JobRequested.JobId), value.JobId, options);
        Write(writer, nameof(JobRequested.At), value.At, options);
        Write(writer, nameof(JobRequested.Definition), value.Definition, options);
        foreach (var field in JsonSerializer.SerializeToElement(value.Request.AsRequest(), options).EnumerateObject())
        {
            field.WriteTo(writer);
        }

        Write(writer, nameof(JobRequested.ResumeFrom), value.ResumeFrom, options);
        Write(writer, nameof(JobRequested.Carried), value.Carried, options);
        writer.WriteEndObject();
    }

    private static void Write<T>(Utf8JsonWriter writer, string name, T value, JsonSerializerOptions options)
    {
        if (value is null && options.DefaultIgnoreCondition is JsonIgnoreCondition.WhenWritingNull or JsonIgnoreCondition.WhenWritingDefault)
        {
            return;
        }

        writer.WritePropertyName(NameOf(name, options));
        JsonSerializer.Serialize(writer, value, options);
    }

    private static T Required<T>(JsonElement root, string name, JsonSerializerOptions options) =>
        Find(root, name, options) is { } element && element.Deserialize<T>(options) is { } value
            ? value
            : throw new JsonException($"A job_requested event has no '{NameOf(name, options)}'.");

    private static T? Optional<T>(JsonElement root, string name, JsonSerializerOptions options)
        where T : class =>
        Find(root, name, options) is { ValueKind: not JsonValueKind.Null } element ? element.Deserialize<T>(options) : null;

    private static JsonElement? Find(JsonElement root, string name, JsonSerializerOptions options)
    {
        var stored = NameOf(name, options);
        if (root.TryGetProperty(stored, out var element))
        {
            return element;
        }

        if (options.PropertyNameCaseInsensitive)
        {
            foreach (var property in root.EnumerateObject())
            {
                if (string.Equals(property.Name, stored, StringComparison.OrdinalIgnoreCase))
                {
                    return property.Value;
                }
            }
        }

        return null;
    }

    private static string NameOf(string name, JsonSerializerOptions options) => options.PropertyNamingPolicy?.ConvertName(name) ?? name;
}
