using System.Diagnostics;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Workflows.Definitions;
using Workflows.Executors.Artifacts;
using Workflows.Executors.Docker;
using Workflows.Runtime;
using Workflows.Executors.Logs;
using Workflows.Executors.Tests.Support;
using Workflows.TestSupport;
using Xunit.Abstractions;
using ContainerSpec = Workflows.Definitions.ContainerSpec;
using ServiceSpec = Workflows.Definitions.ServiceSpec;

namespace Workflows.Executors.Tests.Docker;

/// <summary>One executor and one engine client for the class (the executor caches which images are present).</summary>
public sealed class DockerExecutorFixture : IDisposable
{
    /// <summary>An image name no registry has, mapped to the local test image.</summary>
    public const string AliasImage = "workflows-test-alias:1";

    public DockerExecutorFixture()
    {
        Executor = new DockerExecutor(new DockerExecutorOptions
        {
            Endpoint = TestInfrastructure.DockerEndpoint,
            PullTimeout = TimeSpan.FromSeconds(20),
            ImageFallbacks = { [AliasImage] = TestInfrastructure.TestImage },
        });
        Client = new DockerClientBuilder().WithEndpoint(TestInfrastructure.DockerEndpoint).Build();
    }

    public DockerExecutor Executor { get; }

    public DockerClient Client { get; }

    public void Dispose()
    {
        Executor.Dispose();
        Client.Dispose();
    }
}

/// <summary>The DOCKER executor against the real engine and the local busybox image (scripts/infra.sh).</summary>
public sealed class DockerExecutorTests(DockerExecutorFixture fixture, ITestOutputHelper output) : IClassFixture<DockerExecutorFixture>
{
    private readonly MemoryTaskLog _log = new();
    private readonly MemoryArtifactStore _artifacts = new();
    private readonly string _jobId = "job-" + Guid.NewGuid().ToString("N")[..12];
    private int _printed;

    [Fact]
    public async Task The_first_failing_line_ends_the_script_and_its_exit_code_is_the_tasks()
    {
        var outcome = await RunAsync(DockerTask("echo a", "exit 3", "echo never"));

        Assert.Equal(TaskOutcome.Exited(3), outcome);
        Assert.Contains((LogSource.Stdout, "a"), _log.Lines);
        Assert.DoesNotContain("never", _log.Text, StringComparison.Ordinal);
        Assert.Contains((LogSource.System, "container exited with code 3"), _log.Lines.Select(l => (l.Source, Strip(l.Line))));
    }

    [Fact]
    public async Task A_successful_script_exits_0_and_before_script_runs_first()
    {
        var outcome = await RunAsync(DockerTask("echo main") with { BeforeScript = Lines("echo before") });

        Assert.Equal(TaskOutcome.Exited(0), outcome);
        var stdout = StdoutLines();
        Assert.True(stdout.IndexOf("before") < stdout.IndexOf("main"), string.Join(" | ", stdout));
    }

    [Fact]
    public async Task After_script_runs_after_a_failure_and_its_own_failure_keeps_the_exit_code()
    {
        var outcome = await RunAsync(DockerTask("exit 4") with { AfterScript = Lines("echo after", "exit 9") });

        Assert.Equal(TaskOutcome.Exited(4), outcome);
        Assert.Contains("after", StdoutLines());
        Assert.Contains((LogSource.Stderr, "after_script failed with exit code 9 (ignored)"), _log.Lines);
    }

    [Fact]
    public async Task The_container_sees_the_task_environment_and_the_runtime_variables()
    {
        var task = DockerTask("echo \"greeting=$GREETING\"", "echo \"attempt=$WORKFLOWS_ATTEMPT task=$WORKFLOWS_TASK_TYPE\"") with
        {
            Environment = new[] { new NamedValue("GREETING", "hello world") }.ToEquatableArray(),
            Retry = 2,
        };

        var outcome = await RunAsync(task, attempt: 2);

        Assert.Equal(TaskOutcome.Exited(0), outcome);
        Assert.Contains("greeting=hello world", StdoutLines());
        Assert.Contains("attempt=2 task=t", StdoutLines());
    }

