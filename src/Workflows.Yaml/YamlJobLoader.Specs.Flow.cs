using Workflows.Definitions;

namespace Workflows.Yaml;

public static partial class YamlJobLoader
{
    private static EquatableArray<TriggerSpec> ReadTriggers(YamlNode value, Scope scope, string key, LoadContext context)
    {
        if (context.Sequence(value, scope, key, "a list of triggers, each '- name: on-push' with 'type: webhook'") is not { } list)
        {
            return default;
        }

        var triggers = new List<TriggerSpec>();
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (context.Mapping(list.Items[i], scope, key, "'- name: on-push' with 'type: webhook'") is not { } map)
            {
                continue;
            }

            var inner = scope.Nested(key, i);
            var spec = new TriggerSpec(string.Empty, string.Empty);
            foreach (var (k, keyNode, v) in context.Entries(map, inner, KnownKeys.Trigger))
            {
                if (k == "type" && v is YamlScalarNode { Value: { } type } && KnownKeys.TriggerTypeNotRunYet.TryGetValue(type, out var reason))
                {
                    context.Report(WorkflowDiagnostics.NotRunYet, inner, k, keyNode, scope.Subject, $"{key}[{i}].type: {type}", reason);
                }

                spec = k switch
                {
                    "name" => spec with { Name = context.String(v, inner, k) ?? string.Empty },
                    "type" => spec with { Type = context.OneOf(v, inner, k, TriggerTypes) ?? string.Empty },
                    "path" => spec with { Path = context.String(v, inner, k) },
                    "auth" => ReadTriggerAuth(spec, v, inner, k, context),
                    "mode" => spec with { Mode = context.OneOf(v, inner, k, TriggerModes) },
                    "bucket" => spec with { Bucket = context.String(v, inner, k) },
                    "prefix" => spec with { Prefix = context.String(v, inner, k) },
                    "suffix" => spec with { Suffix = context.String(v, inner, k) },
                    "poll_interval" => spec with { PollInterval = context.Duration(v, inner, k) },
                    "topic" => spec with { Topic = context.String(v, inner, k) },
                    "group" => spec with { Group = context.String(v, inner, k) },
                    "shared" => spec with { Shared = context.Bool(v, inner, k) ?? false },
                    "params" => spec with { Params = context.NamedValues(v, inner, k) },
                    "filter" => spec with { Filter = context.String(v, inner, k) },
                    "dedup_key" => spec with { DedupKey = context.String(v, inner, k) },
                    _ => ReadRateLimit(spec, v, inner, k, context),
                };
            }

            if (!map.Entries.Any(e => e.Key is YamlScalarNode { Value: "name" }))
            {
                Missing(context, scope, key, map, $"{key}[{i}]", "name", "name: on-push");
            }
            else if (!map.Entries.Any(e => e.Key is YamlScalarNode { Value: "type" }))
            {
                Missing(context, scope, key, map, $"{key}[{i}]", "type", "type: webhook");
            }
            else
            {
                triggers.Add(spec);
            }
        }

