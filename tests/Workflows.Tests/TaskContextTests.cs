using Workflows.Definitions;

namespace Workflows.Tests;

public class TaskContextTests
{
    private static TaskContext Context() => new("job-1", "outputs", "a", 1, 1, new Dictionary<string, string>());

    [Fact]
    public void SetOutput_keeps_the_last_value_of_a_name()
    {
        var context = Context();
        context.SetOutput("Version", "1");
        context.SetOutput("Version", "2");
        Assert.Equal(new Dictionary<string, string> { ["Version"] = "2" }, context.Outputs);
    }

    [Theory]
    [InlineData("has-dash")]
    [InlineData("9lives")]
    [InlineData("A::b")]
    [InlineData(" padded")]
    [InlineData("")]
    public void SetOutput_refuses_a_name_that_is_not_a_template_identifier(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => Context().SetOutput(name, "x"));
        Assert.StartsWith($"Output name '{name}' is not a template identifier", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetOutput_refuses_a_value_too_long_and_more_names_than_are_kept()
    {
        var context = Context();
        Assert.Throws<ArgumentException>(() => context.SetOutput("Big", new string('x', TaskOutputs.MaxValueLength + 1)));
        for (var i = 0; i < TaskOutputs.MaxCount; i++)
        {
            context.SetOutput("N" + i, "v");
        }

        var error = Assert.Throws<ArgumentException>(() => context.SetOutput("OneMore", "v"));
        Assert.Contains("at most 64 are kept", error.Message, StringComparison.Ordinal);
        context.SetOutput("N0", "replaced"); // an existing name may still change
    }
}
