using Workflows.Definitions;
using static Workflows.Definitions.WorkflowDiagnostics;

namespace Workflows.Definitions.Tests;

/// <summary>The validator's rules for retry_on, retry: unlimited and their resource changes (WF2003, WF2007–WF2012).</summary>
public class RetryOnRuleTests
{
    private static readonly BackoffPolicy Backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), 2, false);

    private static JobDefinition With(params RetryRule[] rules) => Jobs.Linear().WithTask(0, t => t with { RetryRules = rules });

    private static JobDefinition InContainer(string? memory, params RetryRule[] rules) =>
        Jobs.Linear().WithTask(0, t => t with { Method = TaskMethod.Docker, Script = EquatableArray.Create("make"), Container = new ContainerSpec("alpine", MemoryLimit: memory), RetryRules = rules });

    private static RetryRule Exit(params int[] codes) => new() { ExitCodes = codes, Retry = 2 };

    [Fact]
    public void A_valid_set_of_rules_reports_nothing()
    {
        var job = InContainer(
            "512Mi",
            new RetryRule { ExitCodes = EquatableArray.Create(75), Retry = 10, Backoff = Backoff },
            new RetryRule { ExitCodes = EquatableArray.Create(2), Action = RetryRuleAction.Fatal },
            new RetryRule { ExitCodes = EquatableArray.Create(137), Retry = 2, MemoryFactor = 2, CpuLimit = "2" },
            new RetryRule { Output = "connection (reset|refused)", Retry = 5, DelayBetweenRetries = TimeSpan.FromSeconds(2) },
            new RetryRule { Exceptions = EquatableArray.Create("System.TimeoutException"), UnlimitedRetries = true, Backoff = Backoff });
        Assert.Empty(WorkflowValidator.Validate(job));
    }

    [Fact]
    public void WF2007_an_output_pattern_that_is_not_a_regex_is_an_error_naming_the_rule()
    {
        var problem = Assert.Single(With(Exit(1), new RetryRule { Output = "reset (", Retry = 1 }).Problems(InvalidRetryOutputPatternId));
        Assert.StartsWith("Task 'build' retry_on[1] has output pattern 'reset (', which is not a valid regular expression: ", problem.Message, StringComparison.Ordinal);
        Assert.Equal(new DefinitionPointer("build", "retry_on", "[1].output", 0), problem.Location);
        Assert.Empty(With(new RetryRule { Output = @"reset \(", Retry = 1 }).Problems(InvalidRetryOutputPatternId));
    }

    [Fact]
    public void WF2008_a_rule_without_a_failure_class_is_an_error()
    {
        var problem = Assert.Single(With(new RetryRule { Retry = 3 }).Problems(RetryRuleMatchesNothingId));
        Assert.StartsWith("Task 'build' retry_on[0] names no failure class", problem.Message, StringComparison.Ordinal);
        Assert.Empty(With(new RetryRule { ErrorCodes = EquatableArray.Create("ERR_TASK_TIMED_OUT"), Retry = 3 }).Problems(RetryRuleMatchesNothingId));
    }

    [Fact]
    public void WF2009_an_exit_code_mapped_to_an_action_that_is_not_a_retried_failure_shadows_the_rule()
    {
        var job = With(Exit(2, 3, 4)).WithTask(0, t => t with
        {
            ExitCodes = EquatableArray.Create(new ExitCodeRoute("2", ExitAction.Fatal), new ExitCodeRoute("3", ExitAction.RestartTask), new ExitCodeRoute("4", ExitAction.Error("ERR_X"))),
            Retry = 1,
        });
        var problem = Assert.Single(job.Problems(RetryRuleShadowedByExitCodeId));
        Assert.StartsWith("Task 'build' maps exit code 2 to FATAL in on_exit_code, so retry_on[0] can never see it", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WF2010_a_class_repeated_after_a_rule_of_only_that_kind_warns_but_a_narrower_rule_does_not_shadow()
    {
        var problem = Assert.Single(With(Exit(75), Exit(76, 75)).Problems(DuplicateRetryRuleClassId));
        Assert.Equal(ProblemSeverity.Warning, problem.Severity);
        Assert.StartsWith("Task 'build' lists exit code 75 in retry_on[0] and again in retry_on[1].", problem.Message, StringComparison.Ordinal);

        var narrower = new RetryRule { ExitCodes = EquatableArray.Create(1), Output = "reset", Retry = 5 };
        Assert.Empty(With(narrower, Exit(1)).Problems(DuplicateRetryRuleClassId));
    }

    [Fact]
    public void WF2011_resource_changes_must_be_applicable()
    {
        string[] Messages(JobDefinition job) => job.Problems(InvalidRetryResourcesId).Select(p => p.Message.Split('.')[0]).ToArray();

        Assert.Equal(["Task 'build' retry_on[0] has memory_factor = 1, which would not raise the memory"], Messages(InContainer("512Mi", Exit(137) with { MemoryFactor = 1 })));
        Assert.Equal(["Task 'build' retry_on[0] has memory_factor = 2, but the task's container sets no memory_limit to multiply"], Messages(InContainer(null, Exit(137) with { MemoryFactor = 2 })));
        Assert.Empty(Messages(InContainer(null, Exit(137) with { MemoryFactor = 2, MemoryLimit = "2Gi" })));
        Assert.Equal(["Task 'build' retry_on[0] has memory_limit = 'lots', which is not a size", "Task 'build' retry_on[0] has cpu_limit = 'two', which is not a CPU count"],
            Messages(InContainer("512Mi", Exit(137) with { MemoryLimit = "lots", CpuLimit = "two" })));
        Assert.Equal(["Task 'build' retry_on[0] changes container limits, but the task runs no container"], Messages(With(Exit(137) with { MemoryFactor = 2 })));
    }

    [Fact]
    public void WF2012_unlimited_retries_without_any_wait_warn_on_the_task_and_on_the_rule()
    {
        var task = Jobs.Linear().WithTask(0, t => t with { UnlimitedRetries = true });
        Assert.Equal("Task 'build'", Assert.Single(task.Problems(UnlimitedRetriesWithoutDelayId)).Message[..12]);
        Assert.Empty(task.WithTask(0, t => t with { DelayBetweenRetries = TimeSpan.FromSeconds(5) }).Problems(UnlimitedRetriesWithoutDelayId));
        Assert.Empty(task.WithTask(0, t => t with { Backoff = Backoff }).Problems(UnlimitedRetriesWithoutDelayId));

        var rule = new RetryRule { ExitCodes = EquatableArray.Create(75), UnlimitedRetries = true };
        Assert.StartsWith("Task 'build' retry_on[0] retries without limit", Assert.Single(With(rule).Problems(UnlimitedRetriesWithoutDelayId)).Message, StringComparison.Ordinal);
        Assert.Empty(With(rule).WithTask(0, t => t with { DelayBetweenRetries = TimeSpan.FromSeconds(1) }).Problems(UnlimitedRetriesWithoutDelayId)); // the task's delay applies
        Assert.Single(With(rule with { DelayBetweenRetries = TimeSpan.Zero }).WithTask(0, t => t with { DelayBetweenRetries = TimeSpan.FromSeconds(1) }).Problems(UnlimitedRetriesWithoutDelayId)); // its own zero wins
        Assert.Empty(With(rule with { Action = RetryRuleAction.Fatal }).Problems(UnlimitedRetriesWithoutDelayId));
    }

    [Fact]
    public void WF2003_and_WF2005_apply_inside_a_rule()
    {
        var job = With(new RetryRule { ExitCodes = EquatableArray.Create(1), Retry = -1, Backoff = new BackoffPolicy(TimeSpan.Zero, null, 2, false) });
        Assert.StartsWith("Task 'build' retry_on[0] has retry = -1", Assert.Single(job.Problems(NegativeCountId)).Message, StringComparison.Ordinal);
        Assert.StartsWith("Task 'build' retry_on[0] has a retry backoff whose min is 0s", Assert.Single(job.Problems(InvalidBackoffId)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Max_attempts_bounds_every_class_and_is_null_when_unbounded()
    {
        var task = new TaskDefinition { Retry = 2, RetryRules = EquatableArray.Create(Exit(75) with { Retry = 10 }, new RetryRule { ExitCodes = EquatableArray.Create(2), Action = RetryRuleAction.Fatal, Retry = 5 }) };
        Assert.Equal(13, task.MaxAttempts);
        Assert.Null((task with { UnlimitedRetries = true }).MaxAttempts);
        Assert.Null((task with { RetryStrategy = "custom" }).MaxAttempts);
        Assert.Null((task with { RetryRules = EquatableArray.Create(Exit(1) with { UnlimitedRetries = true }) }).MaxAttempts);
    }

    [Fact]
    public void Memory_factors_multiply_the_limit_in_binary_units_and_stay_bounded()
    {
        Assert.Equal("1Gi", ResourceQuantities.MultiplyMemory("512Mi", 2));
        Assert.Equal("768Mi", ResourceQuantities.MultiplyMemory("512m", 1.5));
        Assert.Equal("1Ti", ResourceQuantities.MultiplyMemory("800Gi", 4));
        Assert.Null(ResourceQuantities.MultiplyMemory("lots", 2));
    }
}
