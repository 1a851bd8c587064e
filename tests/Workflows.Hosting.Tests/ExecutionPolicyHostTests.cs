using Microsoft.Extensions.DependencyInjection;
using Workflows.Definitions;
using Workflows.Hosting.Tests.Support;
using Workflows.Marten.Logs;
using Workflows.Runtime;

namespace Workflows.Hosting.Tests;

/// <summary>The host's execution policy through the whole runtime: SHELL off by default, params reaching scripts as text.</summary>
public sealed class ExecutionPolicyHostTests
{
    private static JobDefinition ShellJob(string type, params string[] script) => new()
    {
        JobType = type,
        RequiredParams = EquatableArray.Create("Name"),
        Tasks = EquatableArray.Create(new TaskDefinition { TaskType = "greet", Method = TaskMethod.Shell, Script = script.ToEquatableArray() }),
    };

    [Fact]
    public async Task A_host_without_AllowShell_fails_a_shell_task_at_once_naming_the_option()
    {
        await using var host = await RunningHost.StartAsync("noshell", options => options.Execution.AllowShell = false);
        var marker = Path.Combine(Path.GetTempPath(), "wf-noshell-" + Guid.NewGuid().ToString("N"));

        var id = await host.Client.SubmitAsync(ShellJob("noshell", "touch " + marker), new Dictionary<string, string> { ["Name"] = "x" });
        var view = await host.WaitForEndAsync(id);

        Assert.Equal((JobStatus.Failed, "ERR_METHOD_NOT_ALLOWED"), (view.Status, view.ErrorCode));
        var log = await host.Services.GetRequiredService<TaskLogs>().ReadAsync(id, "greet");
        Assert.Contains(log, l => l.Line.Contains("Workflows:Execution:AllowShell=true", StringComparison.Ordinal));
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task A_submitted_param_reaches_a_shell_script_as_literal_text_when_quoted_or_read_from_the_environment()
    {
        await using var host = await RunningHost.StartAsync("quoted");

        var id = await host.Client.SubmitAsync(ShellJob("quoted", "echo quoted:{{ Name | shell_quote }}", "echo \"env:$WORKFLOWS_PARAM_Name\""),
            new Dictionary<string, string> { ["Name"] = "$(id -un)'; echo injected '" });
        var view = await host.WaitForEndAsync(id);

        Assert.Equal(JobStatus.Completed, view.Status);
        var lines = (await host.Services.GetRequiredService<TaskLogs>().ReadAsync(id, "greet")).Select(l => l.Line).ToList();
        Assert.Contains("quoted:$(id -un)'; echo injected '", lines);
        Assert.Contains("env:$(id -un)'; echo injected '", lines);
        Assert.DoesNotContain("injected", lines);
    }
}
