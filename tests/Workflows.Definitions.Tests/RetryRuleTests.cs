using Workflows.Definitions;
using static Workflows.Definitions.WorkflowDiagnostics;

namespace Workflows.Definitions.Tests;

public class RetryRuleTests
{
    [Fact]
    public void WF2001_restart_task_without_task_retries_warns()
    {
        var job = Jobs.Linear().WithTask(1, t => t.Route("2", ExitAction.RestartTask));
        var problem = Assert.Single(job.Problems(RestartTaskWithoutRetryId));
        Assert.Equal(ProblemSeverity.Warning, problem.Severity);
        Assert.Contains("Add .Retry(1)", problem.Message, StringComparison.Ordinal);
        Assert.Empty(job.WithTask(1, t => t with { Retry = 1 }).Problems(RestartTaskWithoutRetryId));
    }

    [Fact]
    public void WF2002_restart_job_without_job_retries_warns()
    {
        var job = Jobs.Linear().WithTask(1, t => t.Route("2", ExitAction.RestartJob));
        var problem = Assert.Single(job.Problems(RestartJobWithoutRetryId));
        Assert.Contains("job 'test-job' has no retries", problem.Message, StringComparison.Ordinal);
        Assert.Empty((job with { Retry = 2 }).Problems(RestartJobWithoutRetryId));
    }

    [Fact]
    public void WF2003_negative_counts_are_errors_naming_the_key()
    {
        var job = (Jobs.Linear() with { Retry = -1, HardResetAfterRetries = -2, RetentionDaysForFailed = -3 })
            .WithTask(0, t => t with { Retry = -4, FanOut = new FanOutSpec("items", "item", MaxParallel: -5) });
        var problems = job.Problems(NegativeCountId);
        Assert.Equal(
            ["Job 'test-job' has retry = -1", "Job 'test-job' has hard_reset_after_retries = -2", "Job 'test-job' has retention_days_for_failed = -3", "Task 'build' has retry = -4", "Task 'build' has fan_out.max_parallel = -5"],
            problems.Select(p => p.Message.Split(',')[0]));
        Assert.Empty((Jobs.Linear() with { Retry = 0 }).WithTask(0, t => t with { Retry = 3 }).Problems(NegativeCountId));
    }

    [Fact]
    public void WF2004_negative_durations_and_non_positive_timeouts()
    {
        var job = (Jobs.Linear() with { DelayBetweenRetries = TimeSpan.FromSeconds(-6), Timeout = TimeSpan.Zero })
            .WithTask(0, t => t with { Timeout = TimeSpan.FromSeconds(-1), DelayBetweenRetries = TimeSpan.FromMilliseconds(-500) });
        var problems = job.Problems(InvalidDurationId);
        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.Message.StartsWith("Job 'test-job' has timeout = 0s, which is zero (no attempt could run).", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Message.StartsWith("Job 'test-job' has delay_between_retries = -6s, which is negative.", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Message.StartsWith("Task 'build' has delay_between_retries = -500ms", StringComparison.Ordinal));

        var fine = (Jobs.Linear() with { DelayBetweenRetries = TimeSpan.Zero }).WithTask(0, t => t with { Timeout = TimeSpan.FromSeconds(15) });
        Assert.Empty(fine.Problems(InvalidDurationId));
    }

    [Fact]
    public void WF2005_backoff_with_max_below_min_factor_below_one_or_no_min()
    {
        var job = Jobs.Linear() with { Backoff = new BackoffPolicy(TimeSpan.Zero, TimeSpan.FromSeconds(-1), 0.5, false) };
        var problems = job.Problems(InvalidBackoffId);
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Message.Contains("max (-1s) is below its min (0s)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Message.Contains("factor is 0.5", StringComparison.Ordinal));
        Assert.Empty((Jobs.Linear() with { Backoff = new BackoffPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), 2, true) }).Problems(InvalidBackoffId));
    }

    [Fact]
    public void WF2005_exponential_wait_under_a_second_would_shrink_and_linear_wait_needs_a_positive_wait()
    {
        var shrinking = Jobs.Linear().WithTask(0, t => t with { Backoff = BackoffPolicy.ExponentialWait(TimeSpan.FromMilliseconds(500)) });
        var problem = Assert.Single(shrinking.Problems(InvalidBackoffId));
        Assert.Contains("exponential_wait is 500ms", problem.Message, StringComparison.Ordinal);
        Assert.Equal("exponential_wait", problem.Location.Key);
        Assert.Contains("linear_wait is 0s", Assert.Single((Jobs.Linear() with { Backoff = BackoffPolicy.LinearWait(TimeSpan.Zero) }).Problems(InvalidBackoffId)).Message, StringComparison.Ordinal);
        Assert.Empty(Jobs.Linear().WithTask(0, t => t with { Backoff = BackoffPolicy.ExponentialWait(TimeSpan.FromSeconds(5)) }).Problems(InvalidBackoffId));
        Assert.Empty((Jobs.Linear() with { Backoff = BackoffPolicy.LinearWait(TimeSpan.FromSeconds(5)) }).Problems(InvalidBackoffId));
    }

    [Fact]
    public void WF2006_max_concurrency_below_one()
    {
        var problem = Assert.Single((Jobs.Linear() with { MaxConcurrency = 0 }).Problems(InvalidMaxConcurrencyId));
        Assert.Contains("max_concurrency = 0, so no run could ever start", problem.Message, StringComparison.Ordinal);
        Assert.Empty((Jobs.Linear() with { MaxConcurrency = 1 }).Problems(InvalidMaxConcurrencyId));
        Assert.Empty(Jobs.Linear().Problems(InvalidMaxConcurrencyId));
    }
}
