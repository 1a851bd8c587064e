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
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"A job_requested event is a JSON object, not {reader.TokenType}.");
        }

        // One pass: the event's own fields are read where they stand; the others, the request's, are copied into an
        // object of their own and read as a JobRequest (a few small values beside the definition).
        string? jobId = null, resumeFrom = null;
        DateTimeOffset? at = null;
        JobDefinition? definition = null;
        IReadOnlyList<CarriedTask>? carried = null;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var request = new Utf8JsonWriter(buffer))
        {
            request.WriteStartObject();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                if (Is(name, nameof(JobRequested.JobId), options))
                {
                    jobId = reader.GetString();
                }
                else if (Is(name, nameof(JobRequested.At), options))
                {
                    at = JsonSerializer.Deserialize<DateTimeOffset>(ref reader, options);
                }
                else if (Is(name, nameof(JobRequested.Definition), options))
                {
                    definition = JsonSerializer.Deserialize<JobDefinition>(ref reader, options);
                }
                else if (Is(name, nameof(JobRequested.ResumeFrom), options))
                {
                    resumeFrom = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                }
                else if (Is(name, nameof(JobRequested.Carried), options))
                {
                    carried = JsonSerializer.Deserialize<IReadOnlyList<CarriedTask>>(ref reader, options);
                }
                else
                {
                    request.WritePropertyName(name);
                    using var value = JsonDocument.ParseValue(ref reader);
                    value.RootElement.WriteTo(request);
                }
            }

            request.WriteEndObject();
        }

        return new JobRequested(
            jobId ?? throw Missing(nameof(JobRequested.JobId), options),
            at ?? throw Missing(nameof(JobRequested.At), options),
            definition ?? throw Missing(nameof(JobRequested.Definition), options),
            JsonSerializer.Deserialize<JobRequest>(buffer.WrittenSpan, options) ?? new JobRequest())
        {
            ResumeFrom = resumeFrom,
            Carried = carried,
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

    private static bool Is(string stored, string name, JsonSerializerOptions options) =>
        string.Equals(stored, NameOf(name, options), options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    private static JsonException Missing(string name, JsonSerializerOptions options) => new($"A job_requested event has no '{NameOf(name, options)}'.");

    private static string NameOf(string name, JsonSerializerOptions options) => options.PropertyNamingPolicy?.ConvertName(name) ?? name;
}
