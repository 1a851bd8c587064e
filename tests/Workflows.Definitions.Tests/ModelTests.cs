using Workflows.Definitions;

namespace Workflows.Definitions.Tests;

public class ModelTests
{
    [Theory]
    [InlineData("COMPLETED", ExitActionKind.Completed)]
    [InlineData("FAILED", ExitActionKind.Failed)]
    [InlineData("FATAL", ExitActionKind.Fatal)]
    [InlineData("RESTART_TASK", ExitActionKind.RestartTask)]
    [InlineData("RESTART_JOB", ExitActionKind.RestartJob)]
    [InlineData("EXECUTING", ExitActionKind.Executing)]
    [InlineData("PAUSE_JOB", ExitActionKind.PauseJob)]
    [InlineData("ERR_XYZ", ExitActionKind.ErrorCode)]
    [InlineData("third", ExitActionKind.GoToTask)]
    public void Exit_targets_parse_as_formicary_writes_them(string text, ExitActionKind kind)
    {
        var action = ExitAction.Parse(text);
        Assert.Equal(kind, action.Kind);
        Assert.Equal(text, action.ToString());
    }

    [Fact]
    public void Definitions_are_equal_by_value_including_nested_lists()
    {
        JobDefinition Make() => Jobs.Linear().WithTask(1, t => t.Route("2", ExitAction.Error("ERR_X")) with { Environment = EquatableArray.Create(new NamedValue("A", "1")) });
        Assert.Equal(Make(), Make());
        Assert.Equal(Make().GetHashCode(), Make().GetHashCode());
        Assert.NotEqual(Make(), Make().WithTask(1, t => t with { Environment = EquatableArray.Create(new NamedValue("A", "2")) }));
        Assert.Equal(default(EquatableArray<string>), EquatableArray.Create<string>());
    }

    [Fact]
    public void Models_hold_no_roslyn_or_reflection_objects()
    {
        var allowed = new[] { typeof(string), typeof(int), typeof(bool), typeof(double), typeof(TimeSpan) };
        var seen = new HashSet<Type>();
        void Walk(Type type)
        {
            if (!seen.Add(type) || allowed.Contains(type) || type.IsEnum)
            {
                return;
            }

            if (Nullable.GetUnderlyingType(type) is { } inner)
            {
                Walk(inner);
                return;
            }

            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>))
            {
                Walk(type.GetGenericArguments()[0]);
                return;
            }

            Assert.True(type.Namespace is "Workflows.Definitions" or "Workflows", $"model holds {type.FullName}");
            Assert.True(type.GetMethod("Equals", [type]) is not null, $"{type.Name} is not equatable");
            foreach (var property in type.GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.CanRead && p.DeclaringType == type))
            {
                if (property.GetMethod!.IsStatic || property.Name == "EqualityContract")
                {
                    continue;
                }

                Walk(property.PropertyType);
            }
        }

        Walk(typeof(JobDefinition));
        Assert.Contains(typeof(TaskDefinition), seen);
        Assert.Contains(typeof(ExitAction), seen);
    }

    [Theory]
    [InlineData("thrid", "third", 1)]
    [InlineData("secnd", "second", 1)]
    [InlineData("abc", "xyz", 3)]
    public void Edit_distance_counts_swaps_as_one(string a, string b, int distance) =>
        Assert.Equal(distance, NameSuggester.Distance(a, b));

    [Fact]
    public void Durations_format_like_yaml()
    {
        Assert.Equal("1m30s", WorkflowValidator.Format(TimeSpan.FromSeconds(90)));
        Assert.Equal("500ms", WorkflowValidator.Format(TimeSpan.FromMilliseconds(500)));
        Assert.Equal("2h", WorkflowValidator.Format(TimeSpan.FromHours(2)));
    }
}
