using Workflows.Definitions;
using Workflows.Yaml;
using Workflows.Yaml.Translation;
using Xunit.Abstractions;

namespace Workflows.Cli.Tests.Translation;

/// <summary>The DSL call chosen for each shape of the model, and what cannot be translated.</summary>
public class TranslatorTests(ITestOutputHelper output)
{
    private string Translate(string yaml)
    {
        var loaded = YamlJobLoader.Load(yaml, "job.yaml");
        Assert.True(loaded.Definition is not null, string.Join("\n", loaded.Problems));
        var csharp = CSharpTranslator.Translate(loaded.Definition!, "job.yaml");
        output.WriteLine(csharp);
        return csharp;
    }

    private static List<string> Lines(string csharp) => [.. csharp.Split('\n').Select(l => l.Trim())];

    [Fact]
    public void An_http_task_with_several_urls_gets_the_first_through_the_method_and_the_rest_as_script_lines()
    {
        var lines = Lines(Translate("""
            job_type: poll
            tasks:
            - task_type: get
              method: HTTP_POST_JSON
              script: [https://a.example/1, https://b.example/2, https://c.example/3]
            """));
        Assert.Contains(".HttpPostJson(\"https://a.example/1\")", lines);
        Assert.Contains(".Script(\"https://b.example/2\", \"https://c.example/3\");", lines);
    }

    [Fact]
    public void A_container_without_a_method_is_Container_and_with_method_DOCKER_is_Docker()
    {
        var lines = Lines(Translate("""
            job_type: images
            tasks:
            - task_type: implicit
              container: {image: alpine}
              script: [date]
              on_completed: explicit
            - task_type: explicit
              method: DOCKER
              container: {image: alpine}
              script: [date]
              on_completed: kube
            - task_type: kube
              method: KUBERNETES
              container: {image: alpine, cpu_limit: 1}
              script: [date]
            """));
        Assert.Contains(".Container(\"alpine\")", lines);
        Assert.Contains(".Docker(\"alpine\")", lines);
        Assert.Contains(".Method(TaskMethod.Kubernetes)", lines);
        Assert.Contains(".Container(new ContainerSpec(\"alpine\", CpuLimit: \"1\"))", lines);
    }

    [Fact]
    public void Durations_use_the_largest_unit_that_holds_them_exactly()
    {
        Assert.Equal("TimeSpan.FromSeconds(6)", CSharpLiterals.TimeSpan(TimeSpan.FromSeconds(6)));
        Assert.Equal("TimeSpan.FromSeconds(90)", CSharpLiterals.TimeSpan(TimeSpan.FromSeconds(90)));
        Assert.Equal("TimeSpan.FromMinutes(10)", CSharpLiterals.TimeSpan(TimeSpan.FromMinutes(10)));
        Assert.Equal("TimeSpan.FromHours(72)", CSharpLiterals.TimeSpan(TimeSpan.FromHours(72)));
        Assert.Equal("TimeSpan.FromMilliseconds(1500)", CSharpLiterals.TimeSpan(TimeSpan.FromMilliseconds(1500)));
        Assert.Equal("TimeSpan.FromMicroseconds(1)", CSharpLiterals.TimeSpan(TimeSpan.FromTicks(10)));
        Assert.Equal("TimeSpan.FromTicks(15)", CSharpLiterals.TimeSpan(TimeSpan.FromTicks(15)));
        Assert.Equal("TimeSpan.Zero", CSharpLiterals.TimeSpan(TimeSpan.Zero));
        Assert.Equal("TimeSpan.FromSeconds(-5)", CSharpLiterals.TimeSpan(TimeSpan.FromSeconds(-5)));
    }

    [Fact]
    public void Exit_codes_and_targets_are_written_so_they_read_back_the_same()
    {
        var lines = Lines(Translate("""
            job_type: codes
            tasks:
            - task_type: a
              method: SHELL
              script: [exit 1]
              retry: 1
              on_exit_code:
                1: FATAL
                "007": ERR_BOND
                APPROVED: b
                3: RESTART_TASK
            - task_type: b
              method: SHELL
              script: [date]
            """));
        Assert.Contains(".OnExitCode(1, Fatal)", lines);
        Assert.Contains(".OnExitCode(\"007\", \"ERR_BOND\")", lines);
        Assert.Contains(".OnExitCode(\"APPROVED\", \"b\")", lines);
        Assert.Contains(".OnExitCode(3, RestartTask)", lines);
    }

    [Fact]
    public void A_task_named_like_a_reserved_word_or_an_error_code_is_a_GoTo()
    {
        var job = new JobDefinition
        {
            JobType = "odd",
            Tasks = EquatableArray.Create(new TaskDefinition
            {
                TaskType = "a",
                ExitCodes = EquatableArray.Create(
                    new ExitCodeRoute("1", ExitAction.GoTo("COMPLETED")),
                    new ExitCodeRoute("2", ExitAction.GoTo("ERR_TASK")),
                    new ExitCodeRoute("3", ExitAction.Error("bad"))),
            }),
        };
        var lines = Lines(CSharpTranslator.Translate(job, "odd.yaml"));
        Assert.Contains(".OnExitCode(1, ExitAction.GoTo(\"COMPLETED\"))", lines);
        Assert.Contains(".OnExitCode(2, ExitAction.GoTo(\"ERR_TASK\"))", lines);
        Assert.Contains(".OnExitCode(3, ExitAction.Error(\"bad\"));", lines);
    }

