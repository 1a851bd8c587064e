extern alias analyzers;
using Workflows.Definitions;
using static Workflows.Definitions.WorkflowDiagnostics;

using WorkflowAnalyzer = analyzers::Workflows.Analyzers.WorkflowAnalyzer;

namespace Workflows.Analyzers.Tests;

public class AnalyzerTests
{
    [Fact]
    public async Task The_seed_retry_job_gets_only_its_known_warning() =>
        await Verify.Analyzer("""
            [Workflow("retry-job")]
            public sealed partial class RetryJob : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Retry(2)
                    .DelayBetweenRetries(TimeSpan.FromSeconds(6))
                    .Task("first").HttpGet("http://127.0.0.1:5080/todos/1")
                        .Timeout(TimeSpan.FromSeconds(15)).DelayBetweenRetries(TimeSpan.FromSeconds(5))
                        .OnExitCode({|#0:10|}, RestartJob).OnCompleted("second")
                    .Task("second").Container("alpine").Retry(2).Script("exit {{ Random 0 3 }}")
                        .OnExitCode(1, Fatal).OnExitCode(2, RestartTask).OnExitCode(3, "ERR_XYZ")
                        .OnCompleted("third")
                    .Task("third").Container("alpine").Script("date");
            }
            """,
            Verify.Diagnostic(ExitCodeOutOfRangeId, 0, "Task 'first' maps exit code 10, but HTTP_GET tasks exit with 0 for any 2xx response, or the status of any other response (100–199, 300–599), so this mapping can never apply. Use a code in that range, or remove the mapping."));

    [Fact]
    public async Task Retry_rule_problems_are_reported_on_the_failure_class_and_the_rule_setting() =>
        await Verify.Analyzer("""
            [Workflow("sync")]
            public sealed partial class Sync : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Task("sync").Shell().Script("./sync.sh")
                        .RetryOn({|#0:Failure.Output("reset (")|}, rule => rule.Retry(5))
                        .RetryOn(Failure.ExitCode(75), rule => rule.Retry({|#1:-1|}))
                        .RetryOn(Failure.ExitCode(76), rule => rule.{|#2:RetryForever|}());
            }
            """,
            Verify.Diagnostic(InvalidRetryOutputPatternId, 0, "Task 'sync' retry_on[0] has output pattern 'reset (', which is not a valid regular expression: Invalid pattern 'reset (' at offset 7. Not enough )'s. Fix the pattern, escaping characters such as '(' and '[' with a backslash when they are meant literally."),
            Verify.Diagnostic(NegativeCountId, 1, "Task 'sync' retry_on[1] has retry = -1, which is negative. Use 0 or more."),
            Verify.Diagnostic(UnlimitedRetriesWithoutDelayId, 2, "Task 'sync' retry_on[2] retries without limit and waits nothing between attempts, so a failure that never clears retries in a hot loop. Add a delay (delay_between_retries: 5s, C# .DelayBetweenRetries(TimeSpan.FromSeconds(5))) or a backoff (retry_backoff_policy, C# .Backoff(...))."));

    [Fact]
    public async Task Approval_policy_problems_of_the_builder_form_are_reported_on_the_setting() =>
        await Verify.Analyzer("""
            [Workflow("release")]
            public sealed partial class Release : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Task("sign-off").Manual(approvals => approvals.MinApprovals({|#0:3|}).AllowedUsers("carol", "dave")
                            .SlaDeadline(TimeSpan.FromHours(8)).TimeoutAction({|#1:"AUTO_REJCT"|}))
                        .OnExitCode("APPROVED", "quorum")
                    .Task("quorum").Manual(approvals => approvals.MinApprovals(2).AllowedUsers("carol", "dave").AllowedRoles("release-manager").AutoReject())
                        .OnCompleted("nobody")
                    .Task("nobody").Manual(approvals => approvals.MinApprovals({|#2:0|}))
                        .OnCompleted("production")
                    .Task("production").Shell().Script("deploy");
            }
            """,
            Verify.Diagnostic(InvalidApprovalPolicyId, 0, "Task 'sign-off' has approval_policy.min_approvals = 3: only 2 users may vote (carol, dave), so the quorum can never be reached. Lower min_approvals to 2, add users to allowed_users, or allow a role with allowed_roles."),
            Verify.Diagnostic(InvalidApprovalPolicyId, 1, "Task 'sign-off' has approval_policy.timeout_action = 'AUTO_REJCT': it is not a timeout action. Use one of AUTO_APPROVE, AUTO_REJECT, ESCALATE (did you mean 'AUTO_REJECT'?)."),
            Verify.Diagnostic(InvalidApprovalPolicyId, 2, "Task 'nobody' has approval_policy.min_approvals = 0: a gate needs at least one approval. Write min_approvals: 1 (or more)."));

