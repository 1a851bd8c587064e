using System.Globalization;
using System.Text;

namespace Workflows.Parity.Tests;

/// <summary>One mistake written twice: as a C# workflow and as a formicary YAML job (one file, or several loaded together).</summary>
/// <param name="Id">The rule both edges must report.</param>
/// <param name="CSharp">The C# source: one or more [Workflow] classes (usings are added).</param>
/// <param name="Yaml">The YAML file(s).</param>
public sealed record ParityCase(string Id, string CSharp, params string[] Yaml)
{
    /// <summary>
    /// Arguments of the rule's message that quote each edge's own language, so they cannot be equal: for a template
    /// syntax error, the template as written (Scriban in C#, Go in YAML) and that language's parser's reason. They are
    /// masked; the rest of the message, built from the same catalogue format, must still be equal.
    /// </summary>
    public IReadOnlyList<int> LanguageArguments { get; init; } = [];
}

/// <summary>
/// The table: one case per rule that can occur both in C# and in YAML. Each is the smallest workflow with the mistake
/// (mostly the Bad examples of docs/diagnostics.md), written the same way in both, so that every shared rule they
/// report, not only <see cref="ParityCase.Id"/>, must agree.
/// </summary>
internal static class ParityCases
{
    /// <summary>A [Workflow] class whose Define is <c>job</c> followed by <paramref name="chain"/>.</summary>
    private static string Define(string chain, string jobType = "ci", string className = "Ci") => $$"""
        [Workflow("{{jobType}}")]
        public sealed partial class {{className}} : Workflow
        {
            protected override void Define(JobBuilder job) => job
                {{chain}};
        }
        """;

