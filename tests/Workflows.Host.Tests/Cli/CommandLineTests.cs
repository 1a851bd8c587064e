using System.Diagnostics;
using Workflows.Host.Tests.Support;
using Workflows.TestSupport;
using Xunit.Abstractions;

namespace Workflows.Host.Tests.Cli;

/// <summary>The <c>workflows</c> executable as a user runs it: on the local database, and against a served host with a token.</summary>
public sealed class CommandLineTests : IAsyncLifetime
{
    private const string Hello = """
        job_type: hello
        required_params: [Greeting]
        tasks:
        - task_type: greet
          method: SHELL
          script:
            - echo "{{.Greeting}} from attempt $WORKFLOWS_ATTEMPT"
            - exit {{.Code}}
          on_exit_code:
            3: ERR_THREE
        """;

    private readonly string _schema = $"wf_cli_{Guid.NewGuid().ToString("N")[..12]}";
    private readonly string _dir = Directory.CreateTempSubdirectory("workflows-host-cli-").FullName;
    private readonly WorkflowsProcess _workflows;

    public CommandLineTests(ITestOutputHelper log)
    {
        // A temp subdirectory is 0700; the host (root here) runs SHELL tasks as 'nobody', who must pass through it to the work folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        _workflows = new WorkflowsProcess(log, WorkflowsProcess.Environment(_schema, Path.Combine(_dir, "data")));
        File.WriteAllText(Path.Combine(_dir, "hello.yaml"), Hello.Replace("{{.Code}}", "{{.Code}}", StringComparison.Ordinal));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await TestInfrastructure.DropSchemaAsync(_schema);
        Directory.Delete(_dir, recursive: true);
    }

    private Task<(int ExitCode, string Out, string Err)> Run(params string[] args) => _workflows.RunAsync(_dir, args);

