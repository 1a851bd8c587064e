using Workflows;

namespace WorkflowsApp;

/// <summary>
/// Greets someone, then checks the greeting was for somebody: exit 3 of <c>check</c> fails the job with
/// ERR_NOBODY. The source generator compiles this definition at build time and the analyzers check it as you type.
/// </summary>
[Workflow("hello")]
public sealed partial class HelloWorkflow : Workflow
{
    /// <inheritdoc />
    protected override void Define(JobBuilder job) => job
        .RequiredParams("Name")
        .Task("greet").Shell().Script("echo Hello, {{ Name | shell_quote }}!")
            .Retry(1).DelayBetweenRetries(TimeSpan.FromSeconds(5))
            .OnCompleted("check")
        .Task("check").Shell().Script("test {{ Name | shell_quote }} != nobody || exit 3")
            .OnExitCode(3, "ERR_NOBODY");
}
