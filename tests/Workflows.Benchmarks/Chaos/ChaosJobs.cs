using Workflows.Definitions;

namespace Workflows.Benchmarks.Chaos;

/// <summary>The kinds of job a chaos run submits; each completes when nothing is lost (a retry or a poll included).</summary>
internal static class ChaosJobs
{
    public const string ChildType = "chaos-child";

    public static readonly string[] Kinds = ["shell", "retry", "container", "http", "polling", "fork"];

    /// <summary>The job forked by the <c>fork</c> kind (stored as a definition, as a host resolves it by type).</summary>
    public static JobDefinition Child { get; } = Workflow.Create(ChildType, job => job.Task("child").Shell().Script("sleep 1", "echo child")).Definition;

    public static JobDefinition Of(string kind, int httpPort, string image) => kind switch
    {
        "shell" => Workflow.Create("chaos-shell", job => job
            .Task("one").Shell().Script("sleep 1", "echo one").OnCompleted("two")
            .Task("two").Shell().Script("sleep 1", "echo two")).Definition,
        "retry" => Workflow.Create("chaos-retry", job => job
            .Task("flaky").Shell().Script("sleep 1", "exit {{ if TaskRetry < 1 }}3{{ else }}0{{ end }}").Retry(2).DelayBetweenRetries(TimeSpan.FromSeconds(1))).Definition,
        "container" => Workflow.Create("chaos-container", job => job
            .Task("box").Container(image).Script("sleep 2", "echo boxed")).Definition,
        "http" => Workflow.Create("chaos-http", job => job
            .Task("call").HttpGet($"http://127.0.0.1:{httpPort}/hit").OnCompleted("after")
            .Task("after").Shell().Script("echo called")).Definition,
        "polling" => Workflow.Create("chaos-polling", job => job
            .Task("poll").Shell().Script("exit {{ if JobElapsedSecs < 3 }}1{{ else }}0{{ end }}")
            .OnExitCode(1, ExitAction.Executing).DelayBetweenRetries(TimeSpan.FromSeconds(1)).Timeout(TimeSpan.FromMinutes(10))).Definition,
        "fork" => Workflow.Create("chaos-fork", job => job
            .Task("fork").ForkJob(ChildType).OnCompleted("await")
            .Task("await").AwaitForkedJobs("fork")).Definition,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