    [Theory]
    [InlineData("retry-job", "RetryJob")]
    [InlineData("io.example.all-keys", "IoExampleAllKeys")]
    [InlineData("nightly_build", "NightlyBuild")]
    [InlineData("k8s-deploy", "K8sDeploy")]
    [InlineData("3d-render", "Job3dRender")]
    [InlineData("time-span", "TimeSpanWorkflow")]
    [InlineData("tasks", "TasksWorkflow")]
    [InlineData("workflow", "WorkflowWorkflow")]
    [InlineData("fatal", "FatalWorkflow")]
    [InlineData("--", "UnnamedJob")]
    [InlineData("café au lait", "CaféAuLait")]
    public void Class_names_are_the_job_type_in_PascalCase_made_valid(string jobType, string className) =>
        Assert.Equal(className, CSharpNames.ClassName(jobType));

    [Fact]
    public void A_namespace_makes_a_file_scoped_namespace_and_an_invalid_one_is_refused()
    {
        var job = new JobDefinition { JobType = "a" };
        Assert.Contains("\nnamespace Shop.Jobs;\n", CSharpTranslator.Translate(job, "a.yaml", "Shop.Jobs"), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CSharpTranslator.Translate(job, "a.yaml", "Shop.class"));
        Assert.Throws<ArgumentException>(() => CSharpTranslator.Translate(job, "a.yaml", "Shop..Jobs"));
    }

    [Fact]
    public void A_key_only_another_method_sets_cannot_be_translated_and_says_why()
    {
        var loaded = YamlJobLoader.Load("""
            job_type: forked
            tasks:
            - task_type: a
              method: SHELL
              script: [date]
              fork_job_type: child
            """, "forked.yaml");
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Problems));
        var e = Assert.Throws<TranslationException>(() => CSharpTranslator.Translate(loaded.Definition!, "forked.yaml"));
        Assert.Equal(
            "Job 'forked' cannot be translated exactly into the C# DSL: Task 'a' sets fork_job_type/fork_job_version but its method is SHELL; "
            + "the DSL sets them only with .ForkJob(...), which makes the method FORK_JOB.",
            e.Message);
    }

    [Fact]
    public void A_job_type_with_a_lone_surrogate_cannot_be_an_attribute_argument()
    {
        var e = Assert.Throws<TranslationException>(() => CSharpTranslator.Translate(new JobDefinition { JobType = "job\uD800" }, "a.yaml"));
        Assert.Contains("unpaired UTF-16 surrogate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Multi_line_text_is_a_raw_string_indented_with_the_chain()
    {
        var csharp = Translate("""
            job_type: block
            tasks:
            - task_type: a
              method: SHELL
              script:
                - |
                  for i in 1 2 3; do
                    echo "$i"
                  done
            """);
        const string Quotes = "\"\"\"";
        var expected = string.Join(
            "\n",
            "            .Script(",
            "                " + Quotes,
            "                for i in 1 2 3; do",
            "                  echo \"$i\"",
            "                done",
            "                " + Quotes + ");");
        Assert.Contains(expected, csharp, StringComparison.Ordinal);
    }

    [Fact]
    public void An_approval_policy_is_the_approval_builder_and_compiles_back_to_the_same_policy()
    {
        const string Yaml = """
            job_type: release
            tasks:
            - task_type: sign-off
              method: MANUAL
              approval_policy:
                min_approvals: 2
                allowed_users: [carol, dave]
                allowed_roles: release-manager
                require_unanimous: true
                sla_deadline: 8h
                timeout_action: ESCALATE
                escalation_recipients: oncall@example.com, lead@example.com
                escalation_message: |
                  sign-off of the release
                  is waiting
              on_completed: fast
            - task_type: fast
              method: MANUAL
              approval_policy:
                sla_deadline: 30m
                timeout_action: AUTO_APPROVE
              on_completed: recipients
            - task_type: recipients
              method: MANUAL
              approval_policy:
                escalation_recipients: [oncall@example.com]
              on_completed: plain
            - task_type: plain
              method: MANUAL
              approval_policy: {}
            """;
        var csharp = Translate(Yaml);
        var lines = Lines(csharp);
        Assert.Contains(".Manual(approvals => approvals", lines);
        Assert.Contains(".MinApprovals(2)", lines);
        Assert.Contains(".AllowedUsers(\"carol\", \"dave\")", lines);
        Assert.Contains(".Escalate(\"oncall@example.com\", \"lead@example.com\")", lines);
        Assert.Contains(".Manual(approvals => approvals.SlaDeadline(TimeSpan.FromMinutes(30)).AutoApprove())", lines);
        Assert.Contains(".Manual(approvals => approvals.EscalationRecipients(\"oncall@example.com\"))", lines);
        Assert.Contains(".Manual(approvals => approvals);", lines);
        Assert.DoesNotContain("ApprovalPolicy", csharp, StringComparison.Ordinal);

        // The generator reads the lambdas: the compiled definition is the YAML's, as is the one the builder makes.
        var built = CSharpCompiler.Compile([csharp]);
        Assert.True(built.BuildWarnings.Count == 0, string.Join("\n", built.BuildWarnings));
        var type = CSharpCompiler.WorkflowType(built.Assembly!);
        var expected = YamlJobLoader.Load(Yaml, "job.yaml").Definition!;
        Assert.Equal(expected, CSharpCompiler.CompiledDefinition(type));
        Assert.Equal(expected, ((Workflow)Activator.CreateInstance(type)!).Definition);
        Assert.Equal("sign-off of the release\nis waiting\n", expected.Tasks[0].ApprovalPolicy!.EscalationMessage);
    }
}
