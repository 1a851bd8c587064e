using Workflows.Definitions;
using static Workflows.Definitions.WorkflowDiagnostics;

namespace Workflows.Definitions.Tests;

public class ExitCodeRuleTests
{
    private static JobDefinition Routes(params (string Code, ExitAction Action)[] routes) =>
        Jobs.Linear().WithTask(1, t => routes.Aggregate(t, (task, r) => task.Route(r.Code, r.Action)));

    [Fact]
    public void WF1001_duplicate_exit_code_names_both_targets()
    {
        var problem = Assert.Single(Routes(("2", ExitAction.RestartTask), ("2", ExitAction.Fatal)).Problems(DuplicateExitCodeId));
        Assert.Equal("Task 'test' maps exit code 2 more than once (to RESTART_TASK and to FATAL). Keep one mapping.", problem.Message);
        Assert.Equal(ProblemSeverity.Error, problem.Severity);
    }

    [Fact]
    public void WF1001_codes_are_compared_as_numbers_and_words_case_insensitively()
    {
        Assert.Single(Routes(("2", ExitAction.Completed), ("02", ExitAction.Failed)).Problems(DuplicateExitCodeId));
        Assert.Single(Routes(("APPROVED", ExitAction.Completed), ("approved", ExitAction.Failed)).Problems(DuplicateExitCodeId));
        Assert.Empty(Routes(("2", ExitAction.Completed), ("3", ExitAction.Failed)).Problems(DuplicateExitCodeId));
    }

    [Theory]
    [InlineData("256")]
    [InlineData("-1")]
    public void WF1002_process_exit_code_out_of_range(string code)
    {
        var problem = Assert.Single(Routes((code, ExitAction.Failed)).Problems(ExitCodeOutOfRangeId));
        Assert.Equal(ProblemSeverity.Info, problem.Severity);
        Assert.Contains("SHELL tasks exit with a process exit status (0–255)", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10")]
    [InlineData("200")]
    [InlineData("600")]
    public void WF1002_http_exit_code_out_of_range(string code)
    {
        var job = Jobs.Of(Jobs.Http("poll").Route(code, ExitAction.Failed));
        var problem = Assert.Single(job.Problems(ExitCodeOutOfRangeId));
        Assert.Contains("HTTP_GET tasks exit with 0 for any 2xx response, or the status of any other response (100–199, 300–599)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WF1002_codes_in_range_pass()
    {
        Assert.Empty(Routes(("0", ExitAction.Completed), ("255", ExitAction.Failed)).Problems(ExitCodeOutOfRangeId));
        Assert.Empty(Jobs.Of(Jobs.Http("poll").Route("404", ExitAction.Executing).Route("0", ExitAction.Completed) with { Timeout = TimeSpan.FromSeconds(5) }).Problems(ExitCodeOutOfRangeId));
    }

    [Theory]
    [InlineData("RESTART", "'RESTART_JOB' or 'RESTART_TASK'")]
    [InlineData("fatal", "'FATAL'")]
    [InlineData("COMPLETE", "'COMPLETED'")]
    public void WF1003_misspelt_action_word_is_not_reported_as_a_task(string target, string suggestion)
    {
        var job = Routes(("3", ExitAction.Parse(target)));
        var problem = Assert.Single(job.Problems(UnknownActionId));
        Assert.Contains($"maps exit code 3 to '{target}', which is neither a task nor an action. Did you mean {suggestion}?", problem.Message, StringComparison.Ordinal);
        Assert.Empty(job.Problems(UnknownTaskId));
    }

    [Fact]
    public void WF1003_action_words_and_task_names_pass()
    {
        var job = Routes(("3", ExitAction.Parse("PAUSE_JOB")), ("4", ExitAction.Parse("deploy")));
        Assert.Empty(job.Problems(UnknownActionId));
        Assert.Empty(job.Problems(UnknownTaskId));
    }

    [Theory]
    [InlineData("ERR_", "ERR_CUSTOM")]
    [InlineData("ERR_bad-code", "ERR_BAD_CODE")]
    [InlineData("err_xyz", "ERR_XYZ")]
    public void WF1004_malformed_error_code_suggests_a_well_formed_one(string code, string fixedCode)
    {
        var problem = Assert.Single(Routes(("3", ExitAction.Parse(code))).Problems(MalformedErrorCodeId));
        Assert.Contains($"error code '{code}', which is malformed", problem.Message, StringComparison.Ordinal);
        Assert.Equal([fixedCode], problem.Suggestions);
    }

    [Fact]
    public void WF1004_well_formed_error_codes_pass() =>
        Assert.Empty(Routes(("3", ExitAction.Parse("ERR_XYZ")), ("4", ExitAction.Error("ERR_DISK_FULL_2"))).Problems(MalformedErrorCodeId));

    [Fact]
    public void WF1005_exit_code_zero_mapped_to_a_failure_warns()
    {
        var problem = Assert.Single(Routes(("0", ExitAction.Fatal)).Problems(SuccessMappedToFailureId));
        Assert.Equal(ProblemSeverity.Warning, problem.Severity);
        Assert.Contains("maps exit code 0 (success) to FATAL", problem.Message, StringComparison.Ordinal);
        Assert.Empty(Routes(("0", ExitAction.Completed), ("1", ExitAction.Fatal)).Problems(SuccessMappedToFailureId));
    }

    [Fact]
    public void WF1006_exit_code_key_that_is_neither_number_nor_state()
    {
        var problem = Assert.Single(Routes(("two", ExitAction.Failed)).Problems(InvalidExitCodeKeyId));
        Assert.Contains("exit-code key 'two', which is neither a number nor a state", problem.Message, StringComparison.Ordinal);
        Assert.Empty(Routes(("APPROVED", ExitAction.GoTo("deploy")), ("REJECTED", ExitAction.Failed)).Problems(InvalidExitCodeKeyId));
    }

    [Fact]
    public void WF1007_executing_without_a_timeout_warns()
    {
        var job = Jobs.Of(Jobs.Http("poll").Route("404", ExitAction.Executing));
        var problem = Assert.Single(job.Problems(ExecutingWithoutTimeoutId));
        Assert.Equal(ProblemSeverity.Warning, problem.Severity);
        Assert.Equal(new DefinitionPointer("poll", "timeout", "404", 0), problem.Location);
        Assert.Empty((job.WithTask(0, t => t with { Timeout = TimeSpan.FromSeconds(15) })).Problems(ExecutingWithoutTimeoutId));
    }
}
