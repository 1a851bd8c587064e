using Microsoft.Extensions.DependencyInjection;
using Workflows.Definitions;
using Workflows.Hosting.Tests.Support;
using Workflows.Marten.Logs;
using Workflows.Runtime;
using Workflows.Samples;
using Workflows.TestSupport;
using Workflows.Yaml;

namespace Workflows.Hosting.Tests;

/// <summary>
/// The two seed jobs, loaded from their legacy YAML, run end to end in a real host: HTTP tasks against a local
/// jsonplaceholder stand-in on 127.0.0.1, container tasks in real Docker containers. Each exit code of their maps is
/// forced through a request param (the container task's script reads it), and the event history is checked.
/// </summary>
public sealed class SeedJobsTests : IAsyncLifetime
{
    /// <summary>Exits with the code at position (job attempt × 3 + task attempt − 1) of the Codes param.</summary>
    private const string ForcedExit = "IFS=,; set -- $CODES; shift $((WORKFLOWS_JOB_ATTEMPT * 3 + WORKFLOWS_ATTEMPT - 1)); exit $1";

    private PlaceholderServer _placeholder = null!;
    private RunningHost _host = null!;

    private static JobDefinition Seed(string file)
    {
        var result = YamlJobLoader.Load(File.ReadAllText(Path.Combine(TestInfrastructure.RepoRoot, "samples", "legacy-yaml", file)), file);
        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        return result.Definition!;
    }

    /// <summary>The seed with the container task's exit code taken from the Codes param, and delays cut to keep the test short.</summary>
    private static JobDefinition Forced(JobDefinition seed, string taskType, TimeSpan pollDelay) => seed with
    {
        DelayBetweenRetries = seed.DelayBetweenRetries is null ? null : TimeSpan.FromMilliseconds(100),
        Tasks = seed.Tasks.Select(t => t.TaskType == taskType
            ? t with
            {
                Script = new[] { ForcedExit }.ToEquatableArray(),
                Environment = new[] { new NamedValue("CODES", "{{ Codes }}") }.ToEquatableArray(),
            }
            : t with { DelayBetweenRetries = t.DelayBetweenRetries is null ? null : pollDelay }).ToEquatableArray(),
    };

    [Fact]
    public async Task The_retry_job_seed_runs_every_reachable_exit_code_of_its_map()
    {
        var seed = Seed("retry-job.yaml");
        var job = Forced(seed, "second", TimeSpan.FromMilliseconds(100));
        var cases = new (string Codes, JobStatus Status, string? Error, string Exits)[]
        {
            ("0", JobStatus.Completed, null, "first:0:Completed second:0:Completed third:0:Completed"),
            ("1", JobStatus.Failed, "ERR_FATAL", "first:0:Completed second:1:Fatal"),
            ("2,0", JobStatus.Completed, null, "first:0:Completed second:2:RestartTask second:0:Completed third:0:Completed"),
            // ERR_XYZ uses the task's 2 retries, then the job retries from the failed task (completed tasks keep their results).
            ("3,3,3,0", JobStatus.Completed, null, "first:0:Completed second:3:ErrorCode second:3:ErrorCode second:3:ErrorCode second:0:Completed third:0:Completed"),
            // Three job attempts of three task attempts each: the job's 2 retries are used up, then it fails with the task's code.
            ("3,3,3,3,3,3,3,3,3", JobStatus.Failed, "ERR_XYZ", "first:0:Completed" + string.Concat(Enumerable.Repeat(" second:3:ErrorCode", 9))),
        };

        await RunAsync(job, cases);

        // The unmodified seed: `exit {{ Random 0 3 }}` renders 0, 1 or 2 per attempt; whatever it drew, the job ends.
        var view = await _host.WaitForEndAsync(await _host.Client.SubmitAsync(seed with { DelayBetweenRetries = TimeSpan.FromMilliseconds(100) }), TimeSpan.FromMinutes(2));
        Assert.Contains(view.Status, new[] { JobStatus.Completed, JobStatus.Failed });
    }