    [Fact]
    public async Task A_DSL_call_whose_key_the_runtime_does_not_run_yet_gets_WF4005_on_that_call_as_YAML_does() =>
        await Verify.Analyzer("""
            [Workflow("pods")]
            public sealed partial class Pods : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Task("build").Method({|#0:Workflows.Definitions.TaskMethod.Kubernetes|}).Container("alpine").Script("make").PodLabel({|#1:"team"|}, "ci");
            }
            """,
            Verify.Diagnostic(NotRunYetId, 0, "Task 'build' has 'method: KUBERNETES', which is loaded, but not run yet: the runtime has no Kubernetes executor: the task fails with ERR_METHOD_NOT_SUPPORTED, unless its host is set to run KUBERNETES tasks as local Docker containers (Workflows:KubernetesAsDocker). The definition keeps it, so nothing is lost."),
            Verify.Diagnostic(NotRunYetId, 1, "Task 'build' has 'pod_labels', which is loaded, but not run yet: it is a Kubernetes pod setting, and the runtime has no Kubernetes cluster: a host set to run KUBERNETES tasks as local Docker containers (Workflows:KubernetesAsDocker) ignores it. The definition keeps it, so nothing is lost."));

    [Fact]
    public async Task Webhook_triggers_skip_if_and_except_run_so_they_compile_without_a_warning() =>
        await Verify.Analyzer("""
            [Workflow("ci")]
            public sealed partial class Ci : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .RequiredParams("Branch", "Quick")
                    .SkipIf("{{ if Branch != \"main\" }} true {{ end }}")
                    .WebhookTrigger("on-push", WebhookAuth.HmacSha256, secretConfig: "HookSecret", header: "X-Hub-Signature-256",
                        filter: "{{ if Body.ref == \"refs/heads/main\" }}true{{ end }}", dedupKey: "push-{{ Body.after }}",
                        rateLimitMax: 30, rateLimitWindow: TimeSpan.FromMinutes(5))
                        .TriggerParam("Branch", "{{ trimPrefix Body.ref \"refs/heads/\" }}")
                    .Task("lint").Shell().Script("make lint").Except("{{ if Quick }} true {{ end }}").OnCompleted("build")
                    .Task("build").Shell().Script("make");
            }
            """);

    [Fact]
    public async Task A_DSL_call_whose_key_the_runtime_does_not_run_yet_warns_WF4005_at_the_call_and_notify_does_not() =>
        await Verify.Analyzer("""
            [Workflow("ws")]
            public sealed partial class Ws : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Notify("email", "onFailure", "ops@example.com")
                    .Task("send").{|#0:Websocket|}().OnCompleted("pods")
                    .Task("pods").Shell().Script("date").PodLabel({|#1:"team"|}, "core");
            }
            """,
            Verify.Diagnostic(NotRunYetId, 0, "Task 'send' has 'method: WEBSOCKET', which is loaded, but not run yet: the runtime has no WEBSOCKET executor yet. The definition keeps it, so nothing is lost."),
            Verify.Diagnostic(NotRunYetId, 1, "Task 'pods' has 'pod_labels', which is loaded, but not run yet: it is a Kubernetes pod setting, and the runtime has no Kubernetes cluster: a host set to run KUBERNETES tasks as local Docker containers (Workflows:KubernetesAsDocker) ignores it. The definition keeps it, so nothing is lost."));

    [Fact]
    public async Task A_webhook_written_with_constants_is_read_at_compile_time_and_its_bad_URL_reported() =>
        await Verify.Analyzer("""
            [Workflow("hooked")]
            public sealed partial class Hooked : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Webhook(new Workflows.Definitions.WebhookSpec("https://example.com/hooks/{{ JobID }}",
                        Workflows.Definitions.EquatableArray.Create(new Workflows.Definitions.NamedValue("Authorization", "Bearer {{ HookToken }}"))))
                    .Task("build").Shell().Script("make").Webhook({|#0:new Workflows.Definitions.WebhookSpec("example.com/hook")|});
            }
            """,
            Verify.Diagnostic(InvalidNotificationId, 0, "Task 'build' has webhook.url = 'example.com/hook': it is not an absolute http:// or https:// URL, so nothing could be posted to it. Write the full URL, e.g. 'https://example.com/hooks/builds'."));

