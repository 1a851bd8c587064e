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

    /// <summary>
    /// Procrastinate's retry strategies seed, word for word: "<c>linear_wait=5</c> to wait 5 seconds then 10 then 15 and so
    /// on" and "<c>exponential_wait=5</c> to wait 5 seconds then 25 then 125 and so on" — as a definition's policy and as
    /// the helpers an <see cref="IRetryStrategy"/> calls.
    /// </summary>
    [Theory]
    [InlineData(1, 5, 5)]
    [InlineData(2, 10, 25)]
    [InlineData(3, 15, 125)]
    [InlineData(4, 20, 625)]
    public void Linear_wait_5_waits_5_then_10_then_15_and_exponential_wait_5_waits_5_then_25_then_125(int retry, int linear, int exponential)
    {
        var five = TimeSpan.FromSeconds(5);
        Assert.Equal(TimeSpan.FromSeconds(linear), RetryDelays.For(null, BackoffPolicy.LinearWait(five), retry, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(exponential), RetryDelays.For(null, BackoffPolicy.ExponentialWait(five), retry, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(linear), RetryDelays.LinearWait(five, retry));
        Assert.Equal(TimeSpan.FromSeconds(exponential), RetryDelays.ExponentialWait(five, retry));
    }

    [Fact]
    public void Procrastinate_waits_replace_the_fixed_delay_and_stay_finite()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), RetryDelays.For(TimeSpan.FromSeconds(3), BackoffPolicy.LinearWait(TimeSpan.FromSeconds(5)), 2, 0.5));
        Assert.Equal(RetryDelays.Ceiling, RetryDelays.For(null, BackoffPolicy.ExponentialWait(TimeSpan.FromSeconds(5)), 1000, 0.5));
        Assert.Equal(RetryDelays.Ceiling, RetryDelays.LinearWait(TimeSpan.FromDays(1), int.MaxValue));
    }

    /// <summary>A task with <c>exponential_wait: 5s</c> and <c>retry: 3</c> schedules its retries 5 s, 25 s and 125 s after each failure.</summary>
    [Fact]
    public void A_task_with_exponential_wait_schedules_its_retries_5_25_and_125_seconds_later()
    {
        var run = new JobRun(Workflow.Create("waits", job => job.Task("fetch").Shell().Script("./fetch.sh").Retry(3).ExponentialWait(TimeSpan.FromSeconds(5))).Definition);
        run.Decide(new StartJob());
        foreach (var seconds in new[] { 5, 25, 125 })
        {
            run.Run("fetch", 1);
            var failedAt = run.Clock.GetUtcNow(); // the run waited until the attempt was due, then it failed
            Assert.Equal(failedAt + TimeSpan.FromSeconds(seconds), run.Due.DueAt);
        }
    }

    /// <summary>A strategy built on the helpers waits as the seed says: <c>RetryAfter(RetryDelays.LinearWait(5 s, context.Attempt))</c>.</summary>
    [Fact]
    public void A_retry_strategy_using_the_linear_wait_helper_retries_5_then_10_seconds_later()
    {
        var run = new JobRun(Workflow.Create("strategy", job => job.Task("fetch").Shell().Script("./fetch.sh").RetryStrategy("linear")).Definition);
        run.Decide(new StartJob());
        foreach (var seconds in new[] { 5, 10 })
        {
            run.Run("fetch", attempt => new ReportTaskResult("fetch", attempt, 1, null, false, null)
            {
                Strategy = RetryStrategyDecision.RetryAfter(RetryDelays.LinearWait(TimeSpan.FromSeconds(5), attempt)),
            });
            var failedAt = run.Clock.GetUtcNow();
            Assert.Equal(failedAt + TimeSpan.FromSeconds(seconds), run.Due.DueAt);
        }
    }

    /// <summary>The <see cref="IRetryStrategy"/> helpers: the failed attempt n retries after n × 5 s, or 5ⁿ s.</summary>
    [Theory]
    [InlineData(1, 5, 5)]
    [InlineData(2, 10, 25)]
    [InlineData(3, 15, 125)]
    public void A_strategy_answers_with_linear_or_exponential_wait_for_the_failed_attempt(int attempt, int linear, int exponential)
    {
        var context = new RetryContext("job-1", "feed", "fetch", attempt, 0, 1, "ERR_TASK_EXECUTE", null, null, attempt - 1, 0, "default", RetryStrategyDecision.Stop());
        var five = TimeSpan.FromSeconds(5);
        Assert.Equal((true, TimeSpan.FromSeconds(linear)), RetryStrategyDecision.RetryAfterLinearWait(five, context) is var l ? (l.Retry, l.RetryIn!.Value) : default);
        Assert.Equal((true, TimeSpan.FromSeconds(exponential), 3), RetryStrategyDecision.RetryAfterExponentialWait(five, context, priority: 3) is var e ? (e.Retry, e.RetryIn!.Value, e.Priority!.Value) : default);
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