    [Fact]
    public async Task The_sensor_job_seed_polls_until_the_resource_exists_and_runs_every_exit_code_of_its_map()
    {
        var job = Forced(Seed("sensor-job.yaml"), "second", TimeSpan.FromMilliseconds(500));
        var cases = new (string Codes, JobStatus Status, string? Error, string Exits)[]
        {
            ("0", JobStatus.Completed, null, "second:0:Completed third:0:Completed"),
            ("1", JobStatus.Failed, "ERR_TASK_EXECUTE", "second:1:Failed"),
            ("2", JobStatus.Failed, "ERR_RESTART_JOB", "second:2:RestartJob"),
            ("3", JobStatus.Completed, null, "second:3:Completed third:0:Completed"),
            ("4", JobStatus.Failed, "ERR_BLAH", "second:4:ErrorCode"),
            ("5", JobStatus.Failed, "ERR_RESTART_TASK", "second:5:RestartTask"),
        };

        var ids = await RunAsync(job, cases, skipFirst: true);

        foreach (var id in ids)
        {
            // first: the template renders the missing URL while JobElapsedSecs < 3 (404: EXECUTING, polled), then the real one.
            var first = (await _host.Jobs.EventsAsync(id)).OfType<TaskExited>().Where(e => e.TaskType == "first").ToList();
            Assert.True(first.Count >= 2, $"job {id}: first polled {first.Count} times");
            Assert.All(first[..^1], e => Assert.Equal((404, ExitActionKind.Executing), (e.ExitCode, e.Action.Kind)));
            Assert.Equal((0, ExitActionKind.Completed), (first[^1].ExitCode, first[^1].Action.Kind));
        }

        Assert.Contains(_placeholder.Requests, r => r == "GET /blaaaaahtodos/1");
        var completed = ids[0];
        var logs = await _host.Services.GetRequiredService<TaskLogs>().ReadAsync(completed, "third");
        Assert.Contains(logs, l => l.Line == "variable value is xyz");
        var artifact = Assert.Single(await _host.Services.GetRequiredService<Workflows.Executors.Artifacts.IArtifactStore>().ListAsync(completed, "third", default));
        Assert.Equal("date.txt", artifact.Name);
        Assert.True(artifact.Size > 10);
    }

    private async Task<IReadOnlyList<string>> RunAsync(JobDefinition job, (string Codes, JobStatus Status, string? Error, string Exits)[] cases, bool skipFirst = false)
    {
        var ids = new List<string>();
        foreach (var c in cases)
        {
            ids.Add(await _host.Client.SubmitAsync(job, new Dictionary<string, string> { ["Codes"] = c.Codes }));
        }

        for (var i = 0; i < cases.Length; i++)
        {
            var view = await _host.WaitForEndAsync(ids[i], TimeSpan.FromMinutes(2));
            var exits = (await _host.Jobs.EventsAsync(ids[i])).OfType<TaskExited>()
                .Where(e => !skipFirst || e.TaskType != "first")
                .Select(e => $"{e.TaskType}:{e.ExitCode}:{e.Action.Kind}");
            Assert.Equal((cases[i].Codes, cases[i].Status, cases[i].Error, cases[i].Exits), (cases[i].Codes, view.Status, view.ErrorCode, string.Join(" ", exits)));
        }

        return ids;
    }

    public async Task InitializeAsync()
    {
        _placeholder = await PlaceholderServer.StartAsync();
        _host = await RunningHost.StartAsync("seed", options =>
        {
            options.WorkerCount = 4;
            options.ImageFallbacks["alpine"] = TestInfrastructure.TestImage;
            options.HttpRedirects["https://jsonplaceholder.typicode.com"] = _placeholder.BaseAddress.ToString();
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _placeholder.DisposeAsync();
    }
}
