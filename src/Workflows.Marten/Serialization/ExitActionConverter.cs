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
        return kind switch
        {
            ExitActionKind.ErrorCode => ExitAction.Error(value!),
            ExitActionKind.GoToTask => ExitAction.GoTo(value!),
            ExitActionKind.Completed => ExitAction.Completed,
            ExitActionKind.Failed => ExitAction.Failed,
            ExitActionKind.Fatal => ExitAction.Fatal,
            ExitActionKind.RestartTask => ExitAction.RestartTask,
            ExitActionKind.RestartJob => ExitAction.RestartJob,
            ExitActionKind.Executing => ExitAction.Executing,
            ExitActionKind.PauseJob => ExitAction.PauseJob,
            _ => throw new JsonException($"Unknown exit action kind '{kind}'."),
        };
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
