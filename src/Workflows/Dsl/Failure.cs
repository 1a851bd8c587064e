using Workflows.Definitions;

namespace Workflows;

/// <summary>
/// A class of task failures for <see cref="TaskBuilder.RetryOn"/> (<c>retry_on</c>): exit codes, error codes, exception
/// types or an output pattern. <see cref="And"/> narrows a class: every part must match.
/// </summary>
public sealed class Failure
{
    private Failure(RetryRule criteria) => Criteria = criteria;

    /// <summary>The criteria as the model holds them (a rule with no settings yet).</summary>
    public RetryRule Criteria { get; }

    /// <summary>Attempts that exited with one of these codes (<c>exit_codes</c>), e.g. 75 (temporary failure) or 137 (out of memory).</summary>
    /// <param name="codes">The exit codes.</param>
    public static Failure ExitCode(params int[] codes) => new(DslCall.Failure(nameof(ExitCode), [codes]));

    /// <summary>Attempts that failed with one of these error codes (<c>error_codes</c>), e.g. <c>ERR_TASK_TIMED_OUT</c> or an <c>ERR_*</c> of <c>on_exit_code</c>.</summary>
    /// <param name="codes">The error codes.</param>
    public static Failure ErrorCode(params string[] codes) => new(DslCall.Failure(nameof(ErrorCode), [codes]));

    /// <summary>In-process attempts that threw <typeparamref name="TException"/> (<c>exceptions</c>; matched by full type name).</summary>
    /// <typeparam name="TException">The exception type.</typeparam>
    public static Failure Exception<TException>()
        where TException : System.Exception => new(DslCall.Failure(nameof(Exception), [new[] { typeof(TException).FullName! }]));

    /// <summary>In-process attempts that threw one of these exception types, by full or simple name (<c>exceptions</c>).</summary>
    /// <param name="typeNames">The type names, e.g. <c>System.TimeoutException</c> or <c>TimeoutException</c>.</param>
    public static Failure Exception(params string[] typeNames) => new(DslCall.Failure(nameof(Exception), [typeNames]));

    /// <summary>Attempts whose output (the tail of stdout and stderr) matches this regular expression (<c>output</c>).</summary>
    /// <param name="pattern">A .NET regular expression, e.g. <c>connection (reset|refused)</c>.</param>
    public static Failure Output([System.Diagnostics.CodeAnalysis.StringSyntax(System.Diagnostics.CodeAnalysis.StringSyntaxAttribute.Regex)] string pattern) =>
        new(DslCall.Failure(nameof(Output), [pattern]));

    /// <summary>This class narrowed by another: both must match, e.g. <c>Failure.ExitCode(1).And(Failure.Output("reset"))</c>.</summary>
    /// <param name="other">The other class.</param>
    public Failure And(Failure other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Criteria.And(other.Criteria));
    }
}

/// <summary>How one failure class is retried: the argument of <see cref="TaskBuilder.RetryOn"/>'s second parameter.</summary>
public sealed class RetryRuleBuilder
{
    private readonly string? _taskType;
    private readonly int _taskIndex;

    internal RetryRuleBuilder(RetryRule rule, string? taskType, int taskIndex)
    {
        Rule = rule;
        _taskType = taskType;
        _taskIndex = taskIndex;
    }

    internal RetryRule Rule { get; private set; }

    /// <summary>Mistakes in the rule's own calls (a second retry wait), reported with the task's.</summary>
    internal List<Problem> Problems { get; } = [];

    /// <summary>How many retries failures of this class may use (<c>retry</c>).</summary>
    /// <param name="retries">0 or more.</param>
    /// <value>Default: 0 (failures of this class are not retried).</value>
    public RetryRuleBuilder Retry(int retries) => Apply(nameof(Retry), [retries]);

    /// <summary>Retry failures of this class without limit (<c>retry: unlimited</c>); give it a delay or a backoff.</summary>
    public RetryRuleBuilder RetryForever() => Apply(nameof(RetryForever), []);

    /// <summary>The wait before each retry of this class (<c>delay_between_retries</c>); the task's delay/backoff when neither is set.</summary>
    /// <param name="delay">0 or more.</param>
    public RetryRuleBuilder DelayBetweenRetries(TimeSpan delay) => Apply(nameof(DelayBetweenRetries), [delay]);

    /// <summary>Exponential backoff between retries of this class (<c>retry_backoff_policy</c>).</summary>
    /// <param name="min">The first delay (positive).</param>
    /// <param name="max">The cap applied after jitter; null = no cap.</param>
    /// <param name="factor">Multiplier per retry (≥ 1).</param>
    /// <param name="jitter">Draw each delay between min and the computed delay.</param>
    public RetryRuleBuilder Backoff(TimeSpan min, TimeSpan? max = null, double factor = 2, bool jitter = false) => Apply(nameof(Backoff), [min, max, factor, jitter]);

    /// <summary>Procrastinate's <c>linear_wait</c> between retries of this class: the wait, then twice it, three times, … (<c>linear_wait: 5s</c>: 5 s, 10 s, 15 s).</summary>
    /// <param name="wait">The first wait (positive).</param>
    public RetryRuleBuilder LinearWait(TimeSpan wait) => Apply(nameof(LinearWait), [wait]);

    /// <summary>Procrastinate's <c>exponential_wait</c> between retries of this class: the wait's seconds to the power of the retry number (<c>exponential_wait: 5s</c>: 5 s, 25 s, 125 s).</summary>
    /// <param name="wait">The first wait (1 s or more).</param>
    public RetryRuleBuilder ExponentialWait(TimeSpan wait) => Apply(nameof(ExponentialWait), [wait]);

    /// <summary>Fail the job at once (<c>action: FATAL</c>): no task retry, no job retry, no <c>on_failed</c>.</summary>
    public RetryRuleBuilder Fatal() => Apply(nameof(Fatal), []);

    /// <summary>Multiply the container's memory limit for the next attempt (<c>memory_factor</c>), e.g. 2 after exit 137.</summary>
    /// <param name="factor">Above 1.</param>
    public RetryRuleBuilder MemoryFactor(double factor) => Apply(nameof(MemoryFactor), [factor]);

    /// <summary>The container's memory limit for the next attempt (<c>memory_limit</c>), e.g. <c>2Gi</c>.</summary>
    /// <param name="limit">A size such as 512Mi, 1Gi or 256m.</param>
    public RetryRuleBuilder MemoryLimit(string limit) => Apply(nameof(MemoryLimit), [limit]);

    /// <summary>The container's CPU limit for the next attempt (<c>cpu_limit</c>), e.g. <c>2</c> or <c>500m</c>.</summary>
    /// <param name="limit">A CPU count.</param>
    public RetryRuleBuilder CpuLimit(string limit) => Apply(nameof(CpuLimit), [limit]);

    private RetryRuleBuilder Apply(string method, object?[] args)
    {
        Rule = DslCall.ApplyToRule(Rule, _taskType, _taskIndex, method, args, out var problem);
        if (problem is not null)
        {
            Problems.Add(problem);
        }

        return this;
    }
}