    public static IReadOnlyList<ParityCase> All { get; } =
    [
        // ---- WF00xx job structure ----
        new("WF0001",
            Define(""".Description("Nightly build")""", jobType: "nightly"),
            """
            job_type: nightly
            description: Nightly build
            tasks: []
            """),

        // C#: a class without [Workflow] is not a workflow to the analyzer (nothing to check while typing; the run-time
        // build reports WF0002), so the closest mistake the analyzer can see is an empty job type in the attribute.
        // YAML: the same empty job type.
        new("WF0002",
            Define(""".Task("build").Shell().Script("make")""", jobType: ""),
            """
            job_type: ''
            tasks:
            - task_type: build
              method: SHELL
              script: [make]
            """),

        // Only a set of definitions can have a duplicate: two classes of one compilation (the analyzer reports it at
        // compilation end, once at each class), and two YAML files loaded together (WorkflowValidator.Validate over
        // both definitions, as for a folder). The message is the same; C# reports it at each of the two places.
        new("WF0003",
            Define(""".Task("build").Shell().Script("make")""", jobType: "nightly-build", className: "NightlyBuild")
            + "\n" + Define(""".Task("docs").Shell().Script("make docs")""", jobType: "nightly-build", className: "NightlyDocs"),
            """
            job_type: nightly-build
            tasks:
            - task_type: build
              method: SHELL
              script: [make]
            """,
            """
            job_type: nightly-build
            tasks:
            - task_type: docs
              method: SHELL
              script: [make docs]
            """),

        // 101 tasks, each routing to the next (so none is unreachable): one over the limit.
        new("WF0004", ManyTasksCSharp(101), ManyTasksYaml(101)),

        new("WF0005",
            Define("""
                .Task("build").Shell().Script("make")
                    .Task("").Shell().Script("make test")
                """),
            """
            job_type: ci
            tasks:
            - task_type: build
              method: SHELL
              script: [make]
            - task_type: ''
              method: SHELL
              script: [make test]
            """),

        // ---- WF01xx routes ----
        new("WF0101",
            Define("""
                .Task("build").Shell().Script("make").OnCompleted("tset")
                    .Task("test").Shell().Script("make test")
                """),
            """
            job_type: ci
            tasks:
            - task_type: build
              method: SHELL
              script: [make]
              on_completed: tset
            - task_type: test
              method: SHELL
              script: [make test]
            """),

        new("WF0102",
            Define("""
                .Task("build").Shell().Script("make").OnCompleted("test")
                    .Task("test").Shell().Script("make test")
                    .Task("test").Shell().Script("make lint")
                """),
            """
            job_type: ci
            tasks:
            - task_type: build
              method: SHELL
              script: [make]
              on_completed: test
            - task_type: test
              method: SHELL
              script: [make test]
            - task_type: test
              method: SHELL
              script: [make lint]
            """),

        new("WF0103",
            Define("""
                .Task("build").Shell().Script("make").OnCompleted("test")
                    .Task("test").Shell().Script("make test").OnFailed("build")
                """),
            """
            job_type: ci
            tasks:
            - task_type: build
              method: SHELL
              script: [make]
              on_completed: test
            - task_type: test
              method: SHELL
              script: [make test]
              on_failed: build
            """),

        new("WF0104",
            Define("""
                .Task("build").Shell().Script("make").OnCompleted("test")
                    .Task("test").Shell().Script("make test")
                    .Task("cleanup").Shell().Script("rm -rf out")
                """),
            """
            job_type: ci
            tasks:
            - task_type: build
              method: SHELL
              script: [make]
              on_completed: test
            - task_type: test
              method: SHELL
              script: [make test]
            - task_type: cleanup
              method: SHELL
              script: [rm -rf out]
            """),

        // ---- WF1xxx exit-code maps ----
        // YAML: a repeated key of on_exit_code is loaded (not WF4007) so that the validator reports it, as in C#.
        new("WF1001",
            Define("""
                .Task("test").Shell().Script("make test").Retry(1)
                        .OnExitCode(2, RestartTask)
                        .OnExitCode(2, Fatal)
                """),
            """
            job_type: ci
            tasks:
            - task_type: test
              method: SHELL
              script: [make test]
              retry: 1
              on_exit_code:
                2: RESTART_TASK
                2: FATAL
            """),

        new("WF1002",
            Define("""
                .Task("first").HttpGet("https://example.com/todos/1").OnExitCode(10, Failed)
                """),
            """
            job_type: ci
            tasks:
            - task_type: first
              method: HTTP_GET
              script: [https://example.com/todos/1]
              on_exit_code:
                10: FAILED
            """),

        // C#: the static members cannot be misspelt, so the mistake is in the string overload.
        new("WF1003",
            Define("""
                .Task("test").Shell().Script("make test").Retry(1).OnExitCode(3, "RESTART")
                """),
            """
            job_type: ci
            tasks:
            - task_type: test
              method: SHELL
              script: [make test]
              retry: 1
              on_exit_code:
                3: RESTART
            """),

        new("WF1004",
            Define("""
                .Task("backup").Shell().Script("./backup.sh").OnExitCode(3, "err_disk-full")
                """),
            """
            job_type: ci
            tasks:
            - task_type: backup
              method: SHELL
              script: [./backup.sh]
              on_exit_code:
                3: err_disk-full
            """),

        new("WF1005",
            Define("""
                .Task("lint").Shell().Script("./lint.sh").OnExitCode(0, "ERR_LINT")
                """),
            """
            job_type: ci
            tasks:
            - task_type: lint
              method: SHELL
              script: [./lint.sh]
              on_exit_code:
                0: ERR_LINT
            """),

        // C#: the string-key overload.
        new("WF1006",
            Define("""
                .Task("test").Shell().Script("make test").OnExitCode("two", Failed)
                """),
            """
            job_type: ci
            tasks:
            - task_type: test
              method: SHELL
              script: [make test]
              on_exit_code:
                two: FAILED
            """),

        new("WF1007",
            Define("""
                .Task("wait-for-api").HttpGet("https://example.com/health")
                        .DelayBetweenRetries(TimeSpan.FromSeconds(5))
                        .OnExitCode(404, Executing)
                """),
            """
            job_type: ci
            tasks:
            - task_type: wait-for-api
              method: HTTP_GET
              delay_between_retries: 5s
              script: [https://example.com/health]
              on_exit_code:
                404: EXECUTING
            """),

        // ---- WF2xxx retry, backoff, timeouts, counts ----
        new("WF2001",
            Define("""
                .Task("second").Container("alpine").Script("./flaky.sh").OnExitCode(5, RestartTask)
                """),
            """
            job_type: ci
            tasks:
            - task_type: second
              container:
                image: alpine
              script: [./flaky.sh]
              on_exit_code:
                5: RESTART_TASK
            """),

        new("WF2002",
            Define("""
                .Task("second").Container("alpine").Script("./check.sh").OnExitCode(2, RestartJob)
                """, jobType: "sensor-job"),
            """
            job_type: sensor-job
            tasks:
            - task_type: second
              container:
                image: alpine
              script: [./check.sh]
              on_exit_code:
                2: RESTART_JOB
            """),

        // A job-level and a task-level count: two problems, both must agree. (RetentionDays leaves 'completed' and
        // 'cancelled' out: omitted optional arguments are known values to the analyzer, not non-constant ones.)
        new("WF2003",
            Define("""
                .RetentionDays(failed: -3)
                    .Task("build").Shell().Script("make").Retry(-1)
                """),
            """
            job_type: ci
            retention_days_for_failed: -3
            tasks:
            - task_type: build
              method: SHELL
              retry: -1
              script: [make]
            """),

        // A zero timeout and a negative delay: two problems, both must agree. (TimeSpan.Zero, as the docs write it, is
        // a known value to the analyzer.)
        new("WF2004",
            Define("""
                .Task("build").Shell().Script("make")
                        .Timeout(TimeSpan.Zero)
                        .DelayBetweenRetries(TimeSpan.FromSeconds(-5))
                """),
            """
            job_type: ci
            tasks:
            - task_type: build
              method: SHELL
              timeout: 0s
              delay_between_retries: -5s
              script: [make]
            """),

        // max below min and a factor below 1, and an exponential_wait that would shrink: three problems, all must agree.
        new("WF2005",
            Define("""
                .Task("fetch").Shell().Script("./fetch.sh").Retry(5)
                        .Backoff(TimeSpan.FromSeconds(10), max: TimeSpan.FromSeconds(5), factor: 0.5).OnCompleted("poll")
                    .Task("poll").Shell().Script("./poll.sh").Retry(3).ExponentialWait(TimeSpan.FromMilliseconds(500))
                """),
            """
            job_type: ci
            tasks:
            - task_type: fetch
              method: SHELL
              script: [./fetch.sh]
              retry: 5
              retry_backoff_policy:
                min: 10s
                max: 5s
                factor: 0.5
              on_completed: poll
            - task_type: poll
              method: SHELL
              script: [./poll.sh]
              retry: 3
              exponential_wait: 500ms
            """),

        new("WF2006",
            Define("""
                .MaxConcurrency(0)
                    .Task("build").Shell().Script("make")
                """, jobType: "nightly"),
            """
            job_type: nightly
            max_concurrency: 0
            tasks:
            - task_type: build
              method: SHELL
              script: [make]
            """),

        // ---- retry_on rules (Workflows extensions): the rule index and sub-key point into retry_on in both edges ----
        new("WF2007",
            Define("""
                .Task("sync").Shell().Script("./sync.sh")
                        .RetryOn(Failure.Output("connection (reset|refused"), rule => rule.Retry(5))
                """),
            """
            job_type: ci
            tasks:
            - task_type: sync
              method: SHELL
              script: [./sync.sh]
              retry_on:
                - output: "connection (reset|refused"
                  retry: 5
            """),

        // C#: Failure.ExitCode() with no codes is the only way to name no class; YAML: a rule with only settings.
        new("WF2008",
            Define("""
                .Task("sync").Shell().Script("./sync.sh")
                        .RetryOn(Failure.ExitCode(), rule => rule.Retry(5))
                """),
            """
            job_type: ci
            tasks:
            - task_type: sync
              method: SHELL
              script: [./sync.sh]
              retry_on:
                - retry: 5
            """),

        new("WF2009",
            Define("""
                .Task("sync").Shell().Script("./sync.sh")
                        .OnExitCode(2, Fatal)
                        .RetryOn(Failure.ExitCode(2), rule => rule.Retry(3))
                """),
            """
            job_type: ci
            tasks:
            - task_type: sync
              method: SHELL
              script: [./sync.sh]
              on_exit_code:
                2: FATAL
              retry_on:
                - exit_codes: [2]
                  retry: 3
            """),

        new("WF2010",
            Define("""
                .Task("sync").Shell().Script("./sync.sh")
                        .RetryOn(Failure.ExitCode(75), rule => rule.Retry(10))
                        .RetryOn(Failure.ExitCode(75, 76), rule => rule.Retry(2))
                """),
            """
            job_type: ci
            tasks:
            - task_type: sync
              method: SHELL
              script: [./sync.sh]
              retry_on:
                - exit_codes: [75]
                  retry: 10
                - exit_codes: [75, 76]
                  retry: 2
            """),

        // A factor that would not raise the memory, and a cpu limit that is not a count: two problems, both must agree.
        new("WF2011",
            Define("""
                .Task("sync").Docker("alpine").Script("./sync.sh")
                        .RetryOn(Failure.ExitCode(137), rule => rule.Retry(2).MemoryFactor(0.5).CpuLimit("two"))
                """),
            """
            job_type: ci
            tasks:
            - task_type: sync
              method: DOCKER
              container:
                image: alpine
              script: [./sync.sh]
              retry_on:
                - exit_codes: [137]
                  retry: 2
                  memory_factor: 0.5
                  cpu_limit: two
            """),

        // Unlimited on the task and on a rule, neither waiting: both are reported, in both edges.
        new("WF2012",
            Define("""
                .Task("sync").Shell().Script("./sync.sh").RetryForever()
                        .RetryOn(Failure.ExitCode(75), rule => rule.RetryForever())
                """),
            """
            job_type: ci
            tasks:
            - task_type: sync
              method: SHELL
              script: [./sync.sh]
              retry: unlimited
              retry_on:
                - exit_codes: [75]
                  retry: unlimited
            """),

        // ---- WF7xxx schedules ----
        new("WF7001",
            Define("""
                .Cron("0 25 * * *")
                    .Task("build").Shell().Script("make")
                """, jobType: "nightly"),
            """
            job_type: nightly
            cron_trigger: 0 25 * * *
            tasks:
            - task_type: build
              method: SHELL
              script: [make]
            """),

        new("WF7002",
            Define("""
                .Cron("0 2 * * *", "Europe/Pariss")
                    .Task("build").Shell().Script("make")
                """, jobType: "nightly"),
            """
            job_type: nightly
            cron_trigger: 0 2 * * *
            cron_time_zone: Europe/Pariss
            tasks:
            - task_type: build
              method: SHELL
              script: [make]
            """),

        // ---- WF3xxx templates (C# writes Scriban; YAML writes Go, translated to Scriban before the checks) ----
        // The same mistake, an 'if' without 'end', in each edge's template language. The message quotes the template
        // as written and its parser's reason (Scriban's in C#, the Go translator's in YAML): those two arguments are
        // masked, everything else must match.
        new("WF3001",
            Define("""
                .Task("a").Shell().Script("{{ if JobRetry > 0 }}echo retry")
                """),
            """
            job_type: ci
            tasks:
            - task_type: a
              method: SHELL
              script:
                - '{{ if gt .JobRetry 0 }}echo retry'
            """)
        {
            LanguageArguments = [2, 3],
        },

        new("WF3002",
            Define("""
                .Task("a").Shell().Script("echo {{ Nonec }}")
                """),
            """
            job_type: ci
            tasks:
            - task_type: a
              method: SHELL
              script:
                - echo {{ .Nonec }}
            """),

        new("WF3003",
            Define("""
                .Task("roll").Container("alpine").Script("exit {{ Randm 0 3 }}")
                """),
            """
            job_type: ci
            tasks:
            - task_type: roll
              container:
                image: alpine
              script:
                - exit {{ Randm 0 3 }}
            """),

        new("WF3004",
            Define("""
                .RequiredParams("Target")
                .Task("deploy").Shell().Script("./deploy.sh {{ Target }}")
                """),
            """
            job_type: ci
            required_params: [Target]
            tasks:
            - task_type: deploy
              method: SHELL
              script:
                - ./deploy.sh {{ .Target }}
            """),

        // ---- WF5xxx executors ----
        new("WF5001",
            Define("""
                .Task("build").Script("make")
                """),
            """
            job_type: ci
            tasks:
            - task_type: build
              script: [make]
            """),

        // A method plus a container image: the method runs, as in formicary (a warning). (C# reports a second executor
        // call such as .Shell().HttpGet(...) as WF5002; YAML has one 'method' key, so it cannot be written there.)
        new("WF5006",
            Define("""
                .Task("build").Shell().Container("golang:1.22").Script("make")
                """),
            """
            job_type: ci
            tasks:
            - task_type: build
              method: SHELL
              container:
                image: golang:1.22
              script: [make]
            """),

        // A service limit that is not a size: the same rule whether the service is a ServiceSpec or a 'services:' item.
        new("WF5007",
            Define("""
                .Task("test").Container("alpine").Script("make test").Service(new Workflows.Definitions.ServiceSpec("db", "postgres:16", MemoryLimit: "lots"))
                """),
            """
            job_type: ci
            tasks:
            - task_type: test
              container:
                image: alpine
              script: [make test]
              services:
                - name: db
                  image: postgres:16
                  memory_limit: lots
            """),

        // A key the runtime loads but does not run yet: the analyzer warns at the DSL call, as the loader does at the key.
        new("WF4005",
            Define("""
                .Task("build").Shell().Script("make").NodeSelector("disk", "ssd")
                """),
            """
            job_type: ci
            tasks:
            - task_type: build
              method: SHELL
              script: [make]
              node_selector:
                disk: ssd
            """),

        // Two calls that each set how the retry wait grows: the first is kept and the second reported, as for the keys.
        new("WF4012",
            Define("""
                .Task("fetch").Shell().Script("./fetch.sh").Retry(3).LinearWait(TimeSpan.FromSeconds(5)).ExponentialWait(TimeSpan.FromSeconds(2))
                """),
            """
            job_type: ci
            tasks:
            - task_type: fetch
              method: SHELL
              script: [./fetch.sh]
              retry: 3
              linear_wait: 5s
              exponential_wait: 2s
            """),

        // A notify email recipient that is not an address (formicary checks them with its email pattern).
        new("WF7101",
            Define("""
                .Notify("email", "onFailure", "ops-at-example.com")
                .Task("build").Shell().Script("make")
                """),
            """
            job_type: ci
            notify:
              email:
                recipients: [ops-at-example.com]
                when: onFailure
            tasks:
            - task_type: build
              method: SHELL
              script: [make]
            """),

        new("WF5003",
            Define("""
                .Task("build").Container("golang:1.22")
                """),
            """
            job_type: ci
            tasks:
            - task_type: build
              container:
                image: golang:1.22
            """),

        new("WF5004",
            Define("""
                .Task("health").HttpGet("example.com/health")
                """),
            """
            job_type: ci
            tasks:
            - task_type: health
              method: HTTP_GET
              script: [example.com/health]
            """),

        new("WF5005",
            Define("""
                .Task("sign-off").Manual(new Workflows.Definitions.ApprovalPolicy(MinApprovals: 3, AllowedUsers: new[] { "carol", "dave" }))
                """),
            """
            job_type: ci
            tasks:
            - task_type: sign-off
              method: MANUAL
              approval_policy:
                min_approvals: 3
                allowed_users: [carol, dave]
            """),
    ];

