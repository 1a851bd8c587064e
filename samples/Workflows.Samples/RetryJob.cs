using Workflows;
using static Workflows.ExitAction;

namespace Workflows.Samples;

/// <summary>The seed retry-job (samples/legacy-yaml/retry-job.yaml) in C#; the URL points at a local server.</summary>
[Workflow("retry-job")]
public sealed partial class RetryJob : Workflow
{
    /// <inheritdoc />
    protected override void Define(JobBuilder job) => job
        .Retry(2)
        .DelayBetweenRetries(TimeSpan.FromSeconds(6))
        .Task("first").HttpGet("http://127.0.0.1:5080/todos/1")
            .Timeout(TimeSpan.FromSeconds(15)).DelayBetweenRetries(TimeSpan.FromSeconds(5))
            .OnExitCode(10, RestartJob).OnCompleted("second")
        .Task("second").Container("alpine").Retry(2).Script("exit {{ Random 0 3 }}")
            .OnExitCode(1, Fatal).OnExitCode(2, RestartTask).OnExitCode(3, "ERR_XYZ")
            .OnCompleted("third")
        .Task("third").Container("alpine").Script("date");
}
