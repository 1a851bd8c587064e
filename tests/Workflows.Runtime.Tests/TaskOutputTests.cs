using Workflows.Definitions;

namespace Workflows.Runtime.Tests;

/// <summary>Task outputs in the decider: recorded on the exit, folded into the job context in the order tasks ended, carried by a resumed retry.</summary>
public class TaskOutputTests
{
    private static Dictionary<string, string> Outputs(params (string Name, string Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);

    [Fact]
    public void Outputs_are_recorded_sorted_on_the_exit_and_a_later_tasks_value_of_a_name_wins_in_the_context()
    {
        var run = new JobRun(Workflow.Create("outputs", job => job
            .Task("build").Shell().Script("true").OnCompleted("test")
            .Task("test").Shell().Script("true").OnCompleted("ship")
            .Task("ship").Shell().Script("true")).Definition);
        run.Decide(new StartJob());

        var exited = run.Run("build", a => new ReportTaskResult("build", a, 0) { Outputs = Outputs(("Version", "1.2"), ("Artifact", "app.tar")) }).OfType<TaskExited>().Single();
        Assert.Equal([new NamedValue("Artifact", "app.tar"), new NamedValue("Version", "1.2")], exited.Outputs);
        Assert.Equal(Outputs(("build-status", "COMPLETED"), ("Artifact", "app.tar"), ("Version", "1.2")), run.State.Context());

        run.Clock.Advance(TimeSpan.FromSeconds(1));
        run.Run("test", a => new ReportTaskResult("test", a, 0) { Outputs = Outputs(("Version", "1.2-tested")) });
        Assert.Equal(Outputs(("build-status", "COMPLETED"), ("Artifact", "app.tar"), ("Version", "1.2-tested"), ("test-status", "COMPLETED")), run.State.Context());

        run.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(run.Run("ship", 0).OfType<TaskExited>().Single().Outputs);
        Assert.Equal(JobStatus.Completed, run.State.Status);
    }

    [Fact]
    public void A_retried_attempts_outputs_replace_the_failed_attempts()
    {
        var run = new JobRun(Workflow.Create("outputs-retry", job => job.Task("a").Shell().Script("x").Retry(1)).Definition);
        run.Decide(new StartJob());

        run.Run("a", a => new ReportTaskResult("a", a, 1) { Outputs = Outputs(("Tried", "first"), ("Only", "first")) });
        Assert.Equal(Outputs(("Tried", "first"), ("Only", "first")), run.State.Context());
        run.Run("a", a => new ReportTaskResult("a", a, 0) { Outputs = Outputs(("Tried", "second")) });

        Assert.Equal(Outputs(("a-status", "COMPLETED"), ("Tried", "second")), run.State.Context());
    }

    [Fact]
    public void A_resumed_retry_carries_the_completed_tasks_outputs_into_its_context()
    {
        var now = new DecisionContext(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero), 0.5);
        var definition = Workflow.Create("outputs-resume", job => job
            .Task("a").Shell().Script("true").OnCompleted("b")
            .Task("b").Shell().Script("exit 3")).Definition;
        var state = JobState.Initial;
        foreach (var command in new JobCommand[]
        {
            new RequestJob("root", definition, new JobRequest { SubmittedBy = "alice" }),
            new StartJob(), new StartTask("a", 1), new ReportTaskResult("a", 1, 0) { Outputs = Outputs(("Version", "7")) },
            new StartTask("b", 1), new ReportTaskResult("b", 1, 3),
        })
        {
            state = JobDecider.Decide(command, state, now).Aggregate(state, JobDecider.Evolve);
        }

        var retry = JobDecider.Retry(state, state, new RetryRequest("r1", "alice") { Resume = true }, now).NewJob!;
        var started = JobDecider.Fold(JobDecider.Decide(retry, JobState.Initial, now));
        started = JobDecider.Decide(new StartJob(), started, now).Aggregate(started, JobDecider.Evolve);

        Assert.Equal([new NamedValue("Version", "7")], retry.Carried!.Single().Outputs);
        Assert.Equal(Outputs(("a-status", "COMPLETED"), ("Version", "7")), started.Context());
    }

    /// <summary>formicary's job context has <c>&lt;task&gt;-status</c> for each ended task: the on_failed task sees the failure.</summary>
    [Fact]
    public void Each_ended_task_leaves_its_status_in_the_context_for_the_tasks_after_it()
    {
        var run = new JobRun(Workflow.Create("statuses", job => job
            .Task("deploy").Shell().Script("false").OnFailed("rollback")
            .Task("rollback").Shell().Script("true")).Definition);
        run.Decide(new StartJob());
        Assert.Empty(run.State.Context());

        run.Run("deploy", 1);
        Assert.Equal(Outputs(("deploy-status", "FAILED")), run.State.Context());
        run.Clock.Advance(TimeSpan.FromSeconds(1));
        run.Run("rollback", 0);
        Assert.Equal(Outputs(("deploy-status", "FAILED"), ("rollback-status", "COMPLETED")), run.State.Context());
    }
}
