using Workflows.Definitions;
using static Workflows.ExitAction;

namespace Workflows.Tests;

public class DslTests
{
    [Fact]
    public void Building_an_invalid_workflow_throws_listing_every_problem()
    {
        var workflow = Workflow.Create("broken", job => job
            .Task("first").Shell().Script("true").OnCompleted("thrid").Retry(-1)
            .Task("third").Shell().Script("true").OnExitCode(2, RestartTask));
        var e = Assert.Throws<InvalidWorkflowDefinitionException>(() => workflow.Definition);
        Assert.Equal(
            [WorkflowDiagnostics.UnknownTaskId, WorkflowDiagnostics.RestartTaskWithoutRetryId, WorkflowDiagnostics.NegativeCountId],
            e.Problems.Select(p => p.Id));
        Assert.Contains("Did you mean 'third'?", e.Message, StringComparison.Ordinal);
        Assert.Contains("error WF2003: Task 'first' has retry = -1", e.Message, StringComparison.Ordinal);
        Assert.Contains("warning WF2001", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_executor_is_reported_not_silently_replaced()
    {
        var workflow = Workflow.Create("two", job => job.Task("call").HttpGet("https://example.com").Shell());
        var e = Assert.Throws<InvalidWorkflowDefinitionException>(() => workflow.Definition);
        var problem = Assert.Single(e.Problems);
        Assert.Equal("Task 'call' has two executors: HTTP_GET and SHELL. Keep one.", problem.Message);
    }

    [Fact]
    public void A_second_retry_wait_is_reported_at_run_time_too_and_the_first_kept()
    {
        var task = Workflow.Create("feed", job => job.Task("fetch").Shell().Script("./fetch.sh").Retry(3)
            .LinearWait(TimeSpan.FromSeconds(5)).ExponentialWait(TimeSpan.FromSeconds(2)));
        var problem = Assert.Single(Assert.Throws<InvalidWorkflowDefinitionException>(() => task.Definition).Problems);
        Assert.Equal("Task 'fetch' has both 'linear_wait' and 'exponential_wait', which each set how the wait grows between retries. Keep one: only 'linear_wait', written first, is loaded.", problem.Message);

        var rule = Workflow.Create("feed", job => job.Task("fetch").Shell().Script("./fetch.sh")
            .RetryOn(Failure.ExitCode(75), r => r.Retry(2).Backoff(TimeSpan.FromSeconds(1)).LinearWait(TimeSpan.FromSeconds(5))));
        problem = Assert.Single(Assert.Throws<InvalidWorkflowDefinitionException>(() => rule.Definition).Problems);
        Assert.Equal(new DefinitionPointer("fetch", "retry_on", "linear_wait", 0), problem.Location);

        var job = Workflow.Create("feed", job => job.Retry(1).ExponentialWait(TimeSpan.FromSeconds(2)).Backoff(TimeSpan.FromSeconds(1)).Task("fetch").Shell().Script("./fetch.sh"));
        problem = Assert.Single(Assert.Throws<InvalidWorkflowDefinitionException>(() => job.Definition).Problems);
        Assert.StartsWith("Job 'feed' has both 'exponential_wait' and 'retry_backoff_policy'", problem.Message, StringComparison.Ordinal);

        var one = Workflow.Create("feed", job => job.Task("fetch").Shell().Script("./fetch.sh").Retry(3).LinearWait(TimeSpan.FromSeconds(5))).Definition;
        Assert.Equal(BackoffPolicy.LinearWait(TimeSpan.FromSeconds(5)), one.Tasks[0].Backoff);
    }

    [Fact]
    public void The_approval_builder_makes_the_policy_the_record_does_and_is_checked_at_run_time_too()
    {
        var fluent = Workflow.Create("gate", job => job.Task("sign-off").Manual(approvals => approvals.MinApprovals(2)
            .AllowedUsers("carol").AllowedUsers("dave").AllowedRoles("release-manager").RequireUnanimous().SlaDeadline(TimeSpan.FromHours(8))
            .Escalate("oncall@example.com").EscalationMessage("waiting"))).Definition;
        var record = Workflow.Create("gate", job => job.Task("sign-off").Manual(new ApprovalPolicy(2, new[] { "release-manager" },
            new[] { "carol", "dave" }, true, TimeSpan.FromHours(8), "ESCALATE", new[] { "oncall@example.com" }, "waiting"))).Definition;
        Assert.Equal(record, fluent);
        Assert.Equal("AUTO_REJECT", Workflow.Create("gate", job => job.Task("g").Manual(a => a.AutoApprove().AutoReject())).Definition.Tasks[0].ApprovalPolicy!.TimeoutAction);
        Assert.Equal(new ApprovalPolicy(), Workflow.Create("gate", job => job.Task("g").Manual(a => a)).Definition.Tasks[0].ApprovalPolicy);

        var unreachable = Workflow.Create("gate", job => job.Task("sign-off").Manual(approvals => approvals.MinApprovals(3).AllowedUsers("carol", "dave")));
        var e = Assert.Throws<InvalidWorkflowDefinitionException>(() => unreachable.Definition);
        Assert.Equal("Task 'sign-off' has approval_policy.min_approvals = 3: only 2 users may vote (carol, dave), so the quorum can never be reached. Lower min_approvals to 2, add users to allowed_users, or allow a role with allowed_roles.",
            Assert.Single(e.Problems).Message);
    }

    [Fact]
    public void Builders_are_single_use()
    {
        JobBuilder? captured = null;
        var workflow = Workflow.Create("once", job => (captured = job).Task("a").Shell().Script("true"));
        _ = workflow.Definition;
        var e = Assert.Throws<InvalidOperationException>(() => captured!.Task("late"));
        Assert.Contains("single-use", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Job_settings_after_the_first_task_are_refused_with_the_fix()
    {
        var workflow = Workflow.Create("order", job =>
        {
            job.Task("a").Shell().Script("true");
            job.Retry(2);
        });
        var e = Assert.Throws<InvalidOperationException>(() => workflow.Definition);
        Assert.Contains("move this call above the tasks", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_registers_an_in_process_handler_returning_the_exit_code()
    {
        var workflow = Workflow.Create("code", job => job.Task("compute").Run((ctx, ct) => ValueTask.FromResult(ctx.Attempt + 6)));
        Assert.Equal(TaskMethod.InProcess, workflow.Definition.Tasks[0].Method);
        var context = new TaskContext("j1", "code", "compute", 1, 3, new Dictionary<string, string>());
        Assert.Equal(7, await workflow.Handlers["compute"](context, CancellationToken.None));
        Assert.Equal(2, context.RemainingAttempts);
        Assert.False(context.IsLastAttempt);
    }

    [Fact]
    public void String_targets_read_as_error_codes_actions_or_tasks()
    {
        var task = Workflow.Create("targets", job => job
            .Task("a").Shell().Script("x").OnExitCode(1, "ERR_DISK").OnExitCode(2, "b").OnExitCode(3, "FATAL").OnExitCode("APPROVED", Completed)
            .Task("b").Shell().Script("y")).Definition.Tasks[0];
        Assert.Equal([ExitAction.Error("ERR_DISK"), ExitAction.GoTo("b"), Fatal, Completed], task.ExitCodes.Select(r => r.Action));
        Assert.Equal(["1", "2", "3", "APPROVED"], task.ExitCodes.Select(r => r.Code));
    }

    [Fact]
    public void RetryOn_builds_the_same_rules_as_the_retry_on_yaml_keys()
    {
        var task = Workflow.Create("rules", job => job
            .Task("sync").Container(new ContainerSpec("alpine", MemoryLimit: "512Mi")).Script("sync")
                .RetryOn(Failure.ExitCode(75), rule => rule.Retry(10).Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), 2, jitter: true))
                .RetryOn(Failure.ExitCode(2), rule => rule.Fatal())
                .RetryOn(Failure.ExitCode(137), rule => rule.Retry(2).MemoryFactor(2).CpuLimit("2"))
                .RetryOn(Failure.Output("connection (reset|refused)"), rule => rule.Retry(5).DelayBetweenRetries(TimeSpan.FromSeconds(2)))
                .RetryOn(Failure.Exception<TimeoutException>().And(Failure.ErrorCode("ERR_TASK_EXECUTE")), rule => rule.RetryForever().MemoryLimit("1Gi"))
                .RetryOn(Failure.ExitCode(1))).Definition.Tasks[0];
        Assert.Equal(
            [
                new RetryRule { ExitCodes = EquatableArray.Create(75), Retry = 10, Backoff = new BackoffPolicy(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), 2, true) },
                new RetryRule { ExitCodes = EquatableArray.Create(2), Action = RetryRuleAction.Fatal },
                new RetryRule { ExitCodes = EquatableArray.Create(137), Retry = 2, MemoryFactor = 2, CpuLimit = "2" },
                new RetryRule { Output = "connection (reset|refused)", Retry = 5, DelayBetweenRetries = TimeSpan.FromSeconds(2) },
                new RetryRule { Exceptions = EquatableArray.Create("System.TimeoutException"), ErrorCodes = EquatableArray.Create("ERR_TASK_EXECUTE"), UnlimitedRetries = true, MemoryLimit = "1Gi" },
                new RetryRule { ExitCodes = EquatableArray.Create(1) },
            ],
            task.RetryRules);
    }

    /// <summary>Every key of the model has a DSL method: a job whose tasks call them all leaves no property at its default.</summary>
    [Fact]
    public void Every_model_key_has_a_dsl_method()
    {
        var definition = Workflow.Create("everything", job => job
            .Description("d").SemVersion("1.0").Platform("linux").Url("https://example.com").Cron("0 * * * *", "Europe/Paris")
            .Timeout(TimeSpan.FromHours(1)).Retry(1).DelayBetweenRetries(TimeSpan.FromSeconds(1))
            .Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), 2, jitter: true).HardResetAfterRetries(2).MaxManualRetries(3)
            .PauseTime(TimeSpan.FromSeconds(30)).MaxConcurrency(2).RetentionDays(7, 30, 30).PublicPlugin().RequiredParams("Target")
            .DynamicTemplateTasks().Variable("Region", "eu").SkipIf("{{ false }}").Webhook(new WebhookSpec("https://example.com/hook"))
            .Notify("email", "onFailure", "ops@example.com").Resources(new ResourceSpec("gpu", 1)).Trigger(new TriggerSpec("push", "webhook", "/push"))
            .Task("all").Description("t").Docker("alpine").BeforeScript("b").Script("s").AfterScript("a").Environment("E", "1").Variable("V", "2")
                .Url("https://example.com/x").Header("H", "3").Query("Q", "4").Timeout(TimeSpan.FromSeconds(9)).Retry(1)
                .DelayBetweenRetries(TimeSpan.FromSeconds(1)).Backoff(TimeSpan.FromSeconds(1)).AllowFailure().AlwaysRun().AllowStartIfCompleted()
                .Artifacts("out.txt").Cache(new CacheSpec(EquatableArray.Create("~/.cache"))).Dependencies("all").ArtifactIds("id1").Tags("Linux")
                .OnCompleted("fork").OnFailed("fork").OnExit("fork").OnExitCode(3, "fork").WorkingDirectory("/w").Except("{{ false }}").ReportStdout().JobVersion("2")
                .SubWorkflow(new SubWorkflowSpec(WaitForCompletion: true)).FanOut(new FanOutSpec("items", "item")).Webhook(new WebhookSpec("https://example.com/t"))
                .Resources(new ResourceSpec("cpu", 2)).Service(new ServiceSpec("db", "postgres")).Privileged().HostNetwork().NetworkMode("bridge")
                .HelperEnvironment("HE", "5").ArtifactsDirectory("/a").CacheDirectory("/c").ArtifactKeyPrefix("p").CostFactor(1.5)
                .ExecuteCommandWithoutShell().Debug().NodeSelector("zone", "a").PodLabel("l", "1").PodAnnotation("an", "2").ExecutorOption("affinity", "{}")
                .RetryForever().RetryOn(Failure.ExitCode(75), rule => rule.Retry(2)).RetryStrategy("custom")
            .Task("fork").ForkJob("child", "1.0").OnCompleted("await")
            .Task("await").AwaitForkedJobs("fork").OnCompleted("gate")
            .Task("gate").Manual(new ApprovalPolicy(2)).OnCompleted("mq")
            .Task("mq").Messaging("req", "rep")).Definition;

        AssertEverySet(new[] { definition }, nameof(JobDefinition.FirstTask));
        AssertEverySet(definition.Tasks, nameof(TaskDefinition.EffectiveMethod), nameof(TaskDefinition.MaxAttempts));
        Assert.Equal(
            [TaskMethod.Docker, TaskMethod.ForkJob, TaskMethod.AwaitForkedJob, TaskMethod.Manual, TaskMethod.Messaging],
            definition.Tasks.Select(t => t.Method!.Value));
    }

    private static void AssertEverySet<T>(IEnumerable<T> models, params string[] computed)
    {
        var list = models.ToList();
        foreach (var property in typeof(T).GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract" && !computed.Contains(p.Name)))
        {
            bool IsSet(T model)
            {
                var value = property.GetValue(model);
                return value is not null
                    && !(property.PropertyType.IsValueType && Nullable.GetUnderlyingType(property.PropertyType) is null && value.Equals(Activator.CreateInstance(property.PropertyType)));
            }

            Assert.True(list.Any(IsSet), $"{typeof(T).Name}.{property.Name} has no DSL method that sets it");
        }
    }
}
