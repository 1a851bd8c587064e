using System;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Workflows.Definitions;

namespace Workflows.Analyzers
{
    internal static partial class WorkflowParser
    {
        /// <summary>
        /// The compile-time values of a nested builder call's arguments (a <c>RetryOn</c> rule's or a <c>Manual</c>
        /// policy's), in parameter order; false, with the first unknown argument recorded as not constant, when one is not.
        /// </summary>
        private static bool TryEvaluateArguments(IInvocationOperation call, KnownTypes known, ParsedWorkflow parsed, out System.Collections.Generic.List<IArgumentOperation> args, out object?[] values)
        {
            args = call.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).ToList();
            values = new object?[args.Count];
            for (var i = 0; i < args.Count; i++)
            {
                if (!Evaluate(args[i].Value, args[i].Parameter?.Type, known, out values[i]))
                {
                    parsed.NonConstant.Add((args[i].Syntax.GetLocation(), args[i].Parameter?.Name ?? "?", call.TargetMethod.Name));
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// The value of a DSL argument when it is known at compile time: constants, <c>TimeSpan.From*(constant)</c>,
        /// <c>TimeSpan.Zero</c> (and <c>MaxValue</c>, <c>MinValue</c>), <c>ExitAction</c> members and factories, enum
        /// members, <c>params</c> arrays of constants, and omitted optional arguments (<c>RetentionDays(failed: 3)</c>).
        /// </summary>
        private static bool Evaluate(IOperation operation, ITypeSymbol? parameterType, KnownTypes known, out object? value)
        {
            value = null;
            if (operation.ConstantValue.HasValue)
            {
                value = operation.ConstantValue.Value;
                if (parameterType is { TypeKind: TypeKind.Enum } && SymbolEqualityComparer.Default.Equals(parameterType, known.TaskMethod) && value is not null)
                {
                    value = (TaskMethod)Convert.ToInt32(value, CultureInfo.InvariantCulture);
                }
                else if (parameterType?.SpecialType == SpecialType.System_Double && value is not null)
                {
                    value = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                }

                return true;
            }

            switch (operation)
            {
                case IConversionOperation conversion:
                    return Evaluate(conversion.Operand, parameterType, known, out value);
                case IArrayCreationOperation { Initializer: { } initializer } array:
                    var isInt = array.Type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Int32 };
                    var items = new string[initializer.ElementValues.Length];
                    var numbers = new int[items.Length];
                    for (var i = 0; i < items.Length; i++)
                    {
                        if (!Evaluate(initializer.ElementValues[i], null, known, out var item))
                        {
                            return false;
                        }

                        if (isInt && item is int number)
                        {
                            numbers[i] = number;
                        }
                        else if (!isInt && item is string text)
                        {
                            items[i] = text;
                        }
                        else
                        {
                            return false;
                        }
                    }

                    value = isInt ? numbers : items;
                    return true;
                case IFieldReferenceOperation { Field: { IsStatic: true } field } when SymbolEqualityComparer.Default.Equals(field.ContainingType, known.ExitAction):
                    value = ExitActionField(field.Name);
                    return value is not null;
                case IFieldReferenceOperation { Field: { IsStatic: true } field } when SymbolEqualityComparer.Default.Equals(field.ContainingType, known.TimeSpan):
                    value = TimeSpanField(field.Name);
                    return value is not null;
                case IDefaultValueOperation { Type: { } type } when type.IsReferenceType || type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T:
                    // An omitted optional argument such as 'int? completed = null' is default(int?), which is not a constant.
                    value = null;
                    return true;
                case IDefaultValueOperation { Type: { } type } when SymbolEqualityComparer.Default.Equals(type, known.TimeSpan):
                    value = TimeSpan.Zero;
                    return true;
                case IInvocationOperation { TargetMethod: { IsStatic: true } target } invocation
                    when SymbolEqualityComparer.Default.Equals(target.ContainingType, known.TimeSpan):
                    return TimeSpanCall(invocation, known, out value);
                case IInvocationOperation { TargetMethod: { IsStatic: true } target } invocation
                    when SymbolEqualityComparer.Default.Equals(target.ContainingType, known.ExitAction) && invocation.Arguments.Length == 1
                        && Evaluate(invocation.Arguments[0].Value, null, known, out var argument) && argument is string text:
                    value = target.Name switch
                    {
                        "Error" => ExitAction.Error(text),
                        "GoTo" => ExitAction.GoTo(text),
                        "Parse" => ExitAction.Parse(text),
                        _ => null,
                    };
                    return value is not null;
                case IInvocationOperation { TargetMethod: { IsStatic: true, Name: "Create", ContainingType: { Name: "EquatableArray", ContainingNamespace: { Name: "Definitions" } } } } create
                    when create.Arguments.Length == 1:
                    // EquatableArray.Create("a", "b"), as the YAML translator writes lists: the params array's items.
                    return Evaluate(create.Arguments[0].Value, null, known, out value) && value is string[] or int[];
                case IObjectCreationOperation { Initializer: null, Constructor: { } constructor } creation
                    when SymbolEqualityComparer.Default.Equals(constructor.ContainingType, known.ApprovalPolicy):
                    return ApprovalPolicyOf(creation, known, out value);
                case IObjectCreationOperation { Initializer: null, Constructor: { } constructor } creation
                    when SymbolEqualityComparer.Default.Equals(constructor.ContainingType, known.WebhookSpec):
                    return WebhookSpecOf(creation, known, out value);
                case IObjectCreationOperation { Initializer: null, Constructor: { } constructor } creation
                    when SymbolEqualityComparer.Default.Equals(constructor.ContainingType, known.ServiceSpec):
                    return ServiceSpecOf(creation, known, out value);
                default:
                    return false;
            }
        }

        /// <summary>
        /// <c>new WebhookSpec("https://…", EquatableArray.Create(new NamedValue("Authorization", "…")))</c> with constant
        /// arguments; omitted headers and query stay empty.
        /// </summary>
        private static bool WebhookSpecOf(IObjectCreationOperation creation, KnownTypes known, out object? value)
        {
            value = null;
            var spec = new WebhookSpec(string.Empty);
            foreach (var argument in creation.Arguments)
            {
                if (argument.ArgumentKind == ArgumentKind.DefaultValue)
                {
                    continue;
                }

                switch (argument.Parameter?.Name)
                {
                    case "Url" when Evaluate(argument.Value, null, known, out var url) && url is string text:
                        spec = spec with { Url = text };
                        break;
                    case "Headers" when NamedValuesOf(argument.Value, known) is { } headers:
                        spec = spec with { Headers = headers };
                        break;
                    case "Query" when NamedValuesOf(argument.Value, known) is { } query:
                        spec = spec with { Query = query };
                        break;
                    default:
                        return false;
                }
            }

            value = spec;
            return true;
        }

        /// <summary>
        /// <c>new ServiceSpec("db", "postgres:16", MemoryLimit: "512Mi", Volumes: EquatableArray.Create(new VolumeSpec(VolumeKind.EmptyDir, "certs", "/certs")))</c>
        /// with constant arguments; omitted ones keep their defaults.
        /// </summary>
        private static bool ServiceSpecOf(IObjectCreationOperation creation, KnownTypes known, out object? value)
        {
            value = null;
            var spec = new ServiceSpec(string.Empty, string.Empty);
            foreach (var argument in creation.Arguments)
            {
                if (argument.ArgumentKind == ArgumentKind.DefaultValue)
                {
                    continue;
                }

                var name = argument.Parameter?.Name;
                if (name == "Volumes")
                {
                    if (VolumesOf(argument.Value, known) is not { } volumes)
                    {
                        return false;
                    }

                    spec = spec with { Volumes = volumes };
                    continue;
                }

                if (name == "Options")
                {
                    if (NamedValuesOf(argument.Value, known) is not { } options)
                    {
                        return false;
                    }

                    spec = spec with { Options = options };
                    continue;
                }

                if (!Evaluate(argument.Value, null, known, out var part))
                {
                    return false;
                }

                switch (name, part)
                {
                    case ("Name", string text):
                        spec = spec with { Name = text };
                        break;
                    case ("Image", string text):
                        spec = spec with { Image = text };
                        break;
                    case ("Instances", int count):
                        spec = spec with { Instances = count };
                        break;
                    case ("Command", string[] items):
                        spec = spec with { Command = items.ToEquatableArray() };
                        break;
                    case ("Entrypoint", string[] items):
                        spec = spec with { Entrypoint = items.ToEquatableArray() };
                        break;
                    case ("Ports", string[] items):
                        spec = spec with { Ports = items.ToEquatableArray() };
                        break;
                    case (_, var text) when text is null or string:
                        var optional = (string?)text;
                        switch (name)
                        {
                            case "Alias": spec = spec with { Alias = optional }; break;
                            case "WorkingDirectory": spec = spec with { WorkingDirectory = optional }; break;
                            case "CpuLimit": spec = spec with { CpuLimit = optional }; break;
                            case "CpuRequest": spec = spec with { CpuRequest = optional }; break;
                            case "MemoryLimit": spec = spec with { MemoryLimit = optional }; break;
                            case "MemoryRequest": spec = spec with { MemoryRequest = optional }; break;
                            case "EphemeralStorageLimit": spec = spec with { EphemeralStorageLimit = optional }; break;
                            case "EphemeralStorageRequest": spec = spec with { EphemeralStorageRequest = optional }; break;
                            default: return false;
                        }

                        break;
                    default:
                        return false;
                }
            }

            value = spec;
            return true;
        }

        /// <summary><c>EquatableArray.Create(new VolumeSpec(VolumeKind.EmptyDir, "certs", "/certs"), …)</c> of constants; null when it is anything else.</summary>
        private static EquatableArray<VolumeSpec>? VolumesOf(IOperation operation, KnownTypes known)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            if (operation is IDefaultValueOperation)
            {
                return default(EquatableArray<VolumeSpec>);
            }

            if (operation is not IInvocationOperation { TargetMethod: { IsStatic: true, Name: "Create", ContainingType: { Name: "EquatableArray" } } } create
                || create.Arguments.Length != 1 || create.Arguments[0].Value is not IArrayCreationOperation { Initializer: { } initializer })
            {
                return null;
            }

            var volumes = new VolumeSpec[initializer.ElementValues.Length];
            for (var i = 0; i < volumes.Length; i++)
            {
                var element = initializer.ElementValues[i];
                while (element is IConversionOperation inner)
                {
                    element = inner.Operand;
                }

                if (element is not IObjectCreationOperation { Initializer: null } creation || !SymbolEqualityComparer.Default.Equals(creation.Type, known.VolumeSpec))
                {
                    return null;
                }

                var volume = new VolumeSpec(VolumeKind.EmptyDir, string.Empty, string.Empty);
                foreach (var argument in creation.Arguments)
                {
                    if (argument.ArgumentKind == ArgumentKind.DefaultValue)
                    {
                        continue;
                    }

                    if (argument.Parameter?.Name == "Options")
                    {
                        if (NamedValuesOf(argument.Value, known) is not { } options)
                        {
                            return null;
                        }

                        volume = volume with { Options = options };
                        continue;
                    }

                    if (!Evaluate(argument.Value, null, known, out var part))
                    {
                        return null;
                    }

                    switch (argument.Parameter?.Name, part)
                    {
                        case ("Kind", int kind):
                            volume = volume with { Kind = (VolumeKind)kind };
                            break;
                        case ("Name", string text):
                            volume = volume with { Name = text };
                            break;
                        case ("MountPath", string text):
                            volume = volume with { MountPath = text };
                            break;
                        case ("ReadOnly", bool flag):
                            volume = volume with { ReadOnly = flag };
                            break;
                        case ("HostPath", var text) when text is null or string:
                            volume = volume with { HostPath = (string?)text };
                            break;
                        case ("SubPath", var text) when text is null or string:
                            volume = volume with { SubPath = (string?)text };
                            break;
                        case ("Medium", var text) when text is null or string:
                            volume = volume with { Medium = (string?)text };
                            break;
                        default:
                            return null;
                    }
                }

                volumes[i] = volume;
            }

            return volumes.ToEquatableArray();
        }

