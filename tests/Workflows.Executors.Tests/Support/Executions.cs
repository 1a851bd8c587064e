using Workflows.Definitions;

namespace Workflows.Executors.Tests.Support;

/// <summary>Builds task attempts for executor tests.</summary>
public static class Executions
{
    public static TaskExecution For(TaskDefinition task, MemoryTaskLog log, MemoryArtifactStore artifacts, int attempt = 1, string jobId = "job-1") => new()
    {
        JobId = jobId,
        JobType = "test-job",
        Task = task,
        Attempt = attempt,
        MaxAttempts = task.MaxAttempts,
        Rendered = new RenderedTask(
            task.BeforeScript.ToList(),
            task.Script.ToList(),
            task.AfterScript.ToList(),
            task.Url,
            task.Environment.Select(v => KeyValuePair.Create(v.Name, v.Value)).ToList(),
            task.Headers.Select(v => KeyValuePair.Create(v.Name, v.Value)).ToList(),
            task.Query.Select(v => KeyValuePair.Create(v.Name, v.Value)).ToList()),
        Log = log,
        Artifacts = artifacts,
    };
}
