using Workflows.Definitions;

namespace Workflows.Runtime.Tests;

/// <summary>A task attempt's start records the host that runs it (formicary records a task's ant), for routing by tags to be seen.</summary>
public class TaskStartedHostTests
{
    private static JobDefinition Definition => Workflow.Create("hosted", job => job.Task("a").Shell().Script("true").Tags("gpu")).Definition;

    [Fact]
    public void A_start_records_its_host_and_a_second_start_of_the_same_attempt_records_nothing()
    {
        var run = new JobRun(Definition);
        run.Decide(new StartJob());

        var started = Assert.IsType<TaskStarted>(Assert.Single(run.Decide(new StartTask("a", 1) { Host = "gpu-host:42:abcd" })));
        Assert.Equal(("a", 1, "gpu-host:42:abcd"), (started.TaskType, started.Attempt, started.Host));
        Assert.Empty(run.Decide(new StartTask("a", 1) { Host = "other-host:7:ef01" }));

        // A start that does not say its host (a stream written before hosts were recorded) has none.
        var unnamed = new JobRun(Definition);
        unnamed.Decide(new StartJob());
        Assert.Null(Assert.IsType<TaskStarted>(Assert.Single(unnamed.Decide(new StartTask("a", 1)))).Host);
    }
}