    [Fact]
    public async Task An_env_line_sets_the_variable_for_later_lines()
    {
        var outcome = await RunAsync(DockerTask("env K=V", "echo \"k=$K\""));

        Assert.Equal(TaskOutcome.Exited(0), outcome);
        Assert.Contains("k=V", StdoutLines());
    }

    [Fact]
    public async Task Stdout_and_stderr_lines_reach_the_log_with_their_source_and_a_last_partial_line_is_kept()
    {
        var outcome = await RunAsync(DockerTask("echo out-line", "echo err-line >&2", "printf 'no-newline'"));

        Assert.Equal(TaskOutcome.Exited(0), outcome);
        Assert.Contains((LogSource.Stdout, "out-line"), _log.Lines);
        Assert.Contains((LogSource.Stderr, "err-line"), _log.Lines);
        Assert.Contains((LogSource.Stdout, "no-newline"), _log.Lines);
    }

    [Theory]
    [InlineData(null, "/workspace")]
    [InlineData("/srv/build", "/srv/build")]
    [InlineData("sub/dir", "/workspace/sub/dir")]
    public async Task The_script_runs_in_the_working_directory(string? workingDirectory, string expected)
    {
        var outcome = await RunAsync(DockerTask("echo \"pwd=$(pwd)\"") with { WorkingDirectory = workingDirectory });

        Assert.Equal(TaskOutcome.Exited(0), outcome);
        Assert.Contains("pwd=" + expected, StdoutLines());
    }

