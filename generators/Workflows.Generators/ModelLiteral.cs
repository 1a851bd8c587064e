using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using Workflows.Definitions;

namespace Workflows.Generators
{
    /// <summary>
    /// Writes a definitions-model value as a C# expression that recreates it: records with init properties as object
    /// initialisers (non-default properties only), positional records through their constructors, arrays as array
    /// creations (converted implicitly), <see cref="ExitAction"/> through its members and factories.
    /// </summary>
    internal static class ModelLiteral
    {
        public static string Write(object? value, int indent = 0)
        {
            var text = new StringBuilder();
            Append(text, value, indent);
            return text.ToString();
        }

        private static void Append(StringBuilder text, object? value, int indent)
        {
            switch (value)
            {
                case null:
                    text.Append("null");
                    return;
                case string s:
                    text.Append(SymbolDisplay.FormatLiteral(s, quote: true));
                    return;
                case bool b:
                    text.Append(b ? "true" : "false");
                    return;
                case int i:
                    text.Append(i.ToString(CultureInfo.InvariantCulture));
                    return;
                case double d:
                    text.Append(d.ToString("R", CultureInfo.InvariantCulture)).Append('d');
                    return;
                case TimeSpan span:
                    text.Append("global::System.TimeSpan.FromTicks(").Append(span.Ticks.ToString(CultureInfo.InvariantCulture)).Append("L)");
                    return;
                case Enum e:
                    text.Append(TypeName(e.GetType())).Append('.').Append(e.ToString());
                    return;
                case ExitAction action:
                    AppendExitAction(text, action);
                    return;
            }

            var type = value.GetType();
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>))
            {
                AppendArray(text, (IEnumerable)value, type.GetGenericArguments()[0], indent);
                return;
            }

            var shape = Shape.Of(type);
            if (shape.Parameters is { } parameters)
            {
                // Required parameters in order, then only the optional ones that differ from their default, by name.
                text.Append("new ").Append(TypeName(type)).Append('(');
                var first = true;
                foreach (var (parameter, property, defaultValue) in parameters)
                {
                    var current = property.GetValue(value);
                    if (parameter.HasDefaultValue && Equals(current, defaultValue))
                    {
                        continue;
                    }

                    text.Append(first ? string.Empty : ", ");
                    first = false;
                    if (parameter.HasDefaultValue)
                    {
                        text.Append(parameter.Name).Append(": ");
                    }

                    Append(text, current, indent);
                }

                text.Append(')');
                return;
            }

            AppendInitializer(text, value, shape, indent);
        }

        private static void AppendInitializer(StringBuilder text, object value, Shape shape, int indent)
        {
            var pad = new string(' ', (indent + 1) * 4);
            text.Append("new ").Append(shape.Name).AppendLine().Append(new string(' ', indent * 4)).AppendLine("{");
            foreach (var (property, defaultValue) in shape.Properties)
            {
                var current = property.GetValue(value);
                if (Equals(current, defaultValue))
                {
                    continue;
                }

                text.Append(pad).Append(property.Name).Append(" = ");
                Append(text, current, indent + 1);
                text.AppendLine(",");
            }

            text.Append(new string(' ', indent * 4)).Append('}');
        }

        private static void AppendArray(StringBuilder text, IEnumerable items, Type element, int indent)
        {
            var list = items.Cast<object?>().ToList();
            if (list.Count == 0)
            {
                text.Append("default");
                return;
            }

            // An array creation converts implicitly to EquatableArray<T>: much cheaper for the compiler to bind than a
            // generic params call (measured by the build-time benchmark).
            text.Append("new ").Append(TypeName(element)).Append("[] { ");
            for (var i = 0; i < list.Count; i++)
            {
                if (i > 0)
                {
                    text.Append(", ");
                }

                Append(text, list[i], indent);
            }

            text.Append(" }");
        }

        private static void AppendExitAction(StringBuilder text, ExitAction action)
        {
            const string type = "global::Workflows.ExitAction";
            switch (action.Kind)
            {
                case ExitActionKind.ErrorCode:
                    text.Append(type).Append(".Error(").Append(SymbolDisplay.FormatLiteral(action.Value ?? string.Empty, true)).Append(')');
                    break;
                case ExitActionKind.GoToTask:
                    text.Append(type).Append(".GoTo(").Append(SymbolDisplay.FormatLiteral(action.Value ?? string.Empty, true)).Append(')');
                    break;
                default:
                    text.Append(type).Append('.').Append(action.Kind.ToString());
                    break;
            }
        }

        private static string TypeName(Type type) => type == typeof(string) ? "string" : "global::" + type.FullName!.Replace('+', '.');

        /// <summary>What the writer needs of a model type, read by reflection once per type (the generator runs in a long-lived compiler).</summary>
        private sealed class Shape
        {
            private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Shape> Cache = new System.Collections.Concurrent.ConcurrentDictionary<Type, Shape>();

            private Shape(Type type)
            {
                Name = TypeName(type);
                var positional = type.GetConstructors().FirstOrDefault(c => c.GetParameters().Length > 0);
                if (positional is not null)
                {
                    Parameters = positional.GetParameters().Select(p => (p, type.GetProperty(ToPascal(p.Name))!, DefaultOf(p))).ToArray();
                    Properties = Array.Empty<(PropertyInfo, object?)>();
                    return;
                }

                var empty = Activator.CreateInstance(type);
                Properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0)
                    .Select(p => (p, (object?)p.GetValue(empty)))
                    .ToArray();
            }

            public string Name { get; }

            public (ParameterInfo Parameter, PropertyInfo Property, object? Default)[]? Parameters { get; }

            public (PropertyInfo Property, object? Default)[] Properties { get; }

            public static Shape Of(Type type) => Cache.GetOrAdd(type, t => new Shape(t));
        }

        private static object? DefaultOf(ParameterInfo parameter) =>
            parameter.DefaultValue is null && parameter.ParameterType.IsValueType && Nullable.GetUnderlyingType(parameter.ParameterType) is null
                ? Activator.CreateInstance(parameter.ParameterType)
                : parameter.DefaultValue;

        private static string ToPascal(string name) => char.ToUpperInvariant(name[0]) + name.Substring(1);
    }
}
