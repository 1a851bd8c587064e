using Workflows.Definitions;
using Workflows.Executors.FanOut;
using Workflows.Executors.Tests.Support;

namespace Workflows.Executors.Tests.FanOut;

/// <summary>
/// The fan-out's items and its job mode's scheduling, with a fake <see cref="IFanOutJobs"/> (the real one, forking real
/// jobs, is tested on a host in <c>Workflows.Hosting.Tests.FanOutTests</c>).
/// </summary>
public sealed class FanOutRunnerTests
{
    [Fact]
    public void Items_are_strings_as_themselves_and_other_elements_as_their_JSON_text()
    {
        Assert.Equal(["eu", "1", "{\"a\":[1,2]}", "[3]", "true", "null"], FanOutItems.Read("t", "s", "[\"eu\", 1, {\"a\":[1,2]}, [3], true, null]", out var error));
        Assert.Null(error);
        Assert.Empty(FanOutItems.Read("t", "s", "[]", out _)!);
    }

    [Theory]
    [InlineData(null, "Task 'deploy': fan_out.source 'regions' is not a variable of this job. Set 'regions' to a JSON array")]
    [InlineData("eu,us", "Task 'deploy': fan_out.source 'regions' must hold a JSON array of items (e.g. [\"a\",\"b\"]), but holds 'eu,us' (not JSON:")]
    [InlineData("{\"eu\":1}", "Task 'deploy': fan_out.source 'regions' must hold a JSON array of items (e.g. [\"a\",\"b\"]), but holds '{\"eu\":1}' (a JSON object, not an array). Set 'regions' to a JSON array.")]
    public void A_source_that_is_missing_or_not_a_JSON_array_is_refused_naming_it_and_its_value(string? value, string message)
    {
        Assert.Null(FanOutItems.Read("deploy", "regions", value, out var error));
        Assert.StartsWith(message, error, StringComparison.Ordinal);
    }

    /// <summary>Children that end when told to: "bad" fails at once once the others have started; the others wait to be stopped.</summary>
    private sealed class FakeJobs(int expectedRunning) : IFanOutJobs
    {
        private readonly TaskCompletionSource _allStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _started;

        public List<int> Cancelled { get; } = [];

        public async Task<TaskOutcome> RunAsync(TaskExecution execution, int index, string item, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _started) == expectedRunning)
            {
                _allStarted.SetResult();
            }

            if (item == "ok")
            {
                return TaskOutcome.Exited(0) with { Outputs = new Dictionary<string, string> { ["rows"] = "7" } };
            }

            await _allStarted.Task.WaitAsync(cancellationToken);
            if (item == "bad")
            {
                return TaskOutcome.Error("ERR_CHILD", "child failed", exitCode: 3);
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }

        public Task CancelAsync(TaskExecution execution, int index, CancellationToken cancellationToken)
        {
            lock (Cancelled)
            {
                Cancelled.Add(index);
            }

            return Task.CompletedTask;
        }
    }

    private static async Task<(AttemptResult Result, MemoryTaskLog Log)> RunAsync(FanOutSpec fanOut, string items, IFanOutJobs? jobs)
    {
        var task = new TaskDefinition { TaskType = "process", Method = TaskMethod.ForkJob, FanOut = fanOut };
        var job = new JobDefinition { JobType = "fan", JobVariables = EquatableArray.Create(new NamedValue("items", items)), Tasks = EquatableArray.Create(task) };
        var runner = new TaskRunner(new TaskExecutors([]), TimeProvider.System, fanOutJobs: jobs);
        var log = new MemoryTaskLog();
        var result = await runner.RunAsync(new AttemptRequest("job-fan", job, new Dictionary<string, string>(), task, 1, 0, null), log, new MemoryArtifactStore(), CancellationToken.None, CancellationToken.None);
        return (result, log);
    }

    [Fact]
    public async Task Job_mode_with_fail_fast_cancels_the_children_still_running_and_reports_the_failing_one()
    {
        var jobs = new FakeJobs(expectedRunning: 4);

        var (result, _) = await RunAsync(new FanOutSpec("items", "ds", FailFast: true, ForkJobType: "child"), "[\"ok\",\"slow\",\"bad\",\"slow\"]", jobs);

        Assert.Equal(("ERR_CHILD", 3), (result.ErrorCode, result.ExitCode));
        Assert.Equal("Task 'process': fan-out item 2 (ds=bad) of 4 failed: child failed (2 other item(s) failed or were stopped: see ds_<i>_status)", result.Message);
        var outputs = result.Outputs!;
        Assert.Equal(("COMPLETED", "7", "FAILED", "ERR_CHILD", "CANCELLED", FanOutErrors.Cancelled, "CANCELLED"),
            (outputs["ds_0_status"], outputs["ds_0_rows"], outputs["ds_2_status"], outputs["ds_2_error_code"], outputs["ds_1_status"], outputs["ds_1_error_code"], outputs["ds_3_status"]));
        Assert.Equal(("4", "items", "job"), (outputs["FanOutItemCount"], outputs["FanOutSource"], outputs["FanOutMode"]));
        Assert.Equal([1, 3], jobs.Cancelled.Order());
    }

    [Fact]
    public async Task Job_mode_on_a_runner_that_forks_no_jobs_fails_saying_so_and_an_empty_source_completes_at_once_with_a_count_of_0()
    {
        var (refused, _) = await RunAsync(new FanOutSpec("items", "ds", ForkJobType: "child"), "[\"a\"]", null);
        Assert.Equal(FanOutErrors.JobsNotSupported, refused.ErrorCode);

        var (empty, log) = await RunAsync(new FanOutSpec("items", "ds"), "[]", null);
        Assert.Equal((0, null), (empty.ExitCode, empty.ErrorCode));
        Assert.Equal(("0", "task"), (empty.Outputs!["FanOutItemCount"], empty.Outputs["FanOutMode"]));
        Assert.Contains("fan-out (task mode) over 0 item(s)", log.Text, StringComparison.Ordinal);
    }
}
