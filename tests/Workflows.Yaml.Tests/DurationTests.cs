namespace Workflows.Yaml.Tests;

public class DurationTests
{
    [Theory]
    [InlineData("6s", 60_000_000L)]
    [InlineData("500ms", 5_000_000L)]
    [InlineData("1m30s", 900_000_000L)]
    [InlineData("2h", 72_000_000_000L)]
    [InlineData("1.5s", 15_000_000L)]
    [InlineData("0", 0L)]
    [InlineData("0s", 0L)]
    [InlineData("-5s", -50_000_000L)]
    [InlineData("+5s", 50_000_000L)]
    [InlineData("1h2m3s4ms5us600ns", 37_230_040_056L)]
    [InlineData("300us", 3_000L)]
    [InlineData("300µs", 3_000L)]
    [InlineData("1500ns", 15L)]
    [InlineData("0.000001s", 10L)]
    [InlineData("1.s", 10_000_000L)]
    [InlineData(".5m", 300_000_000L)]
    [InlineData("2h45m", 99_000_000_000L)]
    [InlineData("1m1m", 1_200_000_000L)]
    [InlineData("0.1h", 3_600_000_000L)]
    public void Go_durations_are_read_exactly(string text, long ticks)
    {
        Assert.True(Durations.TryParse(text, out var value), text);
        Assert.Equal(TimeSpan.FromTicks(ticks), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("5")]
    [InlineData("30")]
    [InlineData("s")]
    [InlineData("5 s")]
    [InlineData("5sec")]
    [InlineData("5S")]
    [InlineData("1d")]
    [InlineData(".s")]
    [InlineData("1.2.3s")]
    [InlineData("-")]
    [InlineData("five seconds")]
    [InlineData("99999999999999999999h")]
    public void Anything_else_is_not_a_duration(string? text) => Assert.False(Durations.TryParse(text, out _));
}
