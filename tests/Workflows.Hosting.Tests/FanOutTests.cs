using Marten;
using Microsoft.Extensions.DependencyInjection;
using Workflows.Definitions;
using Workflows.Executors;
using Workflows.Executors.FanOut;
using Workflows.Executors.Logs;
using Workflows.Hosting.Batch;
using Workflows.Hosting.Tests.Support;
using Workflows.Marten;
using Workflows.Marten.Doctor;
using Workflows.Marten.Logs;
using Workflows.Runtime;
using Workflows.Yaml;

namespace Workflows.Hosting.Tests;

/// <summary>
/// <c>fan_out</c> runs on a real host (PostgreSQL, SHELL processes): task mode runs the task once per element of the
/// source array with the element under <c>item_var</c>, at most <c>max_parallel</c> at a time, <c>fail_fast</c> stops the
/// rest; job mode forks one linked child job per element; both aggregate formicary's variables into the task's outputs,
/// which later tasks' templates read. The evidence of order and overlap is the children's own output (a trace file,
/// a barrier), never a clock.
/// </summary>
public sealed class FanOutTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wf-fanout-").FullName;

    public FanOutTests()
    {
        // SHELL scripts run as the host's unprivileged user when the tests run as root: they write their trace here.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_dir, (UnixFileMode)0b111_111_111);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static JobDefinition Load(string yaml)
    {
        var result = YamlJobLoader.Load(yaml, "fan-out.yaml");
        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        // fan_out runs (no WF4005) and the aggregates are known to later tasks' templates (no WF3002).
        Assert.DoesNotContain(result.Problems, p => p.Problem.Id is WorkflowDiagnostics.NotRunYetId or WorkflowDiagnostics.UnknownTemplateVariableId);
        return result.Definition!;
    }

    private static async Task<IReadOnlyDictionary<string, string>> ContextAsync(RunningHost host, string id) =>
        JobContext.Of((await host.Jobs.GetAsync(id))!.Tasks);

    private static async Task<List<string>> LogAsync(RunningHost host, string id, string task) =>
        (await host.Services.GetRequiredService<TaskLogs>().ReadAsync(id, task)).Select(l => l.Line).ToList();

    /// <summary>The job ended with this status; else the failure shows its log.</summary>
    private static async Task AssertStatusAsync(RunningHost host, string id, JobStatus status, JobView view)
    {
        if (view.Status != status)
        {
            var lines = await host.Services.GetRequiredService<TaskLogs>().ReadAsync(id, null);
            Assert.Fail($"Job {id} is {view.Status}, not {status}:\n{string.Join("\n", lines.Select(l => $"{l.TaskType}: {l.Line}"))}");
        }
    }

    private string Trace => File.Exists(Path.Combine(_dir, "trace")) ? File.ReadAllText(Path.Combine(_dir, "trace")) : string.Empty;

    [Fact]
    public async Task Task_mode_runs_each_item_one_at_a_time_and_later_tasks_read_the_aggregates()
    {
        var job = Load($$$"""
            job_type: fan-serial
            job_variables:
              items: '["a","b","c","d"]'
              dir: {{{_dir}}}
            tasks:
            - task_type: each
              method: SHELL
              fan_out:
                source: items
                item_var: item
                max_parallel: 1
              script:
                - echo "start {{.item}}" >> {{.dir}}/trace
                - sleep 0.2
                - echo "::set-output name=shout::{{.item}}!"
                - echo "end {{.item}}" >> {{.dir}}/trace
              on_completed: report
            - task_type: report
              method: SHELL
              script:
                - echo "::set-output name=summary::{{.FanOutItemCount}} {{.FanOutMode}} {{.FanOutSource}} {{.item_0_status}} {{.item_3_shout}} {{.item_2_exit_code}}"
            """);
        await using var host = await RunningHost.StartAsync("fan_serial");

        var id = await host.Client.SubmitAsync(job);
        var view = await host.WaitForEndAsync(id);

        await AssertStatusAsync(host, id, JobStatus.Completed, view);
        // One at a time, in order: each item ended before the next started.
        Assert.Equal("start a\nend a\nstart b\nend b\nstart c\nend c\nstart d\nend d\n", Trace);
        var context = await ContextAsync(host, id);
        Assert.Equal("4 task items COMPLETED d! 0", context["summary"]);
        foreach (var (item, i) in new[] { "a", "b", "c", "d" }.Select((item, i) => (item, i)))
        {
            Assert.Equal(("COMPLETED", "0", string.Empty, string.Empty, item + "!"),
                (context[$"item_{i}_status"], context[$"item_{i}_exit_code"], context[$"item_{i}_error_code"], context[$"item_{i}_error_message"], context[$"item_{i}_shout"]));
        }

        // An item's own lines are in the task's log, prefixed with its index; its set-output is not the task's own.
        var log = await LogAsync(host, id, "each");
        Assert.Contains("[2] $ echo \"start c\" >> " + _dir + "/trace", log);
        Assert.Contains(log, l => l.StartsWith("fan-out (task mode) over 4 item(s) of 'items', at most 1 at a time", StringComparison.Ordinal));
        Assert.False(context.ContainsKey("shout"));
    }

    [Fact]
    public async Task Task_mode_without_a_limit_runs_all_items_at_once()
    {
        // A barrier: each item waits until all three have arrived, which only happens when they run at the same time
        // (run one at a time, the first would wait in vain and fail).
        var job = Load($$$"""
            job_type: fan-barrier
            job_variables:
              items: '[1, {"region":"eu"}, "x y"]'
              dir: {{{_dir}}}
            tasks:
            - task_type: each
              method: SHELL
              fan_out:
                source: items
                item_var: item
              script:
                - echo '{{.item}}' > "{{.dir}}/arrived-$WORKFLOWS_TASK_TYPE"
                - for i in $(seq 1 300); do [ $(ls {{.dir}} | grep -c arrived) -ge 3 ] && break; sleep 0.1; done
                - test $(ls {{.dir}} | grep -c arrived) -ge 3
            """);
        await using var host = await RunningHost.StartAsync("fan_barrier");

        var id = await host.Client.SubmitAsync(job);
        var view = await host.WaitForEndAsync(id);

        await AssertStatusAsync(host, id, JobStatus.Completed, view);
        // Each item ran as task <task>-fo-<i> and saw its element: a number and an object as JSON text, a string as itself.
        Assert.Equal("1", File.ReadAllText(Path.Combine(_dir, "arrived-each-fo-0")).Trim());
        Assert.Equal("{\"region\":\"eu\"}", File.ReadAllText(Path.Combine(_dir, "arrived-each-fo-1")).Trim());
        Assert.Equal("x y", File.ReadAllText(Path.Combine(_dir, "arrived-each-fo-2")).Trim());
    }

    private JobDefinition Failing(bool failFast) => Load($$$"""
        job_type: fan-failing
        job_variables:
          items: '["a","b","c","d"]'
          dir: {{{_dir}}}
        tasks:
        - task_type: each
          method: SHELL
          fan_out:
            source: items
            item_var: item
            max_parallel: 1
            fail_fast: {{{(failFast ? "true" : "false")}}}
          script:
            - echo "ran {{.item}}" >> {{.dir}}/trace
            - test "{{.item}}" != b
        """);

    [Fact]
    public async Task Each_item_sees_its_element_in_the_environment_too_as_variables_are_exported()
    {
        await using var host = await RunningHost.StartAsync("fan_env");
        var job = Load("""
            job_type: fan-env
            job_variables:
              cities: '["oslo","lima"]'
            tasks:
            - task_type: each
              method: SHELL
              fan_out:
                source: cities
                item_var: city
                max_parallel: 1
              script:
                - echo "env $city"
            """);

        var id = await host.Client.SubmitAsync(job);
        await AssertStatusAsync(host, id, JobStatus.Completed, await host.WaitForEndAsync(id));

        var lines = await LogAsync(host, id, "each");
        Assert.Contains("[0] env oslo", lines);
        Assert.Contains("[1] env lima", lines);
    }

    [Fact]
    public async Task A_failing_item_fails_the_task_after_the_others_ran_without_fail_fast()
    {
        await using var host = await RunningHost.StartAsync("fan_fail");

        var id = await host.Client.SubmitAsync(Failing(failFast: false));
        var view = await host.WaitForEndAsync(id);

        Assert.Equal((JobStatus.Failed, "each"), (view.Status, view.FailedTask));
        Assert.Equal("ran a\nran b\nran c\nran d\n", Trace);
        Assert.Equal(1, view.Tasks.Single(t => t.TaskType == "each").ExitCode);
        var context = await ContextAsync(host, id);
        Assert.Equal(("COMPLETED", "FAILED", "COMPLETED", "COMPLETED"), (context["item_0_status"], context["item_1_status"], context["item_2_status"], context["item_3_status"]));
        Assert.Equal(("1", "exit code 1"), (context["item_1_exit_code"], context["item_1_error_message"]));
        Assert.Contains(await LogAsync(host, id, "each"), l => l.Contains("Task 'each': fan-out item 1 (item=b) of 4 failed: exit code 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_fail_fast_a_failing_item_starts_no_more_items()
    {
        await using var host = await RunningHost.StartAsync("fan_failfast");

        var id = await host.Client.SubmitAsync(Failing(failFast: true));
        var view = await host.WaitForEndAsync(id);

        Assert.Equal((JobStatus.Failed, "each"), (view.Status, view.FailedTask));
        Assert.Equal("ran a\nran b\n", Trace);
        var context = await ContextAsync(host, id);
        Assert.Equal(("COMPLETED", "FAILED", "CANCELLED", "CANCELLED"), (context["item_0_status"], context["item_1_status"], context["item_2_status"], context["item_3_status"]));
        Assert.Equal((FanOutErrors.Cancelled, "not started: item 1 failed and fail_fast is set"), (context["item_2_error_code"], context["item_2_error_message"]));
        Assert.Equal((FanOutErrors.Cancelled, "not started: item 1 failed and fail_fast is set"), (context["item_3_error_code"], context["item_3_error_message"]));
        Assert.DoesNotContain(await LogAsync(host, id, "each"), l => l.StartsWith("[2]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_fail_fast_a_failing_item_stops_the_items_still_running()
    {
        // 'bad' fails once the two slow items have started; they would sleep a minute, so their stop is fail_fast's.
        var job = Load($$$"""
            job_type: fan-stop
            job_variables:
              items: '["slow1","bad","slow2"]'
              dir: {{{_dir}}}
            tasks:
            - task_type: each
              method: SHELL
              fan_out:
                source: items
                item_var: item
                fail_fast: true
              script:
                - touch {{.dir}}/arrived-{{.item}}
                - if [ "{{.item}}" = bad ]; then while [ $(ls {{.dir}} | grep -c arrived) -lt 3 ]; do sleep 0.1; done; exit 7; fi
                - sleep 60
                - echo "finished {{.item}}" >> {{.dir}}/trace
            """);
        await using var host = await RunningHost.StartAsync("fan_stop");

        var id = await host.Client.SubmitAsync(job);
        var view = await host.WaitForEndAsync(id, TimeSpan.FromSeconds(45));

        Assert.Equal(JobStatus.Failed, view.Status);
        Assert.Equal(7, view.Tasks.Single().ExitCode);
        Assert.Equal(string.Empty, Trace);
        var context = await ContextAsync(host, id);
        Assert.Equal(("CANCELLED", "FAILED", "CANCELLED"), (context["item_0_status"], context["item_1_status"], context["item_2_status"]));
        Assert.Equal("stopped: item 1 failed and fail_fast is set", context["item_2_error_message"]);
    }

    [Fact]
    public async Task A_source_that_is_not_a_JSON_array_fails_the_task_naming_the_variable_and_its_value()
    {
        var job = Load("""
            job_type: fan-bad-source
            job_variables:
              regions: 'us-east-1,eu-west-1'
            tasks:
            - task_type: deploy
              method: SHELL
              fan_out:
                source: regions
                item_var: region
              script:
                - echo "{{.region}}"
            """);
        await using var host = await RunningHost.StartAsync("fan_source");

        var id = await host.Client.SubmitAsync(job);
        var view = await host.WaitForEndAsync(id);

        Assert.Equal(JobStatus.Failed, view.Status);
        Assert.Equal(FanOutErrors.Source, view.Tasks.Single().ErrorCode);
        Assert.Contains(await LogAsync(host, id, "deploy"), l => l.StartsWith(
            "Task 'deploy': fan_out.source 'regions' must hold a JSON array of items (e.g. [\"a\",\"b\"]), but holds 'us-east-1,eu-west-1' (not JSON:", StringComparison.Ordinal));
    }

    private static readonly Workflow Child = Workflow.Create("fan-child", job => job.Task("work").Run((context, _) =>
    {
        var dataset = context.Variables["dataset"];
        context.SetOutput("rows", dataset.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new ValueTask<int>(dataset == "bad" ? 3 : 0);
    }));

    [Fact]
    public async Task Job_mode_forks_one_linked_child_per_item_and_fails_when_one_child_failed()
    {
        var job = Load("""
            job_type: fan-jobs
            job_variables:
              datasets: '["x","bad","yyy"]'
            tasks:
            - task_type: process
              method: FORK_JOB
              fan_out:
                source: datasets
                item_var: dataset
                fork_job_type: fan-child
                max_parallel: 2
            """);
        await using var host = await RunningHost.StartAsync("fan_jobs", services: services => services.AddSingleton(Child));

        var id = await host.Client.SubmitAsync(job);
        var view = await host.WaitForEndAsync(id);

        Assert.Equal((JobStatus.Failed, "process"), (view.Status, view.FailedTask));
        var children = await host.Jobs.ChildrenAsync(id, CancellationToken.None);
        Assert.Equal(3, children.Count);
        Assert.All(children, c => Assert.Equal((id, "process", "fan-child", "true"), (c.ParentJobId, c.ForkTask, c.JobType, c.Params["ForkedJob"])));
        var context = await ContextAsync(host, id);
        foreach (var (dataset, i) in new[] { "x", "bad", "yyy" }.Select((d, i) => (d, i)))
        {
            var child = Assert.Single(children, c => c.Params["dataset"] == dataset);
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), child.Params[$"FanOutIndex_{i}"]);
            Assert.Equal(child.Id, context[$"dataset_{i}_ForkedJobID"]);
            Assert.Equal(dataset.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), context[$"dataset_{i}_rows"]);
            Assert.Equal(dataset == "bad" ? "FAILED" : "COMPLETED", context[$"dataset_{i}_status"]);
        }

        Assert.Equal(("3", "job", "datasets"), (context["FanOutItemCount"], context["FanOutMode"], context["FanOutSource"]));
        // The doctor's fork-once holds: one child per item for the one attempt started.
        Assert.True((await new InvariantChecker(host.Services.GetRequiredKeyedService<IDocumentStore>(WorkflowsServiceCollectionExtensions.StoreKey), TimeProvider.System).CheckAsync()).Healthy);
    }

    [Fact]
    public async Task A_job_mode_item_run_again_by_a_host_taking_over_answers_the_child_it_forked()
    {
        await using var host = await RunningHost.StartAsync("fan_once", services: services => services.AddSingleton(Child));
        var jobs = host.Services.GetRequiredService<IFanOutJobs>();
        var task = new TaskDefinition { TaskType = "process", Method = TaskMethod.ForkJob, FanOut = new FanOutSpec("datasets", "dataset", ForkJobType: "fan-child") };
        TaskExecution Attempt(int attempt) => new()
        {
            JobId = "fan-once-parent",
            JobType = "fan-once-parent",
            Task = task,
            Attempt = attempt,
            MaxAttempts = 2,
            Rendered = RenderedTask.Empty,
            Log = new OutputCapture(new NullLog()),
            Artifacts = host.Services.GetRequiredService<Workflows.Executors.Artifacts.IArtifactStore>(),
        };

        var first = await jobs.RunAsync(Attempt(1), 0, "x", CancellationToken.None);
        var again = await jobs.RunAsync(Attempt(1), 0, "x", CancellationToken.None);
        var second = await jobs.RunAsync(Attempt(1), 1, "yy", CancellationToken.None);
        var retried = await jobs.RunAsync(Attempt(2), 0, "x", CancellationToken.None);

        Assert.Equal(first.Outputs!["ForkedJobID"], again.Outputs!["ForkedJobID"]);
        Assert.Equal(FanOutJobs.ChildId(Attempt(1), 0), first.Outputs["ForkedJobID"]);
        var children = await host.Jobs.ChildrenAsync("fan-once-parent", CancellationToken.None);
        Assert.Equal(
            new[] { first.Outputs["ForkedJobID"], second.Outputs!["ForkedJobID"], retried.Outputs!["ForkedJobID"] }.Order(StringComparer.Ordinal),
            children.Select(c => c.Id).Order(StringComparer.Ordinal));
    }

    private sealed class NullLog : ITaskLog
    {
        public string Text => string.Empty;

        public void Write(LogSource source, string line)
        {
        }
    }
}