    [Fact]
    public async Task Artifact_paths_are_copied_out_and_a_missing_one_is_only_logged()
    {
        var task = DockerTask("date > date.txt", "mkdir -p out/deep", "echo report > out/deep/r.txt") with
        {
            Artifacts = new ArtifactsSpec(Lines("date.txt", "out", "missing.txt")),
        };

        var outcome = await RunAsync(task);

        Assert.Equal(TaskOutcome.Exited(0), outcome);
        var saved = await _artifacts.ListAsync(_jobId, "t", CancellationToken.None);
        Assert.Equal(new[] { "date.txt", "out/deep/r.txt" }, saved.Select(a => a.Name));
        Assert.All(saved, a => Assert.Equal(1, a.Attempt));
        Assert.NotEmpty(_artifacts.ReadText(saved[0]).Trim());
        Assert.Equal("report\n", _artifacts.ReadText(saved[1]));
        Assert.Contains((LogSource.System, "artifact 'missing.txt' not found"), _log.Lines);
        Assert.Contains(_log.Lines, l => l.Source == LogSource.System && l.Line.StartsWith("artifact 'date.txt' saved", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ArtifactsWhen.OnSuccess, 0, true)]
    [InlineData(ArtifactsWhen.OnSuccess, 2, false)]
    [InlineData(ArtifactsWhen.OnFailure, 2, true)]
    public async Task Artifacts_follow_their_when(ArtifactsWhen collectWhen, int exitCode, bool collected)
    {
        var task = DockerTask("echo x > x.txt", $"exit {exitCode}") with { Artifacts = new ArtifactsSpec(Lines("x.txt"), When: collectWhen) };

        var outcome = await RunAsync(task);

        Assert.Equal(TaskOutcome.Exited(exitCode), outcome);
        var saved = await _artifacts.ListAsync(_jobId, "t", CancellationToken.None);
        Assert.Equal(collected ? 1 : 0, saved.Count);
    }

    [Fact]
    public async Task Artifacts_of_dependencies_are_in_the_working_directory_before_the_script_runs()
    {
        var first = await Save("in.txt", "from build\n");
        var second = await Save("nested/dir/n.txt", "nested input\n");

        var outcome = await RunAsync(DockerTask("cat in.txt", "cat nested/dir/n.txt"), inputs: [first, second]);

        Assert.Equal(TaskOutcome.Exited(0), outcome);
        Assert.Contains("from build", StdoutLines());
        Assert.Contains("nested input", StdoutLines());
    }

    [Fact]
    public async Task An_image_that_is_absent_and_cannot_be_pulled_fails_with_image_not_found_naming_it()
    {
        var image = "workflows-test-no-such-image:" + Guid.NewGuid().ToString("N")[..8];

        var outcome = await RunAsync(DockerTask("echo never") with { Container = new ContainerSpec(image) });

        Assert.Equal(ExecutorErrors.ImageNotFound, outcome.ErrorCode);
        Assert.Null(outcome.ExitCode);
        Assert.Contains($"'{image}'", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("docker pull", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("docker load", outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain((LogSource.Stdout, "never"), _log.Lines);
    }

    [Fact]
    public async Task An_image_fallback_stands_in_for_an_image_that_cannot_be_pulled()
    {
        var outcome = await RunAsync(DockerTask("echo stand-in ran") with { Container = new ContainerSpec(DockerExecutorFixture.AliasImage) });

        Assert.Equal(TaskOutcome.Exited(0), outcome);
        Assert.Contains("stand-in ran", StdoutLines());
        Assert.Contains(_log.Lines, l => l.Source == LogSource.System && l.Line.Contains("stand-in", StringComparison.Ordinal)
            && l.Line.Contains(TestInfrastructure.TestImage, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Limits_are_applied_and_an_invalid_one_is_ignored_with_a_log_line()
    {
        var task = DockerTask("echo limited") with
        {
            Container = new ContainerSpec(TestInfrastructure.TestImage, CpuLimit: "500m", MemoryLimit: "lots"),
        };

        var outcome = await RunAsync(task);

        Assert.Equal(TaskOutcome.Exited(0), outcome);
        Assert.Contains("limited", StdoutLines());
        Assert.Contains(_log.Lines, l => l.Source == LogSource.System && l.Line.StartsWith("memory limit 'lots' ignored", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_retry_rules_memory_factor_reaches_the_next_attempts_container()
    {
        // exit 137 (out of memory) with 'memory_factor: 2': the decider records 128Mi on the retry, and the worker runs
        // the attempt as JobState.TaskToRun gives it.
        var task = DockerTask("cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes") with
        {
            Container = new ContainerSpec(TestInfrastructure.TestImage, MemoryLimit: "64Mi"),
            RetryRules = EquatableArray.Create(new RetryRule { ExitCodes = EquatableArray.Create(137), Retry = 1, MemoryFactor = 2 }),
        };
        var definition = new JobDefinition { JobType = "oom", Tasks = EquatableArray.Create(task) };
        var state = JobState.Initial;
        var now = new DecisionContext(DateTimeOffset.UnixEpoch);
        foreach (JobCommand command in new JobCommand[] { new RequestJob(_jobId, definition, new JobRequest()), new StartJob(), new StartTask(task.TaskType, 1), new ReportTaskResult(task.TaskType, 1, 137) })
        {
            state = JobDecider.Decide(command, state, now).Aggregate(state, JobDecider.Evolve);
        }

        var retried = state.TaskToRun(task.TaskType)!;
        Assert.Equal("128Mi", retried.Container!.MemoryLimit);

        var outcome = await RunAsync(retried, attempt: 2);

        Assert.Equal(TaskOutcome.Exited(0), outcome);
        Assert.Equal((128L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), StdoutLines().Last());
    }

    [Fact]
    public async Task Cancellation_kills_the_container_throws_promptly_and_leaves_no_container()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var execution = Executions.For(DockerTask("sleep 60"), _log, _artifacts, jobId: _jobId);
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fixture.Executor.RunAsync(execution, cancellation.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"returned after {clock.Elapsed}");
        Assert.Empty(await ContainersOfJob());
    }

    [Fact]
    public async Task The_container_is_removed_after_a_success_and_after_a_failure()
    {
        await RunAsync(DockerTask("echo ok"));
        await RunAsync(DockerTask("exit 1"), attempt: 2);

        Assert.Empty(await ContainersOfJob());
        Assert.Equal(2, _log.Lines.Count(l => l.Source == LogSource.System && l.Line.EndsWith(" removed", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Services_share_the_tasks_network_namespace_as_in_a_pod_reachable_at_localhost_and_by_alias_and_are_removed_with_their_network()
    {
        var task = DockerTask(
            "wget -qO- http://web:8080/etc/hostname > /dev/null && echo reached web",
            "wget -qO- http://localhost:8080/etc/hostname > /dev/null && echo reached localhost",
            "ping -c 1 -W 2 cache > /dev/null && echo reached cache") with
        {
            Services = EquatableArray.Create(
                new ServiceSpec("httpd", DockerExecutorFixture.AliasImage, Alias: "web", Command: Lines("httpd", "-f", "-p", "8080", "-h", "/"), Ports: Lines("""{"number":8080}""")),
                new ServiceSpec("cache", TestInfrastructure.TestImage, Command: Lines("sleep", "60"))),
        };

        var outcome = await RunAsync(task);

        Assert.Equal(TaskOutcome.Exited(0), outcome);
        Assert.Equal(["reached web", "reached localhost", "reached cache"], StdoutLines().Where(l => !l.StartsWith('$')));
        Assert.Contains(_log.Lines, l => l.Source == LogSource.System && l.Line == "service 'httpd' (" + TestInfrastructure.TestImage + ") started as web and localhost, ready on port 8080");
        Assert.Empty(await ContainersOfJob());
        var networks = await fixture.Client.Networks.ListNetworksAsync(new NetworksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { ["workflows.job=" + _jobId] = true } },
        });
        Assert.Empty(networks);
    }

    /// <summary>
    /// formicary's dind example (docs/dind.md): "container: volumes: empty_dir: - name: certs" in the task and the same
    /// "empty_dir: - name: certs" in the service share one volume, as a pod's containers do; the service's cpu_limit and
    /// memory_limit are its container's; a host_path is not mounted (no host folder, as for the task's container).
    /// </summary>
    [Fact]
    public async Task A_services_limits_apply_its_empty_dir_is_shared_with_the_task_its_host_path_is_not_mounted_and_its_volume_is_removed_after()
    {
        var task = DockerTask(
            "while [ ! -f /shared/go ] || [ ! -f /shared/from-service ]; do sleep 0.1; done",
            "cat /shared/from-service") with
        {
            Container = new ContainerSpec(TestInfrastructure.TestImage, Options: EquatableArray.Create(new NamedValue("volumes", """{"empty_dir":[{"name":"certs","mount_path":"/shared"}]}"""))),
            Services = EquatableArray.Create(new ServiceSpec("db", TestInfrastructure.TestImage,
                Command: Lines("sh", "-c", "echo written by the service > /certs/from-service && sleep 60"),
                CpuLimit: "500m", MemoryLimit: "48Mi",
                Volumes: EquatableArray.Create(new VolumeSpec(VolumeKind.EmptyDir, "certs", "/certs"), new VolumeSpec(VolumeKind.HostPath, "root", "/host", HostPath: "/")))),
        };

        var run = RunAsync(task);
        var service = await RunningContainerOfJob(c => c.Labels.ContainsKey("workflows.service"));
        var container = await RunningContainerOfJob(c => !c.Labels.ContainsKey("workflows.service"));
        var inspected = await fixture.Client.Containers.InspectContainerAsync(service.ID);
        Assert.Equal(48L * 1024 * 1024, inspected.HostConfig!.Memory);
        Assert.Equal(500_000_000L, inspected.HostConfig.NanoCPUs);
        var mount = Assert.Single(inspected.Mounts);
        Assert.Equal(("volume", "/certs"), (mount.Type, mount.Destination));
        var taskMount = Assert.Single((await fixture.Client.Containers.InspectContainerAsync(container.ID)).Mounts);
        Assert.Equal(("volume", mount.Name, "/shared"), (taskMount.Type, taskMount.Name, taskMount.Destination));

        // Let the task go on: a file put into its /shared (the archive API writes through the mount).
        using var tar = new MemoryStream();
        await using (var writer = new System.Formats.Tar.TarWriter(tar, leaveOpen: true))
        {
            await writer.WriteEntryAsync(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "go") { DataStream = new MemoryStream([]) });
        }

        tar.Position = 0;
        await fixture.Client.Containers.ExtractArchiveToContainerAsync(container.ID, new CopyToContainerParameters { Path = "/shared" }, tar);
        var outcome = await run;

        Assert.Equal(TaskOutcome.Exited(0), outcome);
        Assert.Equal(["written by the service"], StdoutLines().Where(l => !l.StartsWith('$')));
        Assert.Contains(_log.Lines, l => l.Source == LogSource.System && l.Line.StartsWith("service 'db': host_path volume 'root' (/) not mounted: this host mounts no host folders into containers", StringComparison.Ordinal));
        var volumes = await fixture.Client.Volumes.ListAsync(new VolumesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { ["workflows.job=" + _jobId] = true } },
        });
        Assert.Empty(volumes.Volumes ?? []);
    }

    [Fact]
    public async Task An_invalid_service_limit_is_ignored_with_a_log_line_naming_the_service()
    {
        var task = DockerTask("echo ran") with { Services = EquatableArray.Create(new ServiceSpec("db", TestInfrastructure.TestImage, Command: Lines("sleep", "60"), MemoryLimit: "lots")) };

        var outcome = await RunAsync(task);

        Assert.Equal(TaskOutcome.Exited(0), outcome);
        Assert.Contains(_log.Lines, l => l.Source == LogSource.System && l.Line == "service 'db': memory limit 'lots' ignored: not a size such as 512Mi, 1Gi or 256m");
    }

    [Fact]
    public async Task A_service_that_never_listens_fails_the_attempt_naming_it_and_leaves_nothing_behind()
    {
        await using var quick = new DockerExecutor(new DockerExecutorOptions { Endpoint = TestInfrastructure.DockerEndpoint, ServiceReadyTimeout = TimeSpan.FromSeconds(2) });
        var task = DockerTask("echo never") with { TaskType = "build", Services = EquatableArray.Create(new ServiceSpec("db", TestInfrastructure.TestImage, Command: Lines("sleep", "60"), Ports: Lines("5432"))) };

        var outcome = await quick.RunAsync(Executions.For(task, _log, _artifacts, jobId: _jobId), CancellationToken.None);

        Assert.Equal(ExecutorErrors.ContainerFailed, outcome.ErrorCode);
        Assert.Equal("Service 'db' of task 'build' did not accept connections on port 5432 within 2 s: check its image, command and ports (the port its process listens on).", outcome.Message);
        Assert.DoesNotContain("never", _log.Text, StringComparison.Ordinal);
        Assert.Empty(await ContainersOfJob());
    }

    [Fact]
    public async Task Services_beside_the_host_network_are_refused_naming_both()
    {
        var outcome = await RunAsync(DockerTask("echo x") with { TaskType = "build", NetworkMode = "bridge", Services = EquatableArray.Create(new ServiceSpec("db", TestInfrastructure.TestImage)) });

        Assert.Equal(ExecutorErrors.ContainerFailed, outcome.ErrorCode);
        Assert.Equal("Task 'build' has services and network_mode 'bridge': services are reached on a network of the task's own. Remove the network setting, or the services.", outcome.Message);
    }

    [Fact]
    public async Task A_task_without_a_container_fails_with_a_message_naming_the_task_and_the_fix()
    {
        var outcome = await RunAsync(DockerTask("echo x") with { TaskType = "build", Container = null });

        Assert.Equal(ExecutorErrors.ContainerFailed, outcome.ErrorCode);
        Assert.Contains("'build'", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("container: image:", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubernetes_tasks_run_only_when_the_operator_opts_in()
    {
        var task = DockerTask("echo as docker") with { Method = TaskMethod.Kubernetes };
        Assert.Equal(new[] { TaskMethod.Docker }, fixture.Executor.Methods);
        var refused = await RunAsync(task);
        Assert.Equal(ExecutorErrors.MethodNotSupported, refused.ErrorCode);
        Assert.Contains("RunKubernetesAsDocker", refused.Message, StringComparison.Ordinal);

        await using var local = new DockerExecutor(new DockerExecutorOptions { Endpoint = TestInfrastructure.DockerEndpoint, RunKubernetesAsDocker = true });
        Assert.Contains(TaskMethod.Kubernetes, local.Methods);
        var outcome = await local.RunAsync(Executions.For(task, _log, _artifacts, jobId: _jobId), CancellationToken.None);

        Assert.Equal(TaskOutcome.Exited(0), outcome);
        Assert.Contains("as docker", StdoutLines());
        Assert.Empty(await ContainersOfJob());
    }

    [Fact]
    public async Task An_unreachable_engine_fails_with_container_failed_naming_the_endpoint()
    {
        var endpoint = new Uri("unix:///tmp/workflows-no-engine-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
        await using var executor = new DockerExecutor(new DockerExecutorOptions { Endpoint = endpoint });

        var outcome = await executor.RunAsync(Executions.For(DockerTask("echo x"), _log, _artifacts, jobId: _jobId), CancellationToken.None);

        Assert.Equal(ExecutorErrors.ContainerFailed, outcome.ErrorCode);
        Assert.Contains(endpoint.ToString(), outcome.Message, StringComparison.Ordinal);
        Assert.Contains("dockerd", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_options_are_reported_together()
    {
        var error = Assert.Throws<ArgumentException>(() => new DockerExecutor(new DockerExecutorOptions
        {
            PullTimeout = TimeSpan.Zero,
            DefaultWorkingDirectory = "relative",
        }));

        Assert.Contains("PullTimeout", error.Message, StringComparison.Ordinal);
        Assert.Contains("DefaultWorkingDirectory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Privileged_containers_and_the_host_network_are_refused_unless_the_host_allows_them()
    {
        var privileged = await RunAsync(DockerTask("echo ran") with { Privileged = true });
        Assert.Equal(ExecutorErrors.ContainerNotAllowed, privileged.ErrorCode);
        Assert.Contains("Task 't' asks for a privileged container", privileged.Message, StringComparison.Ordinal);
        Assert.Contains("Workflows:Execution:AllowPrivilegedContainers=true", privileged.Message, StringComparison.Ordinal);

        var hostNetwork = await RunAsync(DockerTask("echo ran") with { HostNetwork = true });
        Assert.Equal(ExecutorErrors.ContainerNotAllowed, hostNetwork.ErrorCode);
        Assert.Contains("Workflows:Execution:AllowHostNetwork=true", hostNetwork.Message, StringComparison.Ordinal);

        var networkMode = await RunAsync(DockerTask("echo ran") with { NetworkMode = "host" });
        Assert.Equal(ExecutorErrors.ContainerNotAllowed, networkMode.ErrorCode);
        Assert.Contains("network_mode: host", networkMode.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ran", StdoutLines());

        await using var allowing = new DockerExecutor(new DockerExecutorOptions
        {
            Endpoint = TestInfrastructure.DockerEndpoint,
            Policy = new ExecutionPolicy { AllowHostNetwork = true },
        });
        var allowed = await allowing.RunAsync(Executions.For(DockerTask("echo ran") with { HostNetwork = true }, _log, _artifacts, 1, _jobId), default);
        Assert.Equal(TaskOutcome.Exited(0), allowed);
        Assert.Contains("ran", StdoutLines());
    }

    [Fact]
    public async Task The_script_and_its_secrets_are_not_in_the_containers_command()
    {
        var outcome = await RunAsync(DockerTask("echo \"CMD:$(tr '\\0\\n' '  ' < /proc/1/cmdline)\"", ": s3cr3t-in-script"));

        Assert.Equal(TaskOutcome.Exited(0), outcome);
        var cmdline = Assert.Single(StdoutLines(), l => l.StartsWith("CMD:", StringComparison.Ordinal));
        Assert.Contains("sh", cmdline, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-in-script", cmdline, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_params_reach_the_container_as_WORKFLOWS_PARAM_variables()
    {
        var execution = Executions.For(DockerTask("printf '%s\\n' \"P:$WORKFLOWS_PARAM_Target\""), _log, _artifacts, 1, _jobId) with
        {
            Params = new Dictionary<string, string> { ["Target"] = "$(id -un)" },
        };
        Assert.Equal(TaskOutcome.Exited(0), await fixture.Executor.RunAsync(execution, default));
        Assert.Contains("P:$(id -un)", StdoutLines());
    }

    private static TaskDefinition DockerTask(params string[] script) => new()
    {
        TaskType = "t",
        Method = TaskMethod.Docker,
        Container = new ContainerSpec(TestInfrastructure.TestImage),
        Script = script.ToEquatableArray(),
    };

    private static EquatableArray<string> Lines(params string[] lines) => lines.ToEquatableArray();

    /// <summary>A System line without its container id (e.g. "container 1a2b3c4d5e6f exited with code 3").</summary>
    private static string Strip(string line) =>
        System.Text.RegularExpressions.Regex.Replace(line, "^container [0-9a-f]{12} ", "container ");

    private async Task<TaskOutcome> RunAsync(TaskDefinition task, int attempt = 1, IReadOnlyList<ArtifactInfo>? inputs = null)
    {
        var execution = Executions.For(task, _log, _artifacts, attempt, _jobId) with { Inputs = inputs ?? [] };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var outcome = await fixture.Executor.RunAsync(execution, timeout.Token);
        foreach (var (source, line) in _log.Lines.Skip(_printed))
        {
            output.WriteLine($"{source,-6} {line}");
        }

        _printed = _log.Lines.Count;

        output.WriteLine(outcome.ToString());
        Assert.Empty(await ContainersOfJob());
        return outcome;
    }

    private List<string> StdoutLines() => _log.Lines.Where(l => l.Source == LogSource.Stdout).Select(l => l.Line).ToList();

    private async Task<ArtifactInfo> Save(string name, string text)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return await _artifacts.SaveAsync("job-before", "build", 1, name, content, null, CancellationToken.None);
    }

    /// <summary>The job's running container that <paramref name="which"/> picks, once the executor has started it.</summary>
    private async Task<ContainerListResponse> RunningContainerOfJob(Func<ContainerListResponse, bool> which)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            if ((await ContainersOfJob()).FirstOrDefault(c => c.State == "running" && which(c)) is { } found)
            {
                return found;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
        }
    }

    private async Task<IList<ContainerListResponse>> ContainersOfJob() =>
        await fixture.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { ["workflows.job=" + _jobId] = true } },
        });
}

/// <summary>The executor's pure parts: line assembly, limits, paths and names.</summary>
public sealed class DockerExecutorPartsTests
{
    [Fact]
    public void Lines_split_across_chunks_and_characters_split_across_chunks_are_joined()
    {
        var lines = new List<string>();
        var assembler = new LineAssembler(lines.Add);
        var bytes = Encoding.UTF8.GetBytes("one\r\ntw€o\nthr");

        foreach (var b in bytes)
        {
            assembler.Append([b]);
        }

        Assert.Equal(new[] { "one", "tw€o" }, lines);
        assembler.Append(Encoding.UTF8.GetBytes("ee\n\nlast"));
        assembler.Flush();
        Assert.Equal(new[] { "one", "tw€o", "three", "", "last" }, lines);
    }

    [Fact]
    public void A_line_that_never_ends_is_emitted_in_pieces()
    {
        var lines = new List<string>();
        var assembler = new LineAssembler(lines.Add);

        assembler.Append(Encoding.ASCII.GetBytes(new string('x', LineAssembler.MaxLineLength + 10)));
        assembler.Flush();

        Assert.Equal(new[] { LineAssembler.MaxLineLength, 10 }, lines.Select(l => l.Length));
    }

    [Theory]
    [InlineData("512Mi", 512L << 20)]
    [InlineData("1Gi", 1L << 30)]
    [InlineData("256m", 256L << 20)]
    [InlineData("1g", 1L << 30)]
    [InlineData("64MB", 64L << 20)]
    [InlineData("1.5Gi", 3L << 29)]
    [InlineData("1048576", 1048576L)]
    public void Memory_limits_parse_as_binary_sizes(string text, long bytes)
    {
        Assert.True(ContainerLimits.TryParseMemory(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("-1Gi")]
    [InlineData("0")]
    [InlineData("1Qi")]
    public void Invalid_memory_limits_do_not_parse(string text) => Assert.False(ContainerLimits.TryParseMemory(text, out _));

    [Theory]
    [InlineData("0.5", 500_000_000L)]
    [InlineData("500m", 500_000_000L)]
    [InlineData("2", 2_000_000_000L)]
    [InlineData(" 250m ", 250_000_000L)]
    public void Cpu_limits_parse_as_nano_cpus(string text, long nanoCpus)
    {
        Assert.True(ContainerLimits.TryParseCpu(text, out var parsed));
        Assert.Equal(nanoCpus, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("half")]
    [InlineData("-1")]
    [InlineData("0")]
    public void Invalid_cpu_limits_do_not_parse(string text) => Assert.False(ContainerLimits.TryParseCpu(text, out _));

    [Theory]
    [InlineData("date.txt", "/workspace/date.txt", "date.txt")]
    [InlineData("./out/", "/workspace/out", "out")]
    [InlineData("/workspace/out/r.json", "/workspace/out/r.json", "out/r.json")]
    [InlineData("/var/log/app.log", "/var/log/app.log", "var/log/app.log")]
    [InlineData(".", "/workspace", "")]
    public void Artifact_paths_map_to_container_paths_and_names(string path, string containerPath, string name)
    {
        Assert.Equal((containerPath, name), ContainerArchives.ArtifactSource("/workspace", path));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../etc/passwd")]
    [InlineData("/workspace/../etc")]
    public void Artifact_paths_that_name_nothing_or_leave_are_refused(string path) =>
        Assert.Null(ContainerArchives.ArtifactSource("/workspace", path));

    [Theory]
    [InlineData("date.txt", "date.txt", "date.txt")]
    [InlineData("build/out", "out/", "build/out")]
    [InlineData("build/out", "out/a/b.txt", "build/out/a/b.txt")]
    [InlineData("", "workspace/a.txt", "a.txt")]
    public void Tar_entries_are_named_relative_to_the_working_directory(string name, string entry, string expected) =>
        Assert.Equal(expected, ContainerArchives.EntryArtifactName(name, entry));

    [Fact]
    public void Container_names_keep_only_characters_docker_accepts()
    {
        var execution = Executions.For(new TaskDefinition { TaskType = "build app/v2" }, new MemoryTaskLog(), new MemoryArtifactStore(), 3, "job:42");

        var name = DockerExecutor.ContainerName(execution);

        Assert.Matches("^wf-job-42-build-app-v2-3-[0-9a-f]{8}$", name);
        Assert.NotEqual(name, DockerExecutor.ContainerName(execution));
    }
}