    [Fact]
    public async Task Unknown_task_is_reported_on_the_string_literal_with_the_validator_message() =>
        await Verify.Analyzer("""
            [Workflow("typo")]
            public sealed partial class Typo : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Task("second").Shell().Script("true").OnCompleted({|#0:"thrid"|})
                    .Task("third").Shell().Script("date");
            }
            """,
            Verify.Diagnostic(UnknownTaskId, 0, "Task 'second' refers to unknown task 'thrid' in on_completed. Did you mean 'third'?"));

    [Fact]
    public async Task Duplicate_exit_code_is_reported_on_the_second_code() =>
        await Verify.Analyzer("""
            [Workflow("dup")]
            public sealed partial class Dup : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Task("a").Shell().Script("x").Retry(1).OnExitCode(2, RestartTask).OnExitCode({|#0:2|}, Fatal);
            }
            """,
            Verify.Diagnostic(DuplicateExitCodeId, 0, "Task 'a' maps exit code 2 more than once (to RESTART_TASK and to FATAL). Keep one mapping."));

    [Fact]
    public async Task Restart_task_without_retry_and_executing_without_timeout_point_at_the_mapping() =>
        await Verify.Analyzer("""
            [Workflow("poll")]
            public sealed partial class Poll : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Task("a").HttpGet("https://example.com").OnExitCode({|#0:404|}, Executing).OnExitCode({|#1:503|}, RestartTask);
            }
            """,
            Verify.Diagnostic(ExecutingWithoutTimeoutId, 0, ExecutingWithoutTimeout.Create(DefinitionPointer.Job("x"), "a", "404").Message),
            Verify.Diagnostic(RestartTaskWithoutRetryId, 1, RestartTaskWithoutRetry.Create(DefinitionPointer.Job("x"), "a", "503").Message));

    [Fact]
    public async Task Unknown_action_word_and_malformed_error_code_point_at_the_target() =>
        await Verify.Analyzer("""
            [Workflow("words")]
            public sealed partial class Words : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Task("a").Shell().Script("x").OnExitCode(3, {|#0:"RESTART"|}).OnExitCode(4, {|#1:"ERR_bad"|});
            }
            """,
            Verify.Diagnostic(UnknownActionId, 0, "Task 'a' maps exit code 3 to 'RESTART', which is neither a task nor an action. Did you mean 'RESTART_JOB' or 'RESTART_TASK'? Actions are COMPLETED, FAILED, FATAL, RESTART_TASK, RESTART_JOB, EXECUTING, PAUSE_JOB, or an ERR_* error code."),
            Verify.Diagnostic(MalformedErrorCodeId, 1, "Task 'a' maps exit code 4 to error code 'ERR_bad', which is malformed. Custom error codes are ERR_ followed by upper-case letters, digits or underscores, e.g. 'ERR_BAD'."));

    [Fact]
    public async Task Cycle_unreachable_and_duplicate_task_names() =>
        await Verify.Analyzer("""
            [Workflow("graph")]
            public sealed partial class Graph : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Task("a").Shell().Script("x").OnCompleted("b")
                    .Task("b").Shell().Script("x").OnFailed({|#0:"a"|})
                    .Task({|#1:"lonely"|}).Shell().Script("x")
                    .Task({|#2:"b"|}).Shell().Script("x");
            }
            """,
            Verify.Diagnostic(DuplicateTaskId, 2, "Task name 'b' is used by 2 tasks of job 'graph'. Task names must be unique within a job: rename this one."),
            Verify.Diagnostic(CycleId, 0, "Task 'b' routes back to 'a' in on_failed, closing the cycle a → b → a. Routes must not loop: to run a task again, map its exit code to RESTART_TASK, RESTART_JOB or EXECUTING."),
            Verify.Diagnostic(UnreachableTaskId, 1, "Task 'lonely' is never reached: no route leads to it from the first task 'a'. Route to it (on_completed, on_failed, on_exit or on_exit_code), mark it always_run for cleanup, or remove it."));

    [Fact]
    public async Task Two_executors_negative_retry_and_missing_executor() =>
        await Verify.Analyzer("""
            [Workflow("exec")]
            public sealed partial class Exec : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Task("a").HttpGet("https://example.com").{|#0:Shell|}().Retry({|#1:-1|}).OnCompleted("b")
                    .Task({|#2:"b"|}).Script("echo");
            }
            """,
            Verify.Diagnostic(TwoExecutorsId, 0, "Task 'a' has two executors: HTTP_GET and SHELL. Keep one."),
            Verify.Diagnostic(NegativeCountId, 1, "Task 'a' has retry = -1, which is negative. Use 0 or more."),
            Verify.Diagnostic(NoExecutorId, 2, NoExecutor.Create(DefinitionPointer.Job("x"), "b").Message));

