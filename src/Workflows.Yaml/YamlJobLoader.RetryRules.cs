using Workflows.Definitions;

namespace Workflows.Yaml;

public static partial class YamlJobLoader
{
    private static readonly string[] RetryRuleActions = { "RETRY", "FATAL" };

    /// <summary><c>retry: 3</c>, or <c>retry: unlimited</c> (a Workflows extension).</summary>
    private static TaskDefinition ReadTaskRetry(TaskDefinition task, YamlNode value, Scope scope, string key, LoadContext context) =>
        IsUnlimited(value)
            ? task with { Retry = 0, UnlimitedRetries = true }
            : task with { Retry = context.Int(value, scope, key) ?? 0, UnlimitedRetries = false };

    private static bool IsUnlimited(YamlNode value) =>
        value is YamlScalarNode { IsNull: false } scalar && string.Equals(scalar.Value.Trim(), "unlimited", StringComparison.OrdinalIgnoreCase);

    /// <summary>The <c>retry_on</c> list (a Workflows extension): one failure class and its retry settings per item.</summary>
    private static EquatableArray<RetryRule> ReadRetryRules(YamlNode value, Scope scope, string key, LoadContext context)
    {
        const string Example = "a list of rules, each like '- exit_codes: [75]' with 'retry: 10' below it";
        if (context.Sequence(value, scope, key, Example) is not { } list)
        {
            return default;
        }

        var rules = new List<RetryRule>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (context.Mapping(list.Items[i], scope, key, "'- exit_codes: [75]' with 'retry: 10' below it") is not { } map)
            {
                continue;
            }

            var inner = scope.Nested(key, i);
            var rule = new RetryRule();
            foreach (var (k, kn, v) in context.Entries(map, inner, KnownKeys.RetryRule))
            {
                if (SecondWait(k, rule.Backoff, kn, inner, context))
                {
                    continue;
                }

                rule = k switch
                {
                    "exit_codes" => rule with { ExitCodes = Ints(v, inner, k, context) },
                    "error_codes" => rule with { ErrorCodes = context.Strings(v, inner, k) },
                    "exceptions" => rule with { Exceptions = context.Strings(v, inner, k) },
                    "output" => rule with { Output = RawText(v, inner, k, context) },
                    "action" => rule with { Action = context.OneOf(v, inner, k, RetryRuleActions) == "FATAL" ? RetryRuleAction.Fatal : RetryRuleAction.Retry },
                    "retry" => IsUnlimited(v) ? rule with { UnlimitedRetries = true } : rule with { Retry = context.Int(v, inner, k) ?? 0 },
                    "delay_between_retries" => rule with { DelayBetweenRetries = context.Duration(v, inner, k) },
                    "retry_backoff_policy" => rule with { Backoff = ReadBackoff(v, inner, k, context) },
                    "linear_wait" => rule with { Backoff = Wait(BackoffPolicy.LinearWait, context.WaitDuration(v, inner, k)) },
                    "exponential_wait" => rule with { Backoff = Wait(BackoffPolicy.ExponentialWait, context.WaitDuration(v, inner, k)) },
                    "memory_factor" => rule with { MemoryFactor = context.Double(v, inner, k) },
                    "memory_limit" => rule with { MemoryLimit = context.String(v, inner, k) },
                    _ => rule with { CpuLimit = context.String(v, inner, k) },
                };
            }

            rules.Add(rule);
        }

        return rules.ToEquatableArray();
    }

    /// <summary>A list of whole numbers, or one number.</summary>
    private static EquatableArray<int> Ints(YamlNode value, Scope scope, string key, LoadContext context)
    {
        if (value is YamlScalarNode { IsNull: false } one)
        {
            return context.Int(one, scope, key) is { } single ? EquatableArray.Create(single) : default;
        }

        var list = context.Sequence(value, scope, key, $"'{key}: [75, 137]'");
        return list is null ? default : list.Items.Select(item => context.Int(item, scope, key)).OfType<int>().ToEquatableArray();
    }

    /// <summary>Text as written: a regular expression is not a template, so <c>{{</c> is not translated.</summary>
    private static string? RawText(YamlNode value, Scope scope, string key, LoadContext context)
    {
        if (value is YamlScalarNode scalar)
        {
            return scalar.IsNull ? null : scalar.Value;
        }

        context.WrongType(scope, key, value, "a regular expression", $"'{key}: \"connection (reset|refused)\"'");
        return null;
    }
}
