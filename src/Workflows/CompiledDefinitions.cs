using System.Collections.Concurrent;
using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using Workflows.Definitions;

namespace Workflows;

/// <summary>
/// Reads the definitions the source generator compiled into workflow classes (<c>CompiledDefinition</c>): JSON written
/// at build time from the validated model. Called by generated code; not meant to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class CompiledDefinitions
{
    private static readonly ConcurrentDictionary<Type, ConstructorInfo?> Positional = new();

    /// <summary>Reads a compiled definition.</summary>
    /// <param name="json">The JSON the generator emitted.</param>
    /// <returns>The definition, equal to what the builder makes from the same <c>Define</c>.</returns>
    public static JobDefinition Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        return (JobDefinition)Read(document.RootElement, typeof(JobDefinition))!;
    }

    private static object? Read(JsonElement element, Type type)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return element.GetString();
        }

        if (type == typeof(int))
        {
            return element.GetInt32();
        }

        if (type == typeof(bool))
        {
            return element.GetBoolean();
        }

        if (type == typeof(double))
        {
            return element.GetDouble();
        }

        if (type == typeof(TimeSpan))
        {
            return TimeSpan.FromTicks(element.GetInt64());
        }

        if (type.IsEnum)
        {
            return Enum.Parse(type, element.GetString()!);
        }

        if (type == typeof(ExitAction))
        {
            return ReadExitAction(element);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>))
        {
            var itemType = type.GetGenericArguments()[0];
            var items = Array.CreateInstance(itemType, element.GetArrayLength());
            var i = 0;
            foreach (var item in element.EnumerateArray())
            {
                items.SetValue(Read(item, itemType), i++);
            }

            return Activator.CreateInstance(type, items);
        }

        return ReadRecord(element, type);
    }

    private static object ReadRecord(JsonElement element, Type type)
    {
        var constructor = Positional.GetOrAdd(type, t => t.GetConstructors().FirstOrDefault(c => c.GetParameters().Length > 0));
        object record;
        var parameters = constructor?.GetParameters() ?? [];
        if (constructor is not null)
        {
            var arguments = parameters
                .Select(p => element.TryGetProperty(p.Name!, out var value) ? Read(value, p.ParameterType) : p.HasDefaultValue ? p.DefaultValue : null)
                .ToArray();
            record = constructor.Invoke(arguments);
        }
        else
        {
            record = Activator.CreateInstance(type)!;
        }

        // Properties beside a positional record's parameters (e.g. BackoffPolicy.Shape) are init-only: set them too.
        foreach (var property in element.EnumerateObject().Where(p => !parameters.Any(c => c.Name == p.Name)))
        {
            var target = type.GetProperty(property.Name) ?? throw new JsonException($"{type.Name} has no property '{property.Name}'.");
            target.SetValue(record, Read(property.Value, target.PropertyType));
        }

        return record;
    }

    private static ExitAction ReadExitAction(JsonElement element) => ExitAction.Of(
        Enum.Parse<ExitActionKind>(element.GetProperty("Kind").GetString()!),
        element.TryGetProperty("Value", out var value) ? value.GetString() : null);
}
