using Workflows.Definitions;

namespace Workflows.Definitions.Tests;

/// <summary>Small valid definitions that each test bends in one place.</summary>
internal static class Jobs
{
    public static TaskDefinition Shell(string name, string? next = null) => new()
    {
        TaskType = name,
        Method = TaskMethod.Shell,
        Script = EquatableArray.Create("echo " + name),
        OnCompleted = next,
    };

    public static TaskDefinition Http(string name, string url = "https://example.com/health") => new()
    {
        TaskType = name,
        Method = TaskMethod.HttpGet,
        Script = EquatableArray.Create(url),
    };

    public static JobDefinition Of(params TaskDefinition[] tasks) => new() { JobType = "test-job", Tasks = tasks };

    /// <summary>build → test → deploy, all SHELL.</summary>
    public static JobDefinition Linear() => Of(Shell("build", "test"), Shell("test", "deploy"), Shell("deploy"));

    public static JobDefinition WithTask(this JobDefinition job, int index, Func<TaskDefinition, TaskDefinition> change) =>
        job with { Tasks = job.Tasks.Select((t, i) => i == index ? change(t) : t).ToEquatableArray() };

    public static TaskDefinition Route(this TaskDefinition task, string code, ExitAction action) =>
        task with { ExitCodes = task.ExitCodes.Append(new ExitCodeRoute(code, action)).ToEquatableArray() };

    public static IReadOnlyList<Problem> Problems(this JobDefinition job, string id) =>
        WorkflowValidator.Validate(job).Where(p => p.Id == id).ToList();
}
