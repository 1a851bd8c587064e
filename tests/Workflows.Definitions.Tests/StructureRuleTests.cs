using Workflows.Definitions;
using static Workflows.Definitions.WorkflowDiagnostics;

namespace Workflows.Definitions.Tests;

public class StructureRuleTests
{
    [Fact]
    public void A_valid_linear_job_has_no_problems() =>
        Assert.Empty(WorkflowValidator.Validate(Jobs.Linear()));

    [Fact]
    public void WF0001_empty_job_is_an_error()
    {
        var problem = Assert.Single(Jobs.Of().Problems(EmptyJobId));
        Assert.Equal(ProblemSeverity.Error, problem.Severity);
        Assert.Contains("'test-job' has no tasks", problem.Message, StringComparison.Ordinal);
        Assert.Empty(Jobs.Of(Jobs.Shell("only")).Problems(EmptyJobId));
    }

    [Fact]
    public void WF0002_missing_job_type()
    {
        var problem = Assert.Single((Jobs.Linear() with { JobType = " " }).Problems(MissingJobTypeId));
        Assert.Contains("[Workflow(\"my-job\")]", problem.Message, StringComparison.Ordinal);
        Assert.Empty(Jobs.Linear().Problems(MissingJobTypeId));
    }

    [Fact]
    public void WF0003_duplicate_job_type_across_definitions()
    {
        var problems = WorkflowValidator.Validate([Jobs.Linear(), Jobs.Linear(), Jobs.Linear() with { JobType = "other" }]);
        var problem = Assert.Single(problems, p => p.Id == DuplicateJobTypeId);
        Assert.Equal("Job type 'test-job' is defined 2 times. Job types must be unique: rename all but one.", problem.Message);
        Assert.DoesNotContain(WorkflowValidator.Validate([Jobs.Linear(), Jobs.Linear() with { JobType = "other" }]), p => p.Id == DuplicateJobTypeId);
    }

    [Fact]
    public void WF0004_more_than_100_tasks()
    {
        TaskDefinition[] Chain(int n) => Enumerable.Range(0, n).Select(i => Jobs.Shell("t" + i, i + 1 < n ? "t" + (i + 1) : null)).ToArray();
        var problem = Assert.Single(Jobs.Of(Chain(101)).Problems(TooManyTasksId));
        Assert.Contains("101 tasks; at most 100", problem.Message, StringComparison.Ordinal);
        Assert.Empty(Jobs.Of(Chain(100)).Problems(TooManyTasksId));
    }

    [Fact]
    public void WF0005_task_without_a_name()
    {
        var job = Jobs.Of(Jobs.Shell("build", ""), Jobs.Shell(""));
        var problem = Assert.Single(job.Problems(MissingTaskNameId));
        Assert.Equal(new DefinitionPointer("", "task_type", null, 1), problem.Location);
        Assert.Contains("Task #2 of job 'test-job' has no name", problem.Message, StringComparison.Ordinal);
        Assert.Empty(Jobs.Linear().Problems(MissingTaskNameId));
    }
}