        /// <summary><c>EquatableArray.Create(new NamedValue("a", "b"), …)</c> of constants; null when it is anything else.</summary>
        private static EquatableArray<NamedValue>? NamedValuesOf(IOperation operation, KnownTypes known)
        {
            while (operation is IConversionOperation conversion)
            {
                operation = conversion.Operand;
            }

            if (operation is not IInvocationOperation { TargetMethod: { IsStatic: true, Name: "Create", ContainingType: { Name: "EquatableArray" } } } create
                || create.Arguments.Length != 1 || create.Arguments[0].Value is not IArrayCreationOperation { Initializer: { } initializer })
            {
                return null;
            }

            var values = new NamedValue[initializer.ElementValues.Length];
            for (var i = 0; i < values.Length; i++)
            {
                var element = initializer.ElementValues[i];
                while (element is IConversionOperation inner)
                {
                    element = inner.Operand;
                }

                if (element is not IObjectCreationOperation { Initializer: null, Arguments.Length: 2 } pair
                    || !SymbolEqualityComparer.Default.Equals(pair.Type, known.NamedValue)
                    || !Evaluate(pair.Arguments[0].Value, null, known, out var name) || name is not string key
                    || !Evaluate(pair.Arguments[1].Value, null, known, out var text) || text is not string item)
                {
                    return null;
                }

                values[i] = new NamedValue(key, item);
            }

            return values.ToEquatableArray();
        }

