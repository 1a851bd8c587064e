using System.Diagnostics;
using Workflows.Definitions;
using Workflows.Executors.Logs;
using Workflows.Executors.Shell;
using Workflows.Executors.Tests.Support;

namespace Workflows.Executors.Tests.Shell;

public sealed class ShellExecutorTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "wf-shell-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly MemoryTaskLog _log = new();
    private readonly MemoryArtifactStore _artifacts = new();
    private readonly ShellExecutor _shell;

    public ShellExecutorTests() => _shell = new ShellExecutor(new ShellExecutorOptions { WorkRoot = _work, Policy = new ExecutionPolicy { AllowShell = true } });

    private static TaskDefinition Task(params string[] script) => new()
    {
        TaskType = "build",
        Method = TaskMethod.Shell,
        Script = script.ToEquatableArray(),
    };

    private Task<TaskOutcome> RunAsync(TaskDefinition task, int attempt = 1, CancellationToken cancellationToken = default) =>
        _shell.RunAsync(Executions.For(task, _log, _artifacts, attempt) with { Inputs = [] }, cancellationToken);

    [Fact]
    public async Task The_first_failing_line_sets_the_exit_code_and_later_lines_do_not_run()
    {
        var outcome = await RunAsync(Task("echo one", "exit 3", "echo never"));

        Assert.Equal(3, outcome.ExitCode);
        Assert.Contains((LogSource.Stdout, "one"), _log.Lines);
        Assert.Contains((LogSource.Stdout, "$ exit 3"), _log.Lines);
        Assert.DoesNotContain(_log.Lines, l => l.Line == "never");
    }

    [Fact]
    public async Task A_failing_command_fails_the_script_with_its_own_code()
    {
        var outcome = await RunAsync(Task("ls /no/such/folder", "echo never"));
        Assert.Equal(LinuxLsMissingFileCode, outcome.ExitCode);
        Assert.Contains(_log.Lines, l => l.Source == LogSource.Stderr && l.Line.Contains("/no/such/folder", StringComparison.Ordinal));
        Assert.DoesNotContain(_log.Lines, l => l.Line == "never");
    }

    private const int LinuxLsMissingFileCode = 2;

    [Fact]
    public async Task Lines_share_one_shell_and_after_script_runs_after_a_failure_without_changing_the_code()
    {
        var task = Task("cd sub", "pwd", "exit 4") with
        {
            BeforeScript = new[] { "mkdir sub" }.ToEquatableArray(),
            AfterScript = new[] { "echo cleaning up", "exit 9" }.ToEquatableArray(),
        };

        var outcome = await RunAsync(task);

        Assert.Equal(4, outcome.ExitCode);
        Assert.Contains(_log.Lines, l => l.Line.EndsWith("/sub", StringComparison.Ordinal));
        Assert.Contains((LogSource.Stdout, "cleaning up"), _log.Lines);
        Assert.Contains((LogSource.Stderr, "after_script failed with exit code 9 (ignored)"), _log.Lines);
    }

    [Fact]
    public async Task The_environment_has_the_task_variables_the_attempt_and_env_lines_of_formicary()
    {
        var task = Task("echo \"$GREETING $WORKFLOWS_ATTEMPT $WORKFLOWS_LAST_ATTEMPT $WORKFLOWS_TASK_TYPE\"", "env NEW_ENV_VAR=xyz", "echo variable value is $NEW_ENV_VAR") with
        {
            Retry = 2,
            Environment = new[] { new NamedValue("GREETING", "hello") }.ToEquatableArray(),
        };

        Assert.Equal(0, (await RunAsync(task, attempt: 3)).ExitCode);
        Assert.Contains((LogSource.Stdout, "hello 3 true build"), _log.Lines);
        Assert.Contains((LogSource.Stdout, "variable value is xyz"), _log.Lines);
    }

    [Fact]
    public async Task Artifacts_are_collected_from_the_working_directory_and_inputs_are_placed_in_it()
    {
        var producer = Task("date > date.txt", "mkdir -p out && echo a > out/a.txt && echo b > out/b.txt") with
        {
            Artifacts = new ArtifactsSpec(new[] { "date.txt", "out", "missing.txt" }.ToEquatableArray()),
        };
        Assert.Equal(0, (await RunAsync(producer)).ExitCode);
        var saved = await _artifacts.ListAsync("job-1", "build", default);
        Assert.Equal(["date.txt", "out/a.txt", "out/b.txt"], saved.Select(a => a.Name));
        Assert.Contains(_log.Lines, l => l.Source == LogSource.System && l.Line == "artifact 'missing.txt' not found in the working directory");

        var consumer = Task("cat date.txt out/b.txt") with { TaskType = "read", Dependencies = new[] { "build" }.ToEquatableArray() };
        var execution = Executions.For(consumer, _log, _artifacts) with { Inputs = saved };
        Assert.Equal(0, (await _shell.RunAsync(execution, default)).ExitCode);
        Assert.Contains((LogSource.Stdout, _artifacts.ReadText(saved[0]).TrimEnd('\n')), _log.Lines);
        Assert.Contains((LogSource.Stdout, "b"), _log.Lines);
    }

    [Fact]
    public async Task Cancellation_kills_the_process_tree_and_the_work_folder_is_removed()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var watch = Stopwatch.StartNew();

        // An odd duration no other test uses, so the check below finds only this test's process (the Docker tests' containers run `sleep 60` on this host too).
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RunAsync(Task("sleep 61.734"), cancellationToken: cancel.Token));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.False(Directory.Exists(Path.Combine(_work, "job-1", "build-1")));
        Assert.DoesNotContain(Process.GetProcessesByName("sleep"), p => SafeCommandLine(p).Contains("61.734", StringComparison.Ordinal));
    }

    private static string SafeCommandLine(Process process)
    {
        try
        {
            return File.ReadAllText($"/proc/{process.Id}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }
}