        return triggers.ToEquatableArray();
    }

    private static TriggerSpec ReadTriggerAuth(TriggerSpec spec, YamlNode value, Scope scope, string key, LoadContext context)
    {
        if (context.Mapping(value, scope, key, "'auth:' with 'method: hmac_sha256' below it") is not { } map)
        {
            return spec;
        }

        var inner = scope.Nested(key);
        foreach (var (k, _, v) in context.Entries(map, inner, KnownKeys.TriggerAuth))
        {
            spec = k switch
            {
                "method" => spec with { AuthMethod = context.OneOf(v, inner, k, AuthMethods) },
                "secret_config" => spec with { AuthSecretConfig = context.String(v, inner, k) },
                _ => spec with { AuthHeader = context.String(v, inner, k) },
            };
        }

        return spec;
    }

    private static TriggerSpec ReadRateLimit(TriggerSpec spec, YamlNode value, Scope scope, string key, LoadContext context)
    {
        if (context.Mapping(value, scope, key, "'rate_limit:' with 'max: 10' and 'window: 1m' below it") is not { } map)
        {
            return spec;
        }

        var inner = scope.Nested(key);
        foreach (var (k, _, v) in context.Entries(map, inner, KnownKeys.RateLimit))
        {
            spec = k == "max"
                ? spec with { RateLimitMax = context.Int(v, inner, k) }
                : spec with { RateLimitWindow = context.Duration(v, inner, k) };
        }

        return spec;
    }

    private static ApprovalPolicy? ReadApproval(YamlNode value, Scope scope, string key, LoadContext context)
    {
        if (context.Mapping(value, scope, key, "'approval_policy:' with 'min_approvals: 1' below it") is not { } map)
        {
            return null;
        }

        var inner = scope.Nested(key);
        var policy = new ApprovalPolicy();
        foreach (var (k, _, v) in context.Entries(map, inner, KnownKeys.Approval))
        {
            policy = k switch
            {
                "min_approvals" => policy with { MinApprovals = context.Int(v, inner, k) ?? 1 },
                "allowed_roles" => policy with { AllowedRoles = context.Strings(v, inner, k, allowCsv: true) },
                "allowed_users" => policy with { AllowedUsers = context.Strings(v, inner, k, allowCsv: true) },
                "require_unanimous" => policy with { RequireUnanimous = context.Bool(v, inner, k) ?? false },
                "sla_deadline" => policy with { SlaDeadline = context.Duration(v, inner, k) },
                "timeout_action" => policy with { TimeoutAction = context.OneOf(v, inner, k, TimeoutActions) },
                "escalation_recipients" => policy with { EscalationRecipients = context.Strings(v, inner, k, allowCsv: true) },
                _ => policy with { EscalationMessage = context.String(v, inner, k) },
            };
        }

        return policy;
    }

    private static FanOutSpec? ReadFanOut(YamlNode value, Scope scope, string key, LoadContext context)
    {
        if (context.Mapping(value, scope, key, "'fan_out:' with 'source: regions' and 'item_var: region' below it") is not { } map)
        {
            return null;
        }

        var inner = scope.Nested(key);
        var spec = new FanOutSpec(string.Empty, string.Empty);
        string? source = null;
        string? item = null;
        foreach (var (k, _, v) in context.Entries(map, inner, KnownKeys.FanOut))
        {
            spec = k switch
            {
                "source" => spec with { Source = (source = context.String(v, inner, k)) ?? string.Empty },
                "item_var" => spec with { ItemVariable = (item = context.String(v, inner, k)) ?? string.Empty },
                "max_parallel" => spec with { MaxParallel = context.Int(v, inner, k) ?? 0 },
                "fail_fast" => spec with { FailFast = context.Bool(v, inner, k) ?? false },
                "fork_job_type" => spec with { ForkJobType = context.String(v, inner, k) },
                _ => spec with { ForkJobVersion = context.String(v, inner, k) },
            };
        }

        if (source is null || item is null)
        {
            Missing(context, scope, key, map, key, source is null ? "source" : "item_var", source is null ? "source: regions" : "item_var: region");
            return null;
        }

        return spec;
    }

    private static SubWorkflowSpec? ReadSubWorkflow(YamlNode value, Scope scope, string key, LoadContext context)
    {
        if (context.Mapping(value, scope, key, "'sub_workflow:' with 'input_params:' below it") is not { } map)
        {
            return null;
        }

        var inner = scope.Nested(key);
        var spec = new SubWorkflowSpec();
        foreach (var (k, _, v) in context.Entries(map, inner, KnownKeys.SubWorkflow))
        {
            spec = k switch
            {
                "input_params" => spec with { InputParams = context.NamedValues(v, inner, k) },
                "output_variables" => spec with { OutputVariables = context.NamedValues(v, inner, k) },
                _ => spec with { WaitForCompletion = context.Bool(v, inner, k) ?? false },
            };
        }

        return spec;
    }

    /// <summary>
    /// True (WF4012 reported) when <paramref name="key"/> is a second of <c>retry_backoff_policy</c>, <c>linear_wait</c> and
    /// <c>exponential_wait</c> in one place: they set the same wait, so the first is kept, as for a repeated key.
    /// </summary>
    private static bool SecondWait(string key, BackoffPolicy? first, YamlNode keyNode, Scope scope, LoadContext context)
    {
        if (first is null || key is not ("retry_backoff_policy" or "linear_wait" or "exponential_wait"))
        {
            return false;
        }

        context.Report(WorkflowDiagnostics.TwoRetryWaits, scope, key, keyNode, scope.Subject, first.Key, key);
        return true;
    }

    /// <summary>Procrastinate's <c>linear_wait</c> or <c>exponential_wait</c> (a Workflows extension), when its duration reads.</summary>
    private static BackoffPolicy? Wait(Func<TimeSpan, BackoffPolicy> shape, TimeSpan? wait) => wait is { } value ? shape(value) : null;

    /// <summary><c>retry_backoff_policy</c>: factor 2 and no cap unless written (as the C# DSL's defaults).</summary>
    private static BackoffPolicy? ReadBackoff(YamlNode value, Scope scope, string key, LoadContext context)
    {
        if (context.Mapping(value, scope, key, "'retry_backoff_policy:' with 'min: 1s', 'max: 30s', 'factor: 2' below it") is not { } map)
        {
            return null;
        }

        var inner = scope.Nested(key);
        var policy = new BackoffPolicy(TimeSpan.Zero, null, 2, false);
        foreach (var (k, _, v) in context.Entries(map, inner, KnownKeys.Backoff))
        {
            policy = k switch
            {
                "min" => policy with { Min = context.Duration(v, inner, k) ?? TimeSpan.Zero },
                "max" => policy with { Max = context.Duration(v, inner, k) },
                "factor" => policy with { Factor = context.Double(v, inner, k) ?? 2 },
                _ => policy with { Jitter = context.Bool(v, inner, k) ?? false },
            };
        }

        return policy;
    }
}