        /// <summary><c>new ApprovalPolicy(MinApprovals: 2, AllowedUsers: new[] { "carol", "dave" }, …)</c> with constant arguments; omitted ones keep their defaults.</summary>
        private static bool ApprovalPolicyOf(IObjectCreationOperation creation, KnownTypes known, out object? value)
        {
            value = null;
            var policy = new ApprovalPolicy();
            foreach (var argument in creation.Arguments)
            {
                if (argument.ArgumentKind == ArgumentKind.DefaultValue)
                {
                    continue;
                }

                if (!Evaluate(argument.Value, null, known, out var part))
                {
                    return false;
                }

                switch (argument.Parameter?.Name, part)
                {
                    case ("MinApprovals", int count):
                        policy = policy with { MinApprovals = count };
                        break;
                    case ("AllowedRoles", string[] roles):
                        policy = policy with { AllowedRoles = roles };
                        break;
                    case ("AllowedUsers", string[] users):
                        policy = policy with { AllowedUsers = users };
                        break;
                    case ("RequireUnanimous", bool unanimous):
                        policy = policy with { RequireUnanimous = unanimous };
                        break;
                    case ("SlaDeadline", TimeSpan sla):
                        policy = policy with { SlaDeadline = sla };
                        break;
                    case ("SlaDeadline", null):
                        break;
                    case ("TimeoutAction", var action) when action is null or string:
                        policy = policy with { TimeoutAction = (string?)action };
                        break;
                    case ("EscalationRecipients", string[] recipients):
                        policy = policy with { EscalationRecipients = recipients };
                        break;
                    case ("EscalationMessage", var message) when message is null or string:
                        policy = policy with { EscalationMessage = (string?)message };
                        break;
                    default:
                        return false;
                }
            }

            value = policy;
            return true;
        }

