using Workflows.Definitions;
using Workflows.Executors.Logs;
using Workflows.Executors.Shell;
using Workflows.Executors.Tests.Support;

namespace Workflows.Executors.Tests.Shell;

/// <summary>TaskRunner keeps the tail of stdout and stderr for retry_on output rules and retry strategies, and only for them.</summary>
public sealed class OutputTailTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("wf-tail-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private async Task<AttemptResult> RunAsync(TaskDefinition task)
    {
        var runner = new TaskRunner(new TaskExecutors([new ShellExecutor(new ShellExecutorOptions { WorkRoot = _work, Policy = new ExecutionPolicy { AllowShell = true } })]), TimeProvider.System);
        var request = new AttemptRequest("job-tail", new JobDefinition { JobType = "tail", Tasks = EquatableArray.Create(task) }, new Dictionary<string, string>(), task, 1, 0, null);
        return await runner.RunAsync(request, new MemoryTaskLog(), new MemoryArtifactStore(), CancellationToken.None, CancellationToken.None);
    }

    private static TaskDefinition Task(params RetryRule[] rules) => new()
    {
        TaskType = "fetch",
        Method = TaskMethod.Shell,
        Script = EquatableArray.Create("echo starting", "echo 'curl: connection reset by peer' >&2", "exit 7"),
        RetryRules = rules,
    };

    [Fact]
    public async Task The_tail_of_stdout_and_stderr_is_returned_when_an_output_rule_needs_it()
    {
        var result = await RunAsync(Task(new RetryRule { Output = "connection (reset|refused)", Retry = 2 }));
        Assert.Equal(7, result.ExitCode);
        Assert.Contains("starting\n", result.OutputTail, StringComparison.Ordinal);
        Assert.Contains("curl: connection reset by peer\n", result.OutputTail, StringComparison.Ordinal);
        Assert.True(RetryOutput.Matches("connection (reset|refused)", result.OutputTail));
    }

    [Fact]
    public async Task No_tail_is_kept_when_nothing_reads_it()
    {
        var result = await RunAsync(Task(new RetryRule { ExitCodes = EquatableArray.Create(7), Retry = 2 }));
        Assert.Null(result.OutputTail);
    }

    [Fact]
    public void The_tail_is_bounded_to_its_last_characters()
    {
        var log = new OutputTail(new MemoryTaskLog(), maxChars: 10);
        log.Write(LogSource.Stdout, "0123456789");
        log.Write(LogSource.System, "not output");
        log.Write(LogSource.Stderr, "abc");
        Assert.Equal("789\nabc\n", log.Tail[^8..]);
        Assert.Equal(10, log.Tail.Length);
    }
}

/// <summary>WORKFLOWS_LAST_ATTEMPT and WORKFLOWS_MAX_ATTEMPTS count every retry class and are never "last" when unbounded.</summary>
public sealed class LastAttemptTests
{
    private static IReadOnlyDictionary<string, string> Environment(TaskDefinition task, int attempt) =>
        Executions.For(task, new MemoryTaskLog(), new MemoryArtifactStore(), attempt).RuntimeEnvironment();

    [Fact]
    public void Retry_rules_add_their_retries_to_the_bound()
    {
        var task = new TaskDefinition { TaskType = "t", Retry = 1, RetryRules = EquatableArray.Create(new RetryRule { ExitCodes = EquatableArray.Create(75), Retry = 2 }) };
        Assert.Equal(("4", "false"), (Environment(task, 3)["WORKFLOWS_MAX_ATTEMPTS"], Environment(task, 3)["WORKFLOWS_LAST_ATTEMPT"]));
        Assert.Equal("true", Environment(task, 4)["WORKFLOWS_LAST_ATTEMPT"]);
    }

    [Fact]
    public void Unlimited_retries_are_never_the_last_attempt()
    {
        var task = new TaskDefinition { TaskType = "t", UnlimitedRetries = true };
        Assert.Equal(("unlimited", "false"), (Environment(task, 1000)["WORKFLOWS_MAX_ATTEMPTS"], Environment(task, 1000)["WORKFLOWS_LAST_ATTEMPT"]));
        var context = new TaskContext("j", "t", "t", 1000, task.MaxAttempts, new Dictionary<string, string>());
        Assert.Equal((null, false), (context.RemainingAttempts, context.IsLastAttempt));
    }
}
