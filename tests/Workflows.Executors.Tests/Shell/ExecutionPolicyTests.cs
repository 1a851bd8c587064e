using System.Text;
using Workflows.Definitions;
using Workflows.Executors.Logs;
using Workflows.Executors.Secrets;
using Workflows.Executors.Shell;
using Workflows.Executors.Tests.Support;

namespace Workflows.Executors.Tests.Shell;

/// <summary>The host's execution policy for SHELL tasks, params reaching scripts safely, and secrets kept off command lines and out of artifacts.</summary>
public sealed class ExecutionPolicyTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "wf-policy-" + Guid.NewGuid().ToString("N")[..8]);
    private MemoryTaskLog _log = new();
    private readonly MemoryArtifactStore _artifacts = new();

    public void Dispose()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    private ShellExecutor Shell(ExecutionPolicy? policy = null) =>
        new(new ShellExecutorOptions { WorkRoot = _work, Policy = policy ?? new ExecutionPolicy { AllowShell = true } });

    private static TaskDefinition Task(params string[] script) => new()
    {
        TaskType = "build",
        Method = TaskMethod.Shell,
        Script = script.ToEquatableArray(),
    };

    private List<string> Stdout() => _log.Lines.Where(l => l.Source == LogSource.Stdout && !l.Line.StartsWith("$ ", StringComparison.Ordinal)).Select(l => l.Line).ToList();

    [Fact]
    public async Task Shell_tasks_are_refused_unless_the_host_allows_them()
    {
        var marker = Path.Combine(_work, "ran");
        var outcome = await new ShellExecutor(new ShellExecutorOptions { WorkRoot = _work }).RunAsync(Executions.For(Task("touch " + marker), _log, _artifacts), default);

        Assert.Equal(ExecutorErrors.MethodNotAllowed, outcome.ErrorCode);
        Assert.Null(outcome.ExitCode);
        Assert.Contains("Task 'build' uses SHELL, which this host does not allow", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("Workflows:Execution:AllowShell=true", outcome.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task A_root_host_runs_shell_tasks_as_nobody_unless_root_is_allowed()
    {
        var host = Environment.UserName;
        Assert.Equal(0, (await Shell().RunAsync(Executions.For(Task("id -un", "touch mine"), _log, _artifacts), default)).ExitCode);
        Assert.Equal(ProcessUser.IsRoot ? "nobody" : host, Stdout()[0]);

        _log = new();
        Assert.Equal(0, (await Shell(new ExecutionPolicy { AllowShell = true, AllowRoot = true }).RunAsync(Executions.For(Task("id -un"), _log, _artifacts), default)).ExitCode);
        Assert.Equal(host, Stdout()[0]);
    }

    [Fact]
    public async Task A_work_folder_the_run_as_user_cannot_reach_is_a_clear_error()
    {
        var closed = Directory.CreateTempSubdirectory("wf-closed-").FullName; // 0700, as a home folder is
        try
        {
            var outcome = await new ShellExecutor(new ShellExecutorOptions { WorkRoot = Path.Combine(closed, "work"), Policy = new ExecutionPolicy { AllowShell = true } })
                .RunAsync(Executions.For(Task("true"), _log, _artifacts), default);
            if (ProcessUser.IsRoot)
            {
                Assert.Equal(ExecutorErrors.ProcessFailed, outcome.ErrorCode);
                Assert.Contains($"who cannot reach the work folder '{Path.Combine(closed, "work")}': '{closed}' is not searchable by other users", outcome.Message, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(TaskOutcome.Exited(0), outcome);
            }
        }
        finally
        {
            Directory.Delete(closed, recursive: true);
        }
    }

    [Fact]
    public async Task Neither_the_script_nor_its_secrets_are_on_the_command_line_of_the_process()
    {
        var task = Task("tr '\\0' ' ' < /proc/$$/cmdline > cmdline.txt", "echo s3cr3t-in-script > /dev/null") with
        {
            Artifacts = new ArtifactsSpec(new[] { "cmdline.txt" }.ToEquatableArray()),
        };

        Assert.Equal(0, (await Shell().RunAsync(Executions.For(task, _log, _artifacts), default)).ExitCode);

        var saved = Assert.Single(await _artifacts.ListAsync("job-1", "build", default));
        var cmdline = _artifacts.ReadText(saved);
        Assert.Contains("sh", cmdline, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-in-script", cmdline, StringComparison.Ordinal);
        Assert.DoesNotContain("set -e", cmdline, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Artifacts_never_follow_a_symbolic_link_to_a_file_the_task_could_not_read()
    {
        var secretFolder = Directory.CreateTempSubdirectory("wf-host-only-").FullName; // 0700, the host's
        try
        {
            var secret = Path.Combine(secretFolder, "key.txt");
            File.WriteAllText(secret, "host-only-content");
            var task = Task("ln -s " + secret + " leak.txt", "mkdir out", "ln -s " + secretFolder + " out/dir", "echo fine > out/ok.txt") with
            {
                Artifacts = new ArtifactsSpec(new[] { "leak.txt", "out" }.ToEquatableArray()),
            };

            Assert.Equal(0, (await Shell().RunAsync(Executions.For(task, _log, _artifacts), default)).ExitCode);

            var saved = await _artifacts.ListAsync("job-1", "build", default);
            Assert.Equal(["out/ok.txt"], saved.Select(a => a.Name));
            Assert.Contains((LogSource.System, "artifact 'leak.txt' skipped: it is, or is inside, a symbolic link (artifacts are collected from regular files and folders only)"), _log.Lines);
            Assert.Contains(_log.Lines, l => l.Line.StartsWith("artifact 'out/dir/key.txt' skipped", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(secretFolder, recursive: true);
        }
    }

    [Fact]
    public async Task The_hosts_own_environment_does_not_reach_the_task()
    {
        Environment.SetEnvironmentVariable("Workflows__Secrets__POLICY_TEST", "host-secret-value");
        try
        {
            Assert.Equal(0, (await Shell().RunAsync(Executions.For(Task("echo \"[${Workflows__Secrets__POLICY_TEST:-}]\""), _log, _artifacts), default)).ExitCode);
            Assert.Equal("[]", Stdout()[0]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("Workflows__Secrets__POLICY_TEST", null);
        }
    }

    [Fact]
    public async Task Request_params_are_exported_as_WORKFLOWS_PARAM_variables_and_never_parsed_by_the_shell()
    {
        var execution = Executions.For(Task("printf '%s\\n' \"$WORKFLOWS_PARAM_Target\"", "printf '%s\\n' \"${WORKFLOWS_PARAM_bad_name:-unset}\""), _log, _artifacts) with
        {
            Params = new Dictionary<string, string> { ["Target"] = "$(id -un); echo injected", ["bad-name"] = "x" },
        };

        Assert.Equal(0, (await Shell().RunAsync(execution, default)).ExitCode);
        Assert.Equal(["$(id -un); echo injected", "unset"], Stdout());
    }

    [Fact]
    public async Task A_shell_quoted_param_prints_its_literal_text_and_an_unquoted_one_runs()
    {
        const string Param = "$(id -un) 'quoted' \"double\"";
        var quoted = await RunWithParamAsync("echo {{ Name | shell_quote }}", Param);
        Assert.Equal(0, quoted.ExitCode);
        Assert.Equal([Param], Stdout());

        _log = new();
        var unquoted = await RunWithParamAsync("echo {{ Name }}", "$(id -un)");
        Assert.Equal(0, unquoted.ExitCode);
        Assert.Equal([ProcessUser.IsRoot ? "nobody" : Environment.UserName], Stdout());
    }

    private async Task<AttemptResult> RunWithParamAsync(string line, string value)
    {
        var task = Task(line);
        var runner = new TaskRunner(new TaskExecutors([Shell()]), TimeProvider.System);
        var request = new AttemptRequest("job-1", new JobDefinition { JobType = "quote", Tasks = EquatableArray.Create(task) },
            new Dictionary<string, string> { ["Name"] = value }, task, 1, 0, null);
        return await runner.RunAsync(request, _log, _artifacts, CancellationToken.None, CancellationToken.None);
    }

    [Fact]
    public async Task Variables_are_exported_by_their_own_names_as_formicary_does_but_an_undeclared_param_a_secret_and_PATH_are_not()
    {
        var task = Task(
            "echo \"R=$Region L=$Level T=$Target V=$Version C=$Color\"",
            "echo \"E=${Extra-unset} S=${API_TOKEN-unset} P=$WORKFLOWS_PARAM_Extra\"",
            "test \"$PATH\" != /evil && echo path-kept") with
        {
            Variables = EquatableArray.Create(new NamedValue("Level", "3")),
        };
        var job = new JobDefinition
        {
            JobType = "exported",
            Tasks = EquatableArray.Create(task),
            JobVariables = EquatableArray.Create(new NamedValue("Region", "eu")),
            RequiredParams = EquatableArray.Create("Target"),
        };
        var runner = new TaskRunner(new TaskExecutors([Shell()]), TimeProvider.System);
        var request = new AttemptRequest("job-1", job, new Dictionary<string, string> { ["Target"] = "t1", ["Extra"] = "x", ["PATH"] = "/evil", ["Region"] = "us" }, task, 1, 0, null)
        {
            Configs = new AttemptConfigs(new Dictionary<string, string> { ["API_TOKEN"] = "tok-1b2c3d", ["Color"] = "blue" }, new HashSet<string> { "API_TOKEN" }),
            Context = new Dictionary<string, string> { ["Version"] = "1.2" },
        };

        Assert.Equal(0, (await runner.RunAsync(request, _log, _artifacts, CancellationToken.None, CancellationToken.None)).ExitCode);

        // Region: the job variable's default, overridden by the request param (a declared name).
        Assert.Equal(["R=us L=3 T=t1 V=1.2 C=blue", "E=unset S=unset P=x", "path-kept"], Stdout());
    }

    [Fact]
    public async Task Artifacts_are_masked_like_logs_text_with_stars_and_binary_byte_for_byte()
    {
        var task = Task("echo \"token={{ API_TOKEN }} end\" > out.txt", "printf 'a\\000b {{ API_TOKEN }} c' > out.bin") with
        {
            Artifacts = new ArtifactsSpec(new[] { "out.txt", "out.bin" }.ToEquatableArray()),
        };
        var runner = new TaskRunner(new TaskExecutors([Shell()]), TimeProvider.System);
        var request = new AttemptRequest("job-1", new JobDefinition { JobType = "mask", Tasks = EquatableArray.Create(task) }, new Dictionary<string, string>(), task, 1, 0, null)
        {
            Configs = new AttemptConfigs(new Dictionary<string, string> { ["API_TOKEN"] = "tok-9f8e7d" }, new HashSet<string> { "API_TOKEN" }),
        };

        Assert.Equal(0, (await runner.RunAsync(request, _log, _artifacts, CancellationToken.None, CancellationToken.None)).ExitCode);

        var saved = await _artifacts.ListAsync("job-1", "build", default);
        Assert.Equal("a\0b ********** c", _artifacts.ReadText(saved.Single(a => a.Name == "out.bin")));
        Assert.Equal("token=*** end\n", _artifacts.ReadText(saved.Single(a => a.Name == "out.txt")));
    }

    [Fact]
    public async Task Masking_finds_a_secret_across_read_boundaries_and_keeps_the_rest_byte_for_byte()
    {
        var secret = "boundary-secret";
        var text = new string('x', 81920 - 5) + secret + new string('y', 100_000) + secret;
        var store = new MaskingArtifactStore(_artifacts, ["other", secret]);
        using var source = new OneByteAtATimeAtTheEnd(Encoding.UTF8.GetBytes(text));
        var saved = await store.SaveAsync("job-1", "t", 1, "big.txt", source, null, default);
        Assert.Equal(text.Replace(secret, "***", StringComparison.Ordinal), _artifacts.ReadText(saved));
    }

    /// <summary>A stream whose reads return few bytes, so matches straddle reads.</summary>
    private sealed class OneByteAtATimeAtTheEnd(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 4099)], cancellationToken);
    }
}

/// <summary>What a host's policy refuses in a definition, for uploads and submits to warn about.</summary>
public sealed class ExecutionPolicyRefusalTests
{
    private static readonly JobDefinition Job = new()
    {
        JobType = "risky",
        Tasks = EquatableArray.Create(
            new TaskDefinition { TaskType = "sh", Method = TaskMethod.Shell, Script = EquatableArray.Create("true") },
            new TaskDefinition { TaskType = "priv", Container = new ContainerSpec("alpine"), Privileged = true, Script = EquatableArray.Create("true") },
            new TaskDefinition { TaskType = "net", Container = new ContainerSpec("alpine"), NetworkMode = "host", Script = EquatableArray.Create("true") },
            new TaskDefinition { TaskType = "fine", Container = new ContainerSpec("alpine"), Script = EquatableArray.Create("true") }),
    };

    [Fact]
    public void The_default_policy_names_each_refused_task_and_the_option()
    {
        Assert.Equal(
        [
            "Task 'sh' uses SHELL, which this host does not allow: it fails with ERR_METHOD_NOT_ALLOWED here unless Workflows:Execution:AllowShell=true.",
            "Task 'priv' asks for a privileged container, which this host does not allow: it fails with ERR_CONTAINER_NOT_ALLOWED here unless Workflows:Execution:AllowPrivilegedContainers=true.",
            "Task 'net' asks for the host's network, which this host does not allow: it fails with ERR_CONTAINER_NOT_ALLOWED here unless Workflows:Execution:AllowHostNetwork=true.",
        ], new ExecutionPolicy().Refusals(Job));
        Assert.Empty(new ExecutionPolicy { AllowShell = true, AllowPrivilegedContainers = true, AllowHostNetwork = true }.Refusals(Job));
    }

    /// <summary>A host_path volume is never mounted (least privilege, no option opens it): an upload is told so, naming each.</summary>
    [Fact]
    public void Host_path_volumes_of_a_container_or_its_services_are_named_as_not_mounted_whatever_the_policy()
    {
        var job = new JobDefinition
        {
            JobType = "mounts",
            Tasks = EquatableArray.Create(new TaskDefinition
            {
                TaskType = "build",
                Container = new ContainerSpec("alpine", Options: EquatableArray.Create(new NamedValue("volumes", """{"host_path":[{"name":"sock","mount_path":"/var/run/docker.sock","host_path":"/var/run/docker.sock"}],"empty_dir":[{"name":"certs","mount_path":"/certs"}]}"""))),
                Services = EquatableArray.Create(new Workflows.Definitions.ServiceSpec("db", "postgres", Volumes: EquatableArray.Create(
                    new VolumeSpec(VolumeKind.HostPath, "data", "/var/lib/postgresql", HostPath: "/srv/pg"), new VolumeSpec(VolumeKind.EmptyDir, "certs", "/certs")))),
                Script = EquatableArray.Create("true"),
            }),
        };

        var expected = "Task 'build' has host_path volumes (sock of its container (/var/run/docker.sock), data of service 'db' (/srv/pg)), which this host never mounts: the containers run without them. Share files between the task and its services with an empty_dir volume.";
        Assert.Equal([expected], new ExecutionPolicy().Refusals(job));
        Assert.Equal([expected], new ExecutionPolicy { AllowShell = true, AllowPrivilegedContainers = true, AllowHostNetwork = true }.Refusals(job));
    }

    [Theory]
    [InlineData("", "Execution:RunAs is required")]
    [InlineData("Bad User", "Execution:RunAs must be a user name")]
    [InlineData("no-such-user-wf", "Execution:RunAs is 'no-such-user-wf', which is not a user of this machine")]
    public void A_bad_run_as_user_is_named_at_start(string runAs, string problem)
    {
        var problems = new ExecutionPolicy { RunAs = runAs }.Problems();
        if (ProcessUser.IsRoot || !problem.Contains("not a user", StringComparison.Ordinal))
        {
            Assert.Contains(problems, p => p.StartsWith(problem, StringComparison.Ordinal));
        }

        Assert.Empty(new ExecutionPolicy().Problems());
    }
}
