using Workflows.Definitions;

namespace Workflows.Runtime.Tests;

/// <summary>
/// skip_if and except: the worker renders them when the job or task is about to start and hands the text to the decider,
/// which skips on <c>true</c> (FORMICARY-FORMAT.md §2: a filtered job fails with ERR_FILTERED_JOB; an excepted task
/// completes with exit code SKIPPED, not dispatched).
/// </summary>
public class SkipTests
{
    private static JobDefinition Chain => Workflow.Create("skips", job => job
        .Task("a").Shell().Script("true").OnCompleted("b")
        .Task("b").Shell().Script("true").Except("{{ if Target == \"charlie\" }} true {{ end }}").OnCompleted("c")
        .Task("c").Shell().Script("true")).Definition;

    [Fact]
    public void A_job_whose_rendered_skip_if_says_true_is_recorded_skipped_and_fails_with_ERR_FILTERED_JOB_running_nothing()
    {
        var run = new JobRun(Chain);

        run.Decide(new StartJob { SkipIf = " true " });

        Assert.Equal(["JobSkipped", "JobFailed ERR_FILTERED_JOB"], run.Trace());
        Assert.Equal(" true ", Assert.IsType<JobSkipped>(run.Events[1]).SkipIf);
        Assert.Equal((JobStatus.Failed, "ERR_FILTERED_JOB", null), (run.State.Status, run.State.ErrorCode, run.State.StartedAt));
        Assert.Empty(run.State.Tasks);
        Assert.Equal(run.Start0, run.State.EndedAt);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("false")]
    public void A_job_whose_skip_if_is_absent_or_renders_without_true_starts(string? skipIf)
    {
        var run = new JobRun(Chain);

        run.Decide(new StartJob { SkipIf = skipIf });

        Assert.Equal(["JobStarted#0", "Scheduled a#1 Reached"], run.Trace());
    }

    [Fact]
    public void A_skipped_job_is_decided_once_a_second_start_decides_nothing()
    {
        var run = new JobRun(Chain);
        run.Decide(new StartJob { SkipIf = "true" });

        Assert.Empty(run.Decide(new StartJob { SkipIf = "true" }));
        Assert.Empty(run.Decide(new StartJob()));
    }

    [Fact]
    public void A_task_whose_rendered_except_says_true_completes_SKIPPED_without_running_and_the_path_goes_on()
    {
        var run = new JobRun(Chain);
        run.Decide(new StartJob());
        run.Run("a", 0);
        Assert.Single(run.Decide(new StartTask("b", 1)));

        var skipped = run.Decide(new CheckExcept("b", 1, " true "));

        Assert.Equal(3, skipped.Count);
        Assert.Equal(["TaskSkipped", "Completed b", "Scheduled c#1 Reached"], run.Trace().TakeLast(3));
        Assert.Equal((" true ", 1), (Assert.IsType<TaskSkipped>(skipped[0]).Except, ((TaskSkipped)skipped[0]).Attempt));
        var b = run.State.Task("b");
        Assert.Equal((TaskRunStatus.Completed, true, (int?)null, (string?)null), (b.Status, b.Skipped, b.ExitCode, b.ErrorCode));
        Assert.DoesNotContain(run.Events.OfType<TaskExited>(), e => e.TaskType == "b");

        run.Run("c", 0);
        Assert.Equal(JobStatus.Completed, run.State.Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("false")]
    [InlineData(" True ")]
    public void A_task_whose_except_renders_without_true_is_not_skipped_the_worker_runs_it(string except)
    {
        var run = new JobRun(Chain);
        run.Decide(new StartJob());
        run.Run("a", 0);
        Assert.Single(run.Decide(new StartTask("b", 1)));

        Assert.Empty(run.Decide(new CheckExcept("b", 1, except)));
        Assert.Equal(TaskRunStatus.Started, run.State.Task("b").Status);
    }

    [Fact]
    public void An_except_for_a_stale_attempt_or_a_task_not_started_decides_nothing()
    {
        var run = new JobRun(Chain);
        run.Decide(new StartJob());

        Assert.Empty(run.Decide(new CheckExcept("a", 1, "true"))); // scheduled, not started
        Assert.Single(run.Decide(new StartTask("a", 1)));
        Assert.Empty(run.Decide(new CheckExcept("a", 2, "true"))); // not the running attempt
        Assert.Empty(run.Decide(new CheckExcept("c", 1, "true"))); // not reached
    }

    [Fact]
    public void A_skipped_task_routes_through_an_exit_code_entry_keyed_SKIPPED_before_its_completed_route()
    {
        var definition = Workflow.Create("skip-route", job => job
            .Task("a").Shell().Script("true").Except("true").OnExitCode("SKIPPED", "skipped").OnCompleted("ran")
            .Task("ran").Shell().Script("true")
            .Task("skipped").Shell().Script("true")).Definition;
        var run = new JobRun(definition);
        run.Decide(new StartJob());
        Assert.Single(run.Decide(new StartTask("a", 1)));

        run.Decide(new CheckExcept("a", 1, "true"));

        Assert.Equal("skipped", run.Due.TaskType);
    }

    [Fact]
    public void A_task_skipped_in_one_pass_and_reached_again_is_no_longer_marked_skipped()
    {
        var run = new JobRun(Chain);
        run.Decide(new StartJob());
        run.Run("a", 0);
        Assert.Single(run.Decide(new StartTask("b", 1)));
        run.Decide(new CheckExcept("b", 1, "true"));
        Assert.True(run.State.Task("b").Skipped);

        var rescheduled = JobDecider.Evolve(run.State, new TaskScheduled("job-1", run.Start0, "b", 1, run.Start0, ScheduleReason.Reached));

        Assert.False(rescheduled.Task("b").Skipped);
    }

    [Theory]
    [InlineData("*/5 * * * *", "true", true)]
    [InlineData("*/5 * * * *", "false", false)]
    [InlineData("*/5 * * * *", null, false)]
    [InlineData(null, "true", false)]
    public void DeleteFilteredCronJobs_deletes_a_skipped_job_only_of_a_cron_type_with_the_variable_true(string? cron, string? variable, bool deletes)
    {
        var definition = Chain with
        {
            CronTrigger = cron,
            JobVariables = variable is null ? Chain.JobVariables : new[] { new NamedValue("DeleteFilteredCronJobs", variable) },
        };

        Assert.Equal(deletes, JobDecider.DeletesWhenSkipped(definition));
    }
}