    /// <summary>Rules of <see cref="All"/> written again with another form of the C# DSL, against the same YAML.</summary>
    public static IReadOnlyList<ParityCase> Variants { get; } =
    [
        new("WF5005",
            Define("""
                .Task("sign-off").Manual(approvals => approvals.MinApprovals(3).AllowedUsers("carol", "dave"))
                """),
            """
            job_type: ci
            tasks:
            - task_type: sign-off
              method: MANUAL
              approval_policy:
                min_approvals: 3
                allowed_users: [carol, dave]
            """),
        new("WF5005",
            Define("""
                .Task("sign-off").Manual(approvals => approvals.MinApprovals(0).AllowedRoles("release-manager").SlaDeadline(TimeSpan.FromHours(4)).AutoReject())
                """),
            """
            job_type: ci
            tasks:
            - task_type: sign-off
              method: MANUAL
              approval_policy:
                min_approvals: 0
                allowed_roles: [release-manager]
                sla_deadline: 4h
                timeout_action: AUTO_REJECT
            """),
        new("WF4012",
            Define("""
                .Retry(2).Backoff(TimeSpan.FromSeconds(1)).LinearWait(TimeSpan.FromSeconds(5))
                .Task("fetch").Shell().Script("./fetch.sh")
                """),
            """
            job_type: ci
            retry: 2
            retry_backoff_policy:
              min: 1s
            linear_wait: 5s
            tasks:
            - task_type: fetch
              method: SHELL
              script: [./fetch.sh]
            """),
        new("WF4012",
            Define("""
                .Task("fetch").Shell().Script("./fetch.sh")
                    .RetryOn(Failure.ExitCode(75), rule => rule.Retry(4).ExponentialWait(TimeSpan.FromSeconds(2)).Backoff(TimeSpan.FromSeconds(1)))
                """),
            """
            job_type: ci
            tasks:
            - task_type: fetch
              method: SHELL
              script: [./fetch.sh]
              retry_on:
              - exit_codes: [75]
                retry: 4
                exponential_wait: 2s
                retry_backoff_policy:
                  min: 1s
            """),
    ];

    public static IReadOnlyDictionary<string, ParityCase> ById { get; } = All.ToDictionary(c => c.Id, StringComparer.Ordinal);

    private static string ManyTasksCSharp(int count)
    {
        var chain = new StringBuilder();
        for (var i = 1; i <= count; i++)
        {
            chain.Append(CultureInfo.InvariantCulture, $"\n        .Task(\"t{i}\").Shell().Script(\"make\")");
            if (i < count)
            {
                chain.Append(CultureInfo.InvariantCulture, $".OnCompleted(\"t{i + 1}\")");
            }
        }

        return Define(chain.ToString().TrimStart());
    }

    private static string ManyTasksYaml(int count)
    {
        var yaml = new StringBuilder("job_type: ci\ntasks:\n");
        for (var i = 1; i <= count; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"- task_type: t{i}\n  method: SHELL\n  script: [make]\n");
            if (i < count)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"  on_completed: t{i + 1}\n");
            }
        }

        return yaml.ToString();
    }
}
