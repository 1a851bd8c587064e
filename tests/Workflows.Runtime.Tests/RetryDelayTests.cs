using Workflows.Definitions;

namespace Workflows.Runtime.Tests;

public class RetryDelayTests
{
    [Fact]
    public void Fixed_delay_or_none()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), RetryDelays.For(TimeSpan.FromSeconds(5), null, 3, 0.5));
        Assert.Equal(TimeSpan.Zero, RetryDelays.For(null, null, 1, 0.5));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 8)]
    public void Exponential_backoff_doubles_from_min(int retry, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryDelays.For(null, new BackoffPolicy(TimeSpan.FromSeconds(1), null, 2, false), retry, 0.5));

    [Fact]
    public void The_cap_applies_after_jitter_and_jitter_stays_between_min_and_computed()
    {
        var policy = new BackoffPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), 2, true);
        Assert.Equal(TimeSpan.FromSeconds(1), RetryDelays.For(null, policy, 4, 0.0));  // jitter 0 → min
        Assert.Equal(TimeSpan.FromSeconds(4.5), RetryDelays.For(null, policy, 4, 0.5)); // between 1 s and 8 s
        Assert.Equal(TimeSpan.FromSeconds(10), RetryDelays.For(null, policy, 10, 0.99)); // 512 s computed, capped
    }

    [Fact]
    public void Hundreds_of_attempts_never_overflow()
    {
        var uncapped = new BackoffPolicy(TimeSpan.FromSeconds(1), null, 10, true);
        for (var retry = 1; retry <= 1000; retry += 37)
        {
            var delay = RetryDelays.For(null, uncapped, retry, 0.99);
            Assert.InRange(delay, TimeSpan.FromSeconds(1), RetryDelays.Ceiling);
        }
    }

    [Fact]
    public void Polls_never_spin_when_no_delay_is_set()
    {
        var run = new JobRun(Workflow.Create("poll", job => job.Task("a").HttpGet("https://example.com").Timeout(TimeSpan.FromMinutes(1)).OnExitCode(404, ExitAction.Executing)).Definition);
        run.Decide(new StartJob());
        var at = run.Clock.GetUtcNow();
        run.Run("a", 404);
        Assert.Equal(at + RetryDelays.DefaultPollDelay, run.Due.DueAt);
    }
}
