using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;
using Workflows.Definitions;

namespace Workflows.Generators
{
    /// <summary>
    /// Writes a definitions-model value as JSON for <c>Workflows.CompiledDefinitions.Read</c>: records as objects of
    /// their non-default properties, arrays as arrays, <see cref="TimeSpan"/> as ticks, enums by name, <see cref="ExitAction"/>
    /// as its kind and value. A string literal costs the compiler nothing to bind, where an object initialiser per task
    /// cost about a second per thousand tasks (build-time benchmark).
    /// </summary>
    internal static class ModelJson
    {
        public static string Write(object value)
        {
            var text = new StringBuilder();
            Append(text, value);
            return text.ToString();
        }

        private static void Append(StringBuilder text, object? value)
        {
            switch (value)
            {
                case null:
                    text.Append("null");
                    return;
                case string s:
                    AppendString(text, s);
                    return;
                case bool b:
                    text.Append(b ? "true" : "false");
                    return;
                case int i:
                    text.Append(i.ToString(CultureInfo.InvariantCulture));
                    return;
                case double d:
                    text.Append(d.ToString("R", CultureInfo.InvariantCulture));
                    return;
                case TimeSpan span:
                    text.Append(span.Ticks.ToString(CultureInfo.InvariantCulture));
                    return;
                case Enum e:
                    AppendString(text, e.ToString());
                    return;
                case ExitAction action:
                    text.Append("{\"Kind\":");
                    AppendString(text, action.Kind.ToString());
                    if (action.Value is not null)
                    {
                        text.Append(",\"Value\":");
                        AppendString(text, action.Value);
                    }

                    text.Append('}');
                    return;
                case IEnumerable items when value.GetType().IsGenericType && value.GetType().GetGenericTypeDefinition() == typeof(EquatableArray<>):
                    text.Append('[');
                    var first = true;
                    foreach (var item in items)
                    {
                        text.Append(first ? string.Empty : ",");
                        first = false;
                        Append(text, item);
                    }

                    text.Append(']');
                    return;
            }

            text.Append('{');
            var separator = string.Empty;
            foreach (var (property, defaultValue) in Shape.Of(value.GetType()))
            {
                var current = property.GetValue(value);
                if (Equals(current, defaultValue))
                {
                    continue;
                }

                text.Append(separator);
                separator = ",";
                AppendString(text, property.Name);
                text.Append(':');
                Append(text, current);
            }

            text.Append('}');
        }

        private static void AppendString(StringBuilder text, string value)
        {
            text.Append('"');
            foreach (var c in value)
            {
                switch (c)
                {
                    case '"': text.Append("\\\""); break;
                    case '\\': text.Append("\\\\"); break;
                    case '\n': text.Append("\\n"); break;
                    case '\r': text.Append("\\r"); break;
                    case '\t': text.Append("\\t"); break;
                    default:
                        if (c < ' ')
                        {
                            text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            text.Append(c);
                        }

                        break;
                }
            }

            text.Append('"');
        }

        /// <summary>A model type's readable properties and their defaults, read once per type.</summary>
        private static class Shape
        {
            private static readonly ConcurrentDictionary<Type, (PropertyInfo, object?)[]> Cache = new ConcurrentDictionary<Type, (PropertyInfo, object?)[]>();

            public static (PropertyInfo Property, object? Default)[] Of(Type type) => Cache.GetOrAdd(type, Read);

            private static (PropertyInfo, object?)[] Read(Type type)
            {
                var positional = type.GetConstructors().FirstOrDefault(c => c.GetParameters().Length > 0);
                var empty = positional is null ? Activator.CreateInstance(type) : null;
                return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0)
                    .Select(p => (p, positional is null ? p.GetValue(empty) : DefaultOf(positional, p)))
                    .ToArray();
            }

            private static object? DefaultOf(ConstructorInfo constructor, PropertyInfo property)
            {
                var parameter = constructor.GetParameters().FirstOrDefault(p => string.Equals(p.Name, property.Name, StringComparison.Ordinal));
                if (parameter is { HasDefaultValue: true } && parameter.DefaultValue is not null)
                {
                    return parameter.DefaultValue;
                }

                // A required parameter is always written; an optional one with a null default is skipped when default.
                return parameter is { HasDefaultValue: false }
                    ? new object()
                    : property.PropertyType.IsValueType && Nullable.GetUnderlyingType(property.PropertyType) is null ? Activator.CreateInstance(property.PropertyType) : null;
            }
        }
    }
}
