using System.Diagnostics;
using Workflows.Api.Contracts;
using Workflows.Host.Tests.Support;
using Workflows.Runtime;
using Workflows.TestSupport;
using Xunit.Abstractions;

namespace Workflows.Host.Tests.Cli;

/// <summary>Paused jobs outlive their host: real <c>workflows serve</c> processes, one killed with SIGKILL while the job is paused, another resuming it.</summary>
public sealed class PauseCommandLineTests : IAsyncLifetime
{
    private readonly string _schema = $"wf_pause_{Guid.NewGuid().ToString("N")[..12]}";
    private readonly string _dir = Directory.CreateTempSubdirectory("workflows-host-pause-").FullName;
    private readonly WorkflowsProcess _workflows;

    public PauseCommandLineTests(ITestOutputHelper log)
    {
        // The host (root here) runs SHELL tasks as 'nobody', who must pass through the temp folder to the work folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        _workflows = new WorkflowsProcess(log, WorkflowsProcess.Environment(_schema, Path.Combine(_dir, "data")));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await TestInfrastructure.DropSchemaAsync(_schema);
        Directory.Delete(_dir, recursive: true);
    }

    private Task<(int ExitCode, string Out, string Err)> Run(params string[] args) => _workflows.RunAsync(_dir, args);

    [Fact]
    public async Task A_PAUSE_JOB_pause_survives_a_SIGKILL_of_its_host_and_the_next_host_resumes_it_after_the_pause_time()
    {
        var token = await AdminTokenAsync("pauser");
        await File.WriteAllTextAsync(Path.Combine(_dir, "pausing.yaml"), """
            job_type: pausing
            pause_time: 4s
            tasks:
            - task_type: work
              method: SHELL
              script:
                - echo "job retry {{.JobRetry}}"
                - exit {{ if lt .JobRetry 1 }}1{{ else }}0{{ end }}
              on_exit_code:
                1: PAUSE_JOB
            """);

        string id;
        DateTimeOffset killedAt;
        using (var doomed = Serve())
        {
            var url = await CommandLineTests.ReadAddressAsync(doomed);
            using var client = Client(url, token);
            id = await SubmitAsync("pausing.yaml", url, token);
            await ServedHost.WaitAsync(client, id, j => j.Status == JobStatus.Paused);
            doomed.Kill(); // SIGKILL of the host alone, while the job is paused: no shutdown, no dispose
            await doomed.WaitForExitAsync();
            killedAt = DateTimeOffset.UtcNow;
        }

        using var survivor = Serve();
        try
        {
            using var client = Client(await CommandLineTests.ReadAddressAsync(survivor), token);
            var job = await ServedHost.WaitEndedAsync(client, id);
            Assert.Equal((JobStatus.Completed, 1), (job.Status, job.Pauses));
            var events = await ServedHost.ReadAsync<List<EventDto>>(await client.GetAsync($"api/jobs/requests/{id}/events"));
            var paused = events.Single(e => e.Type == "job_paused");
            var resumed = events.Last(e => e.Type == "task_started");
            Assert.True(resumed.At > killedAt, $"the resumed attempt started at {resumed.At:O}, before the first host died at {killedAt:O}");
            Assert.True(resumed.At >= paused.Data.GetProperty("resume_at").GetDateTimeOffset(), "resumed before its pause time");
            var logs = await ServedHost.ReadAsync<List<LogLineDto>>(await client.GetAsync($"api/jobs/requests/{id}/logs?task=work"));
            Assert.Equal(["job retry 0", "job retry 1"], logs.Where(l => l.Source == "stdout" && l.Line.StartsWith("job retry", StringComparison.Ordinal)).Select(l => l.Line));
        }
        finally
        {
            survivor.Kill(entireProcessTree: true);
            await survivor.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Jobs_pause_holds_a_job_through_a_SIGKILL_of_its_host_and_jobs_resume_on_the_next_host_finishes_it()
    {
        var token = await AdminTokenAsync("operator");
        await File.WriteAllTextAsync(Path.Combine(_dir, "steps.yaml"), """
            job_type: steps
            tasks:
            - task_type: slow
              method: SHELL
              script:
                - sleep 3
                - echo slow done
              on_completed: next
            - task_type: next
              method: SHELL
              script:
                - echo next ran
            """);

        string id;
        using (var doomed = Serve())
        {
            var url = await CommandLineTests.ReadAddressAsync(doomed);
            using var client = Client(url, token);
            id = await SubmitAsync("steps.yaml", url, token);
            await ServedHost.WaitAsync(client, id, j => j.Tasks!.Any(t => t.TaskType == "slow" && t.Status == TaskRunStatus.Started));

            var (exit, stdout, _) = await Run("jobs", "pause", id, "--server", url, "--token", token);
            Assert.Equal((0, $"job {id} running: pauses when its running task ends\n"), (exit, stdout));
            await ServedHost.WaitAsync(client, id, j => j.Status == JobStatus.Paused);
            (exit, stdout, _) = await Run("jobs", "show", id, "--server", url, "--token", token);
            Assert.Contains($"  paused by operator: it waits for `workflows jobs resume {id}`\n", stdout, StringComparison.Ordinal);

            doomed.Kill(); // SIGKILL while the job is held
            await doomed.WaitForExitAsync();
        }

        using var survivor = Serve();
        try
        {
            var url = await CommandLineTests.ReadAddressAsync(survivor);
            using var client = Client(url, token);
            var held = await ServedHost.ReadAsync<JobDto>(await client.GetAsync($"api/jobs/requests/{id}"));
            Assert.Equal((JobStatus.Paused, "operator"), (held.Status, held.PausedBy));

            var (exit, stdout, _) = await Run("jobs", "resume", id, "--server", url, "--token", token);
            Assert.Equal(0, exit);
            Assert.Matches($"^job {id} (running|completed)\n$", stdout); // its next task may already have run
            var job = await ServedHost.WaitEndedAsync(client, id);
            Assert.Equal(JobStatus.Completed, job.Status);
            var logs = await ServedHost.ReadAsync<List<LogLineDto>>(await client.GetAsync($"api/jobs/requests/{id}/logs"));
            Assert.Equal(["slow done", "next ran"], logs.Where(l => l.Source == "stdout" && !l.Line.StartsWith('$')).Select(l => l.Line));

            string stderr;
            (exit, _, stderr) = await Run("jobs", "resume", id, "--server", url, "--token", token);
            Assert.Equal(1, exit);
            Assert.Contains($"Job {id} is completed, not paused", stderr, StringComparison.Ordinal);
            Assert.Contains("(HTTP 409, job_not_paused)", stderr, StringComparison.Ordinal);
        }
        finally
        {
            survivor.Kill(entireProcessTree: true);
            await survivor.WaitForExitAsync();
        }
    }

    private Process Serve() => Process.Start(_workflows.StartInfo(_dir, "serve", "--urls", "http://127.0.0.1:0", "--Workflows:Lease=00:00:02"))!;

    private async Task<string> AdminTokenAsync(string name)
    {
        var (exit, stdout, _) = await Run("tokens", "create", name, "--admin");
        Assert.Equal(0, exit);
        return stdout.TrimEnd('\n').Split('\n')[^1];
    }

    private static HttpClient Client(string url, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<string> SubmitAsync(string file, string url, string token)
    {
        var (exit, stdout, _) = await Run("run", file, "--server", url, "--token", token);
        Assert.Equal(0, exit);
        return stdout.Split('\n').Single(l => l.StartsWith("submitted job ", StringComparison.Ordinal)).Split(' ')[2];
    }
}
