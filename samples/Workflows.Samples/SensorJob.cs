using Workflows;
using static Workflows.ExitAction;

namespace Workflows.Samples;

/// <summary>
/// The seed sensor-job (samples/legacy-yaml/sensor-job.yaml) in C#. The YAML's Go template that spans two list
/// items is one Scriban template here; the URLs point at a local server.
/// </summary>
[Workflow("sensor-job")]
public sealed partial class SensorJob : Workflow
{
    /// <inheritdoc />
    protected override void Define(JobBuilder job) => job
        .Task("first")
            .HttpGet("{{ if JobElapsedSecs < 3 }}http://127.0.0.1:5080/blaaaaahtodos/1{{ else }}http://127.0.0.1:5080/todos/1{{ end }}")
            .Environment("OLD_ENV_VAR", "ijk")
            .AllowFailure()
            .Timeout(TimeSpan.FromSeconds(15)).DelayBetweenRetries(TimeSpan.FromSeconds(5))
            .OnCompleted("second")
            .OnExitCode(404, Executing)
        .Task("second").Container("alpine")
            .Script("echo nonce {{ Nonce }}", "exit {{ Random 0 5 }}")
            .OnExitCode(1, Failed).OnExitCode(2, RestartJob).OnExitCode(3, Completed)
            .OnExitCode(4, "ERR_BLAH").OnExitCode(5, RestartTask)
            .OnCompleted("third")
        .Task("third").Container("alpine")
            .Environment("OLD_ENV_VAR", "ijk")
            .Script("date > date.txt", "env NEW_ENV_VAR=xyz", "echo variable value is $NEW_ENV_VAR")
            .Artifacts("date.txt");
}
