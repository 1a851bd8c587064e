using Marten;
using Workflows.Executors;
using Workflows.Executors.InProcess;
using Workflows.Hosting;
using Workflows.Marten.Artifacts;
using Workflows.Marten.Logs;

namespace Workflows.Marten.Tests;

/// <summary>A worker named <c>w1</c> on a test's store that runs one workflow's in-process C# tasks.</summary>
internal static class InProcessWorkers
{
    public static TaskWorker New(JobStore jobs, IDocumentStore documents, TimeProvider clock, string schema, Workflow workflow, ExecutionSlots? slots = null) => new(
        jobs,
        new TaskRunner(new TaskExecutors([new InProcessExecutor([workflow])]), clock),
        new TaskLogs(documents, clock),
        new FileArtifactStore(documents, Path.Combine(Path.GetTempPath(), "wf-artifacts-" + schema), clock),
        new RunningAttempts(),
        "w1") { Slots = slots };
}
