using Workflows.Definitions;
using static Workflows.Definitions.WorkflowDiagnostics;

namespace Workflows.Definitions.Tests;

public class RouteRuleTests
{
    [Fact]
    public void WF0101_unknown_on_completed_target_suggests_the_nearest_name()
    {
        var job = Jobs.Linear().WithTask(0, t => t with { OnCompleted = "tset" });
        var problem = Assert.Single(job.Problems(UnknownTaskId));
        Assert.Equal("Task 'build' refers to unknown task 'tset' in on_completed. Did you mean 'test'?", problem.Message);
        Assert.Equal(["test"], problem.Suggestions);
        Assert.Equal(new DefinitionPointer("build", "on_completed", "tset", 0), problem.Location);
    }

    [Fact]
    public void WF0101_unknown_target_in_every_kind_of_edge()
    {
        var job = Jobs.Linear()
            .WithTask(0, t => t with { OnFailed = "nope" })
            .WithTask(1, t => t.Route("3", ExitAction.GoTo("deploi")) with { Dependencies = EquatableArray.Create("biuld") })
            .WithTask(2, t => t with { AwaitForkedTasks = EquatableArray.Create("fork") });
        var problems = job.Problems(UnknownTaskId);
        Assert.Equal(["on_failed", "on_exit_code", "dependencies", "await_forked_tasks"], problems.Select(p => p.Location.Key));
        Assert.Contains("Known tasks: 'build', 'test', 'deploy'.", problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'deploy'?", problems[1].Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'build'?", problems[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WF0101_offers_every_close_candidate()
    {
        var job = Jobs.Of(Jobs.Shell("start", "step"), Jobs.Shell("step1"), Jobs.Shell("step2"))
            .WithTask(0, t => t with { OnCompleted = "step", OnFailed = "step2" })
            .WithTask(2, t => t with { OnCompleted = "step1" });
        var problem = Assert.Single(job.Problems(UnknownTaskId));
        Assert.Equal(["step1", "step2"], problem.Suggestions);
        Assert.EndsWith("Did you mean 'step1' or 'step2'?", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WF0101_is_silent_when_every_target_exists() =>
        Assert.Empty(Jobs.Linear().WithTask(1, t => t with { Dependencies = EquatableArray.Create("build") }).Problems(UnknownTaskId));

    [Fact]
    public void WF0102_duplicate_task_name_is_reported_on_the_second()
    {
        var job = Jobs.Of(Jobs.Shell("build", "test"), Jobs.Shell("test"), Jobs.Shell("test"));
        var problem = Assert.Single(job.Problems(DuplicateTaskId));
        Assert.Equal(2, problem.Location.TaskIndex);
        Assert.Equal("Task name 'test' is used by 2 tasks of job 'test-job'. Task names must be unique within a job: rename this one.", problem.Message);
        Assert.Empty(Jobs.Linear().Problems(DuplicateTaskId));
    }

    [Fact]
    public void WF0103_cycle_through_on_failed_is_reported_once_with_its_path()
    {
        var job = Jobs.Linear().WithTask(2, t => t with { OnFailed = "test" });
        var problem = Assert.Single(job.Problems(CycleId));
        Assert.Contains("Task 'deploy' routes back to 'test' in on_failed, closing the cycle test → deploy → test.", problem.Message, StringComparison.Ordinal);
        Assert.Contains("RESTART_TASK", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WF0103_self_route_through_an_exit_code_is_a_cycle()
    {
        var job = Jobs.Linear().WithTask(1, t => t.Route("4", ExitAction.GoTo("test")));
        var problem = Assert.Single(job.Problems(CycleId));
        Assert.Equal(new DefinitionPointer("test", "on_exit_code", "4", 1), problem.Location);
    }

    [Fact]
    public void WF0103_a_diamond_is_not_a_cycle()
    {
        var job = Jobs.Of(Jobs.Shell("a", "b"), Jobs.Shell("b", "d"), Jobs.Shell("c", "d"), Jobs.Shell("d"))
            .WithTask(0, t => t with { OnFailed = "c" });
        Assert.Empty(WorkflowValidator.Validate(job));
    }

    [Fact]
    public void WF0104_unreachable_task()
    {
        var job = Jobs.Linear().WithTask(1, t => t with { OnCompleted = null });
        var problem = Assert.Single(job.Problems(UnreachableTaskId));
        Assert.Equal("Task 'deploy' is never reached: no route leads to it from the first task 'build'. Route to it (on_completed, on_failed, on_exit or on_exit_code), mark it always_run for cleanup, or remove it.", problem.Message);
    }

    [Fact]
    public void WF0104_a_misspelt_route_counts_as_reaching_the_task_it_most_likely_meant()
    {
        var job = Jobs.Linear().WithTask(0, t => t with { OnCompleted = "tset" });
        Assert.Single(job.Problems(UnknownTaskId));
        Assert.Empty(job.Problems(UnreachableTaskId));
        Assert.Single(Jobs.Linear().WithTask(0, t => t with { OnCompleted = "zzz" }).Problems(UnreachableTaskId));
    }

    [Fact]
    public void WF0104_reports_the_entry_of_an_unreachable_island_once()
    {
        var job = Jobs.Linear().WithTask(0, t => t with { OnCompleted = null });
        var problem = Assert.Single(job.Problems(UnreachableTaskId));
        Assert.Equal("test", problem.Location.TaskType);
    }

    [Fact]
    public void WF0104_always_run_tasks_and_branch_targets_count_as_reached()
    {
        var cleanup = Jobs.Linear().WithTask(1, t => t with { OnCompleted = null }).WithTask(2, t => t with { AlwaysRun = true });
        Assert.Empty(cleanup.Problems(UnreachableTaskId));

        var branch = Jobs.Linear().WithTask(1, t => t.Route("2", ExitAction.GoTo("deploy")) with { OnCompleted = null });
        Assert.Empty(branch.Problems(UnreachableTaskId));
    }
}