        private static object? TimeSpanField(string name) => name switch
        {
            "Zero" => TimeSpan.Zero,
            "MaxValue" => TimeSpan.MaxValue,
            "MinValue" => TimeSpan.MinValue,
            _ => null,
        };

        private static ExitAction? ExitActionField(string name) => name switch
        {
            "Completed" => ExitAction.Completed,
            "Failed" => ExitAction.Failed,
            "Fatal" => ExitAction.Fatal,
            "RestartTask" => ExitAction.RestartTask,
            "RestartJob" => ExitAction.RestartJob,
            "Executing" => ExitAction.Executing,
            "PauseJob" => ExitAction.PauseJob,
            _ => null,
        };

        /// <summary>
        /// <c>TimeSpan.FromSeconds(6)</c> and friends, including the .NET 9+ overloads with several parts
        /// (<c>FromSeconds(long seconds, long milliseconds = 0, long microseconds = 0)</c>).
        /// </summary>
        private static bool TimeSpanCall(IInvocationOperation invocation, KnownTypes known, out object? value)
        {
            value = null;
            var ticks = 0.0;
            foreach (var argument in invocation.Arguments)
            {
                if (!Evaluate(argument.Value, null, known, out var part) || part is null || part is string)
                {
                    return false;
                }

                var unit = UnitTicks(argument.Parameter?.Name == "value" ? invocation.TargetMethod.Name.Substring(4).ToLowerInvariant() : argument.Parameter?.Name);
                if (unit is null)
                {
                    return false;
                }

                ticks += Convert.ToDouble(part, CultureInfo.InvariantCulture) * unit.Value;
            }

            value = TimeSpan.FromTicks((long)Math.Round(ticks));
            return invocation.TargetMethod.Name.StartsWith("From", StringComparison.Ordinal);
        }

        private static double? UnitTicks(string? unit) => unit switch
        {
            "days" => TimeSpan.TicksPerDay,
            "hours" => TimeSpan.TicksPerHour,
            "minutes" => TimeSpan.TicksPerMinute,
            "seconds" => TimeSpan.TicksPerSecond,
            "milliseconds" => TimeSpan.TicksPerMillisecond,
            "microseconds" => TimeSpan.TicksPerMillisecond / 1000.0,
            "ticks" => 1,
            _ => null,
        };
    }
}