    [Fact]
    public async Task Not_partial_and_not_derived() =>
        await Verify.Analyzer("""
            [Workflow("plain")]
            public sealed class {|#0:Plain|} : Workflow
            {
                protected override void Define(JobBuilder job) => job.Task("a").Shell().Script("x");
            }

            [Workflow("odd")]
            public sealed partial class {|#1:Odd|}
            {
            }
            """,
            Verify.Diagnostic(WorkflowNotPartialId, 0, "Workflow class 'Plain' is not partial, so its definition cannot be compiled into it and is built at run time instead. Add the 'partial' modifier."),
            Verify.Diagnostic(WorkflowNotDerivedId, 1, "Class 'Odd' has [Workflow(\"odd\")] but does not derive from Workflows.Workflow, so it is not a workflow. Derive from Workflow and override Define, or remove the attribute."));

    [Fact]
    public async Task Non_constant_arguments_are_info_and_silence_only_the_rules_they_feed() =>
        await Verify.Analyzer("""
            [Workflow("dynamic")]
            public sealed partial class Dynamic : Workflow
            {
                private static readonly string Next = "b";
                protected override void Define(JobBuilder job) => job
                    .Task("a").Shell().Script("x").OnCompleted({|#0:Next|}).Retry({|#1:-1|})
                    .Task("b").Shell().Script("y");
            }
            """,
            Verify.Diagnostic(NotConstantId, 0, "The taskType argument of OnCompleted(...) is not a compile-time constant, so the rules that depend on it are checked when the workflow is built, not while you type. Use a literal, a const, or TimeSpan.FromSeconds(<constant>)."),
            Verify.Diagnostic(NegativeCountId, 1, "Task 'a' has retry = -1, which is negative. Use 0 or more."));

    [Fact]
    public async Task An_approval_builder_argument_that_is_not_constant_is_info_and_no_policy_is_guessed() =>
        await Verify.Analyzer("""
            [Workflow("dynamic-gate")]
            public sealed partial class DynamicGate : Workflow
            {
                private static readonly int Quorum = 3;
                protected override void Define(JobBuilder job) => job
                    .Task("gate").Manual(approvals => approvals.MinApprovals({|#0:Quorum|}).AllowedUsers("carol", "dave")).OnCompleted("more")
                    .Task("more").Manual({|#1:approvals => Quorum > 2 ? approvals.MinApprovals(3) : approvals|}).OnCompleted("done")
                    .Task("done").Shell().Script("true");
            }
            """,
            Verify.Diagnostic(NotConstantId, 0, "The count argument of MinApprovals(...) is not a compile-time constant, so the rules that depend on it are checked when the workflow is built, not while you type. Use a literal, a const, or TimeSpan.FromSeconds(<constant>)."),
            Verify.Diagnostic(NotConstantId, 1, "The approvals argument of Manual(...) is not a compile-time constant, so the rules that depend on it are checked when the workflow is built, not while you type. Use a literal, a const, or TimeSpan.FromSeconds(<constant>)."));

    [Fact]
    public async Task Define_with_a_loop_is_a_warning_and_nothing_else_is_guessed() =>
        await Verify.Analyzer("""
            [Workflow("loop")]
            public sealed partial class Loop : Workflow
            {
                protected override void Define(JobBuilder job)
                {
                    {|#0:foreach (var region in new[] { "eu", "us" })
                    {
                        job.Task("deploy-" + region).Shell().Script("deploy");
                    }|}
                }
            }
            """,
            Verify.Diagnostic(DefineDoesMoreId, 0, "Define in 'Loop' does more than call the fluent chain on its JobBuilder (a loop), so the workflow cannot be checked or compiled at build time. Keep Define to 'job.….Task(...)…' calls; compute values elsewhere and pass constants."));

    [Fact]
    public async Task Duplicate_job_types_across_classes() =>
        await Verify.Analyzer("""
            [{|#0:Workflow("same")|}]
            public sealed partial class One : Workflow { protected override void Define(JobBuilder job) => job.Task("a").Shell().Script("x"); }

            [{|#1:Workflow("same")|}]
            public sealed partial class Two : Workflow { protected override void Define(JobBuilder job) => job.Task("a").Shell().Script("x"); }
            """,
            Verify.Diagnostic(DuplicateJobTypeId, 0, "Job type 'same' is defined 2 times. Job types must be unique: rename all but one."),
            Verify.Diagnostic(DuplicateJobTypeId, 1, "Job type 'same' is defined 2 times. Job types must be unique: rename all but one."));