    [Fact]
    public async Task Configs_are_set_from_standard_input_listed_without_secret_values_and_deleted()
    {
        var (exit, _, stderr) = await _workflows.RunWithInputAsync(_dir, "t0p-s3cret\n", "configs", "set", "hello", "API_TOKEN", "--secret");
        Assert.Equal(1, exit);
        Assert.Contains("No job type 'hello'", stderr, StringComparison.Ordinal); // configs belong to a known job type

        Assert.Equal(0, (await Run("run", "hello.yaml", "-p", "Greeting=hi", "-p", "Code=0", "--wait")).ExitCode);
        (exit, var stdout, _) = await _workflows.RunWithInputAsync(_dir, "t0p-s3cret\n", "configs", "set", "hello", "API_TOKEN", "--secret");
        Assert.Equal((0, "created secret config 'API_TOKEN' of 'hello'\n"), (exit, stdout));
        (exit, stdout, _) = await Run("configs", "set", "hello", "REGION", "eu-west-1");
        Assert.Equal((0, "created config 'REGION' of 'hello'\n"), (exit, stdout));

        (exit, stdout, _) = await Run("configs", "list", "hello");
        Assert.Equal(0, exit);
        Assert.DoesNotContain("t0p-s3cret", stdout, StringComparison.Ordinal);
        Assert.Matches("API_TOKEN +\\*\\*\\* +yes +job", stdout);
        Assert.Matches("REGION +eu-west-1 +no +job", stdout);

        (exit, stdout, _) = await Run("configs", "delete", "hello", "REGION");
        Assert.Equal((0, "deleted config 'REGION' of 'hello'\n"), (exit, stdout));
        (exit, _, stderr) = await Run("configs", "delete", "hello", "REGION");
        Assert.Equal(1, exit);
        Assert.Contains("has no config named 'REGION'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_wait_runs_a_yaml_job_here_and_exits_0_when_it_completes_and_1_with_its_error_code_when_it_fails()
    {
        var (exit, stdout, _) = await Run("run", "hello.yaml", "-p", "Greeting=hi", "-p", "Code=0", "--wait");
        Assert.Equal(0, exit);
        var lines = stdout.TrimEnd('\n').Split('\n');
        Assert.Equal("definition hello version 1 (new)", lines[0]);
        Assert.Contains("  greet: attempt 1 exited 0 -> COMPLETED", lines);
        Assert.Matches("^job [0-9a-f]{32} completed$", lines[^1]);
        var completed = lines[^1].Split(' ')[1];

        (exit, stdout, _) = await Run("run", "hello.yaml", "-p", "Greeting=hi", "-p", "Code=3", "--wait");
        Assert.Equal(1, exit);
        Assert.Contains("definition hello version 1 (unchanged)", stdout, StringComparison.Ordinal);
        Assert.Matches("job [0-9a-f]{32} failed ERR_THREE \\(task 'greet'\\)\n$", stdout);

        (exit, stdout, _) = await Run("jobs", "logs", completed, "greet");
        Assert.Equal(0, exit);
        Assert.Contains("greet#1 stdout hi from attempt 1", stdout, StringComparison.Ordinal);

        (exit, stdout, _) = await Run("jobs", "list", "--status", "failed");
        Assert.Equal(0, exit);
        Assert.Contains("hello  failed", stdout, StringComparison.Ordinal);
        Assert.EndsWith("1 of 1\n", stdout, StringComparison.Ordinal);

        (exit, stdout, _) = await Run("jobs", "show", completed);
        Assert.Equal(0, exit);
        Assert.StartsWith($"job {completed} (hello v1): completed", stdout, StringComparison.Ordinal);
        Assert.Matches("greet +completed +1 +0", stdout);
    }

    [Fact]
    public async Task Jobs_retry_links_a_new_job_to_the_failed_one_and_jobs_lineage_shows_it_in_flight()
    {
        var (exit, stdout, _) = await Run("run", "hello.yaml", "-p", "Greeting=hi", "-p", "Code=3", "--wait");
        Assert.Equal(1, exit);
        var failed = stdout.TrimEnd('\n').Split('\n')[^1].Split(' ')[1];

        (exit, stdout, _) = await Run("jobs", "retry", failed, "-p", "Code=0");
        Assert.Equal(0, exit);
        Assert.Matches($"^retried {failed} as job [0-9a-f]{{32}} \\(root {failed}\\)\n$", stdout);
        var retry = stdout.Split(' ')[4];

        (exit, stdout, _) = await Run("jobs", "lineage", failed);
        Assert.Equal(0, exit);
        Assert.StartsWith($"root {failed}: 1 retry; latest {retry}; effective {retry}; in flight {retry}", stdout, StringComparison.Ordinal);
        Assert.Matches($"{retry} +{failed} +queued +0 +0 +cli:[^ ]+ +Code=0", stdout);

        string stderr;
        (exit, _, stderr) = await Run("jobs", "retry", failed);
        Assert.Equal(1, exit);
        Assert.Contains($"Retry {retry} of job {failed} is still queued or running", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_input_exits_non_zero_with_the_problem_named()
    {
        File.WriteAllText(Path.Combine(_dir, "broken.yaml"), "job_type: broken\ntasks:\n- task_type: a\n  method: SHELL\n  script: [true]\n  on_completed: b\n");
        var (exit, _, stderr) = await Run("run", "broken.yaml", "--wait");
        Assert.Equal(1, exit);
        Assert.Contains("broken.yaml(6,17): error WF0101: Task 'a' refers to unknown task 'b'", stderr, StringComparison.Ordinal);

        (exit, _, stderr) = await Run("run", "no-such-type");
        Assert.Equal(1, exit);
        Assert.Contains("Unknown job type 'no-such-type'", stderr, StringComparison.Ordinal);

        (exit, _, stderr) = await Run("run", "hello.yaml", "-p", "oops");
        Assert.Equal(2, exit);
        Assert.Contains("-p 'oops' is not key=value", stderr, StringComparison.Ordinal);

        (exit, _, stderr) = await Run("run", "hello.yaml");
        Assert.Equal(1, exit);
        Assert.Contains("requires the parameter 'Greeting'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_a_user_key_held_by_a_queued_job_answers_that_job_and_submits_nothing()
    {
        // No --wait: on the local database nothing runs the job, so it stays queued and holds its key.
        var (exit, stdout, _) = await Run("run", "hello.yaml", "-p", "Greeting=hi", "-p", "Code=0", "--user-key", "nightly-2024-05-01");
        Assert.Equal(0, exit);
        var id = System.Text.RegularExpressions.Regex.Match(stdout, "submitted job ([0-9a-f]{32}) \\(hello\\)").Groups[1].Value;
        Assert.NotEmpty(id);

        (exit, stdout, _) = await Run("run", "hello", "-p", "Greeting=hi", "-p", "Code=0", "--user-key", "nightly-2024-05-01");
        Assert.Equal(0, exit);
        Assert.StartsWith($"job {id} (hello) holds user key 'nightly-2024-05-01' and is queued: nothing submitted\n", stdout, StringComparison.Ordinal);

        (exit, stdout, _) = await Run("jobs", "list");
        Assert.Equal(0, exit);
        Assert.Single(stdout.Split('\n'), l => l.Contains("hello", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Against_a_served_host_tokens_are_needed_and_run_wait_follows_the_job_over_http()
    {
        var (exit, stdout, _) = await Run("tokens", "create", "ops", "--admin");
        Assert.Equal(0, exit);
        var token = stdout.TrimEnd('\n').Split('\n')[^1];
        Assert.Matches("^wf_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$", token);

        using var server = Process.Start(_workflows.StartInfo(_dir, "serve", "--urls", "http://127.0.0.1:0"))!;
        try
        {
            var url = await ReadAddressAsync(server);

            (exit, stdout, _) = await Run("run", "hello.yaml", "-p", "Greeting=remote", "-p", "Code=0", "--wait", "--server", url, "--token", token);
            Assert.Equal(0, exit);
            Assert.Matches("job [0-9a-f]{32} completed\n$", stdout);

            (exit, stdout, _) = await Run("jobs", "list", "--server", url, "--token", token);
            Assert.Equal(0, exit);
            Assert.Contains("hello  completed", stdout, StringComparison.Ordinal);

            string stderr;
            (exit, _, stderr) = await Run("jobs", "list", "--server", url, "--token", "wf_0123456789abcdef_wrong");
            Assert.Equal(1, exit);
            Assert.StartsWith("error: The bearer token is unknown, malformed or revoked.", stderr, StringComparison.Ordinal);
            Assert.Contains("(HTTP 401, unauthorized)", stderr, StringComparison.Ordinal);

            (exit, _, stderr) = await Run("jobs", "list", "--server", url);
            Assert.Equal(2, exit);
            Assert.Contains("--server needs a token", stderr, StringComparison.Ordinal);

            (exit, stdout, _) = await Run("tokens", "list", "--server", url, "--token", token);
            Assert.Equal(0, exit);
            Assert.Matches("ops +[0-9a-f]{16} +admin", stdout);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task An_app_of_its_own_serves_its_compiled_workflows_through_MapWorkflowsApi()
    {
        var (exit, stdout, _) = await Run("tokens", "create", "app", "--admin");
        Assert.Equal(0, exit);
        var token = stdout.TrimEnd('\n').Split('\n')[^1];
        using var app = Process.Start(_workflows.StartInfoOf(WorkflowsProcess.Samples, _dir, "serve", "--urls", "http://127.0.0.1:0"))!;
        try
        {
            var url = await ReadAddressAsync(app, "samples: listening on ");
            using var client = new HttpClient { BaseAddress = new Uri(url) };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

            var types = await client.GetStringAsync("api/jobs/definitions");
            Assert.Contains("{\"job_type\":\"retry-job\",\"source\":\"compiled\"", types, StringComparison.Ordinal);

            using var replace = await client.PostAsync("api/jobs/definitions", ServedHost.Yaml(await File.ReadAllTextAsync(Path.Combine(TestInfrastructure.RepoRoot, "samples", "legacy-yaml", "retry-job.yaml"))));
            Assert.Equal(System.Net.HttpStatusCode.Conflict, replace.StatusCode);

            (exit, stdout, _) = await Run("run", "retry-job", "--wait", "--server", url, "--token", token);
            Assert.Matches("job [0-9a-f]{32} (completed|failed [A-Z_]+ \\(task '[a-z]+'\\))\n$", stdout);
            Assert.Equal(stdout.Contains(" completed\n", StringComparison.Ordinal) ? 0 : 1, exit);
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task A_host_killed_mid_task_loses_no_job_and_the_next_host_records_the_result_once()
    {
        var (exit, stdout, _) = await Run("tokens", "create", "survivor", "--admin");
        Assert.Equal(0, exit);
        var token = stdout.TrimEnd('\n').Split('\n')[^1];
        await File.WriteAllTextAsync(Path.Combine(_dir, "slow.yaml"), "job_type: slow\ntasks:\n- task_type: work\n  method: SHELL\n  script:\n    - sleep 3\n    - echo finished\n");

        string id;
        using (var doomed = Process.Start(_workflows.StartInfo(_dir, "serve", "--urls", "http://127.0.0.1:0", "--Workflows:Lease=00:00:02"))!)
        {
            var url = await ReadAddressAsync(doomed);
            (exit, stdout, _) = await Run("run", "slow.yaml", "--server", url, "--token", token);
            Assert.Equal(0, exit);
            id = stdout.Split('\n').Single(l => l.StartsWith("submitted job ", StringComparison.Ordinal)).Split(' ')[2];
            using var client = new HttpClient { BaseAddress = new Uri(url) };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            await ServedHost.WaitAsync(client, id, j => j.Tasks!.Any(t => t.Status == Runtime.TaskRunStatus.Started));

            doomed.Kill(); // SIGKILL of the host alone, mid-task: no shutdown, no dispose
            await doomed.WaitForExitAsync();
        }

        using var survivor = Process.Start(_workflows.StartInfo(_dir, "serve", "--urls", "http://127.0.0.1:0", "--Workflows:Lease=00:00:02"))!;
        try
        {
            var url = await ReadAddressAsync(survivor);
            using var client = new HttpClient { BaseAddress = new Uri(url) };
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

            var job = await ServedHost.WaitEndedAsync(client, id);

            Assert.Equal(Runtime.JobStatus.Completed, job.Status);
            var events = await ServedHost.ReadAsync<List<Workflows.Api.Contracts.EventDto>>(await client.GetAsync($"api/jobs/requests/{id}/events"));
            Assert.Equal(1, events.Count(e => e.Type == "task_exited"));
            Assert.Equal(1, events.Count(e => e.Type == "job_completed"));
            var logs = await ServedHost.ReadAsync<List<Workflows.Api.Contracts.LogLineDto>>(await client.GetAsync($"api/jobs/requests/{id}/logs?task=work"));
            Assert.Contains(logs, l => l.Line == "finished");
        }
        finally
        {
            survivor.Kill(entireProcessTree: true);
            await survivor.WaitForExitAsync();
        }
    }

    /// <summary>The served host prints `workflows: listening on URL` once it listens (bounded wait).</summary>
    internal static async Task<string> ReadAddressAsync(Process server, string prefix = "workflows: listening on ")
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (await server.StandardOutput.ReadLineAsync(limit.Token) is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                _ = server.StandardOutput.ReadToEndAsync(CancellationToken.None);
                _ = server.StandardError.ReadToEndAsync(CancellationToken.None);
                return line[prefix.Length..];
            }
        }

        throw new InvalidOperationException("workflows serve ended without listening: " + await server.StandardError.ReadToEndAsync(CancellationToken.None));
    }
}
