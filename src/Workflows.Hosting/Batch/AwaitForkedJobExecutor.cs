using Workflows.Definitions;
using Workflows.Executors;
using Workflows.Executors.Logs;
using Workflows.Marten;

namespace Workflows.Hosting.Batch;

/// <summary>
/// AWAIT_FORKED_JOB: waits until the jobs forked by the tasks in <c>await_forked_tasks</c> (the newest child of each,
/// so a retried child counts) have ended. Exits 0 when all completed; else fails with the first failing child's error
/// code (or <c>ERR_FORKED_JOB_CANCELLED</c>). The task's timeout and the job's cancellation stop the wait.
/// </summary>
/// <param name="jobs">Reads the children.</param>
/// <param name="time">The clock.</param>
internal sealed class AwaitForkedJobExecutor(JobStore jobs, TimeProvider time) : ITaskExecutor
{
    public IReadOnlyCollection<TaskMethod> Methods { get; } = [TaskMethod.AwaitForkedJob];

    public async Task<TaskOutcome> RunAsync(TaskExecution execution, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        // await_forked_tasks is never empty here: the validator refuses an AWAIT_FORKED_JOB without it.
        var awaited = execution.Task.AwaitForkedTasks.ToList();
        var children = await jobs.ChildrenAsync(execution.JobId, cancellationToken).ConfigureAwait(false);
        var ids = new List<string>();
        foreach (var forkTask in awaited)
        {
            if (children.LastOrDefault(c => c.ForkTask == forkTask) is not { } child)
            {
                return TaskOutcome.Error(ForkErrors.Fork, $"Task '{execution.Task.TaskType}' awaits the job forked by '{forkTask}', but '{forkTask}' forked none in this job (did it run before this task?).");
            }

            ids.Add(child.Id);
        }

        return await ForkedJobs.AwaitAsync(jobs, ids, execution.Task.SubWorkflow, execution.Log, time, cancellationToken).ConfigureAwait(false);
    }
}