    [Fact]
    public async Task TimeSpan_zero_is_a_known_value_not_a_non_constant_argument() =>
        await Verify.Analyzer("""
            [Workflow("zero")]
            public sealed partial class Zero : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Task("build").Shell().Script("make").Timeout({|#0:TimeSpan.Zero|}).DelayBetweenRetries(TimeSpan.MaxValue);
            }
            """,
            Verify.Diagnostic(InvalidDurationId, 0, "Task 'build' has timeout = 0s, which is zero (no attempt could run). Use a positive duration such as TimeSpan.FromSeconds(5) in C#, or '5s' in YAML."));

    [Fact]
    public async Task Omitted_optional_arguments_are_known_and_each_retention_count_is_at_its_own_argument() =>
        await Verify.Analyzer("""
            [Workflow("kept")]
            public sealed partial class Kept : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .RetentionDays(completed: 7, {|#0:failed: -3|})
                    .Task("build").Shell().Script("make").Retry({|#1:-1|})
                        .Backoff(TimeSpan.FromSeconds(1));
            }
            """,
            Verify.Diagnostic(NegativeCountId, 0, "Job 'kept' has retention_days_for_failed = -3, which is negative. Use 0 or more."),
            Verify.Diagnostic(NegativeCountId, 1, "Task 'build' has retry = -1, which is negative. Use 0 or more."));

    [Fact]
    public async Task Code_outside_workflows_is_ignored() =>
        await Verify.Analyzer("""
            public sealed class NotAWorkflow
            {
                public void Define(JobBuilder job) { }
            }
            """);

    [Fact]
    public async Task Templates_are_parsed_at_compile_time_and_reported_on_their_string() =>
        await Verify.Analyzer("""
            [Workflow("templated")]
            public sealed partial class Templated : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Variable("Region", "eu")
                    .Task("a").Container("alpine").Script("echo {{ Region }} {{ Nonce }}", {|#0:"exit {{ Randm 0 3 }}"|}, {|#1:"echo {{ Nonec }}"|})
                        .Environment("TARGET", {|#2:"{{ if JobRetry > 0 }}retry"|});
            }
            """,
            Verify.Diagnostic(UnknownTemplateFunctionId, 0, "Task 'a' calls 'Randm' in a template in script, which is not a template function. Did you mean 'Random'? Functions: Random, Iterate, Add, Dict, default, lower, upper, contains, replace, trimPrefix, trimSuffix, hasPrefix, hasSuffix, and Scriban's string., math., array., date. members."),
            Verify.Diagnostic(UnknownTemplateVariableId, 1, "Task 'a' uses 'Nonec' in a template in script, which is not a built-in variable (JobID, JobRetry, TaskRetry, Nonce, JobElapsedSecs, …), a job or task variable, a task output (::set-output name=NAME::), or a required parameter. Did you mean 'Nonce'? Declare it with .Variable(\"Nonec\", …) or .RequiredParams(\"Nonec\") (YAML: job_variables / required_params), or it renders empty."),
            new Microsoft.CodeAnalysis.Testing.DiagnosticResult(TemplateSyntaxId, Microsoft.CodeAnalysis.DiagnosticSeverity.Error).WithLocation(2));

    /// <summary>
    /// Issue #24's found defect: the retry-job seed's <c>exit {{ Random 0 3 }}</c> with its <c>}}</c> left off compiled
    /// with no diagnostic (Scriban lets the end of the text close a code block), while the YAML loader reports WF3001 for
    /// the same text. Now both do.
    /// </summary>
    [Fact]
    public async Task An_unclosed_template_is_a_syntax_error_at_compile_time_as_in_yaml() =>
        await Verify.Analyzer("""
            [Workflow("unclosed")]
            public sealed partial class Unclosed : Workflow
            {
                protected override void Define(JobBuilder job) => job
                    .Task("second").Container("alpine").Script({|#0:"exit {{ Random 0 3 "|}, "exit {{ Random 0 3 }}");
            }
            """,
            Verify.Diagnostic(TemplateSyntaxId, 0, "Task 'second' has a template in script that does not parse: 'exit {{ Random 0 3 ' (the '{{' at column 6 has no closing '}}': '{{ Random 0 3 '). Fix the {{ … }} syntax, e.g. '{{ if JobRetry > 0 }}…{{ else }}…{{ end }}' in C#, or '{{ if gt .JobRetry 0 }}…{{ else }}…{{ end }}' in YAML."));
}
