using System.Text.Json;
using System.Text.Json.Serialization;

namespace Workflows.Marten;

/// <summary>Writes an <see cref="ExitAction"/> as its kind and value, and reads it back through its factories.</summary>
public sealed class ExitActionConverter : JsonConverter<ExitAction>
{
    /// <inheritdoc />
    public override ExitAction Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var kind = Enum.Parse<ExitActionKind>(root.GetProperty("kind").GetString()!, ignoreCase: true);
        var value = root.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return ExitAction.Of(kind, value);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ExitAction value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", value.Kind.ToString());
        if (value.Value is not null)
        {
            writer.WriteString("value", value.Value);
        }

        writer.WriteEndObject();
    }
}
