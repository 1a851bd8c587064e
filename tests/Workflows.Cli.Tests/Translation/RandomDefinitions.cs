using System.Reflection;
using Workflows.Definitions;

namespace Workflows.Cli.Tests.Translation;

/// <summary>
/// Random definitions that set every property of the model, found by reflection, so that a property added to the
/// model later is exercised here before anyone remembers to translate it. Valid or not: only exactness is at stake.
/// Adjusted to what the DSL can build at all (keys only an executor's method sets appear only with that method;
/// tags are lower-case).
/// </summary>
internal sealed class RandomDefinitions(int seed)
{
    private const string Interesting = "\"\\\n\t {}$@aZ09é€\u00A0\u2028\uD83D\uDE00";

    private static readonly string[] Words =
    [
        "", "build", "COMPLETED", "ERR_XYZ", "err_lower", "echo \"hi\"", "C:\\tmp", "{{ Random 0 3 }}", "line one\nline two", "a\n",
        "\"quoted\"", "\"\"\"", "007", "-1", "2", "APPROVED", "task with spaces", "Ünïcödé", "job.type-name_1", "fatal", "time-span", "tasks", "define", "restart-job",
    ];

    private readonly Random _random = new(seed);
    private readonly NullabilityInfoContext _nullability = new();

    public JobDefinition Job()
    {
        var job = (JobDefinition)Fill(new JobDefinition());

        // An attribute argument is stored as UTF-8: the translator refuses a job type with a lone surrogate (tested apart).
        job = job with { JobType = new string(job.JobType.Where(c => !char.IsSurrogate(c)).ToArray()) };
        var tasks = Enumerable.Range(0, _random.Next(1, 4)).Select(_ => Task()).ToEquatableArray();
        return job with { Tasks = tasks, Notify = job.Notify.Select(n => n with { When = n.When ?? "always" }).ToEquatableArray() };
    }

    private TaskDefinition Task()
    {
        var task = (TaskDefinition)Fill(new TaskDefinition());
        return task with
        {
            ForkJobType = task.Method == TaskMethod.ForkJob ? task.ForkJobType : null,
            ForkJobVersion = task.Method == TaskMethod.ForkJob ? task.ForkJobVersion : null,
            AwaitForkedTasks = task.Method == TaskMethod.AwaitForkedJob ? task.AwaitForkedTasks : default,
            ApprovalPolicy = task.Method == TaskMethod.Manual ? task.ApprovalPolicy : null,
            MessagingRequestQueue = task.Method == TaskMethod.Messaging ? task.MessagingRequestQueue : null,
            MessagingReplyQueue = task.Method == TaskMethod.Messaging ? task.MessagingReplyQueue : null,
            Tags = task.Tags.Select(t => t.ToLowerInvariant()).ToEquatableArray(),
        };
    }

    /// <summary>Sets every settable property (the init-only ones of the model) to a random value of its type.</summary>
    private object Fill(object instance)
    {
        foreach (var property in instance.GetType().GetProperties().Where(p => p.CanWrite && p.Name != nameof(JobDefinition.Tasks)))
        {
            var nullable = _nullability.Create(property).WriteState == NullabilityState.Nullable;
            property.SetValue(instance, Value(property.PropertyType, nullable, 0));
        }

        return instance;
    }

    private object? Value(Type type, bool nullable, int depth)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return _random.Next(3) == 0 ? null : Value(inner, false, depth);
        }

        if (nullable && !type.IsValueType && _random.Next(3) == 0)
        {
            return null;
        }

        if (type == typeof(string))
        {
            return String();
        }

        if (type == typeof(int))
        {
            return _random.Next(4) == 0 ? _random.Next(int.MinValue, int.MaxValue) : _random.Next(-2, 20);
        }

        if (type == typeof(bool))
        {
            return _random.Next(2) == 0;
        }

        if (type == typeof(double))
        {
            double[] special = [0, -0.0, 1, 1.5, 2, 0.1, 3.25, double.NaN, 1e-7, 12345.678];
            return _random.Next(2) == 0 ? special[_random.Next(special.Length)] : _random.NextDouble() * 100;
        }

        if (type == typeof(TimeSpan))
        {
            long[] units = [1, 10, TimeSpan.TicksPerMillisecond, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute, TimeSpan.TicksPerHour];
            return TimeSpan.FromTicks(_random.NextInt64(-10, 100_000) * units[_random.Next(units.Length)]);
        }

        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return values.GetValue(_random.Next(values.Length));
        }

        if (type == typeof(ExitAction))
        {
            return _random.Next(9) switch
            {
                0 => ExitAction.Completed,
                1 => ExitAction.Failed,
                2 => ExitAction.Fatal,
                3 => ExitAction.RestartTask,
                4 => ExitAction.RestartJob,
                5 => ExitAction.Executing,
                6 => ExitAction.PauseJob,
                7 => ExitAction.Error(String()),
                _ => ExitAction.GoTo(String()),
            };
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>))
        {
            var element = type.GetGenericArguments()[0];
            var items = Array.CreateInstance(element, depth > 1 ? 0 : _random.Next(0, 4));
            for (var i = 0; i < items.Length; i++)
            {
                items.SetValue(Value(element, false, depth + 1), i);
            }

            return Activator.CreateInstance(type, [items]);
        }

        // A record of the model: its primary constructor with random arguments.
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var args = constructor.GetParameters()
            .Select(p => Value(p.ParameterType, _nullability.Create(p).WriteState == NullabilityState.Nullable, depth + 1))
            .ToArray();
        return constructor.Invoke(args);
    }

    private string String() => _random.Next(3) switch
    {
        0 => new string(Enumerable.Range(0, _random.Next(0, 8)).Select(_ => Interesting[_random.Next(Interesting.Length)]).ToArray()),
        _ => Words[_random.Next(Words.Length)],
    };
}
