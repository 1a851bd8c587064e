using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Workflows.Executors;
using Workflows.Executors.FanOut;
using Workflows.Executors.Logs;
using Workflows.Marten;
using Workflows.Runtime;

namespace Workflows.Hosting.Batch;

/// <summary>
/// The job mode of <c>fan_out</c>: item <c>i</c> forks a job of <c>fan_out.fork_job_type</c> linked to this job and task
/// like a FORK_JOB child, with FORK_JOB's params (<c>sub_workflow.input_params</c> rendered with the item under
/// <c>item_var</c>, <c>ForkedJob</c>, the fork guard) plus formicary's <c>&lt;item_var&gt;=&lt;item&gt;</c> and
/// <c>FanOutIndex_&lt;i&gt;=&lt;i&gt;</c>, then waits for it like AWAIT_FORKED_JOB.
/// </summary>
/// <param name="client">Submits and cancels the children.</param>
/// <param name="jobs">Reads them while waiting.</param>
/// <param name="time">The clock.</param>
internal sealed class FanOutJobs(WorkflowClient client, JobStore jobs, TimeProvider time) : IFanOutJobs
{

    public async Task<TaskOutcome> RunAsync(TaskExecution execution, int index, string item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        var task = execution.Task;
        var fanOut = task.FanOut ?? throw new ArgumentException($"Task '{task.TaskType}' has no fan_out.", nameof(execution));
        var forkJobType = fanOut.ForkJobType ?? throw new ArgumentException($"Task '{task.TaskType}' fans out to tasks, not jobs.", nameof(execution));
        var variables = new Dictionary<string, string>(execution.Variables, StringComparer.Ordinal) { [fanOut.ItemVariable] = item };
        if (ForkJobExecutor.Params(execution, forkJobType, variables, time.GetUtcNow(), out var parameters) is { } refused)
        {
            return refused;
        }

        parameters[fanOut.ItemVariable] = item;
        parameters[Workflows.Runtime.ForkParams.FanOutIndexPrefix + index.ToString(CultureInfo.InvariantCulture)] = index.ToString(CultureInfo.InvariantCulture);
        var parent = await jobs.GetAsync(execution.JobId, cancellationToken).ConfigureAwait(false);
        string childId;
        try
        {
            childId = await client.SubmitAsync(
                new JobSubmission(forkJobType)
                {
                    JobId = ChildId(execution, index),
                    Params = parameters, ParentJobId = execution.JobId, ForkTask = task.TaskType, SubmittedBy = parent?.SubmittedBy, SubmitterId = parent?.SubmitterId,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Unknown or disabled job type, missing required params: the message names the fix.
            return TaskOutcome.Error(ForkErrors.Fork, $"Task '{task.TaskType}' could not fork '{forkJobType}' for item {index}: {e.Message}");
        }

        var log = new PrefixedLog(execution.Log, $"[{index.ToString(CultureInfo.InvariantCulture)}] ");
        log.Write(LogSource.System, $"forked job {childId} ({forkJobType}) with params {ForkJobExecutor.Describe(parameters)}");
        var ended = await ForkedJobs.AwaitAsync(jobs, [childId], task.SubWorkflow, log, time, cancellationToken).ConfigureAwait(false);
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal) { ["ForkedJobID"] = childId };
        foreach (var (name, value) in ended.Outputs ?? new Dictionary<string, string>())
        {
            if (name is not ("RequestIDs" or "TotalRequests") && !name.StartsWith("Request_", StringComparison.Ordinal))
            {
                outputs[name] = value;
            }
        }

        return ended with { Outputs = outputs };
    }

    public async Task CancelAsync(TaskExecution execution, int index, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(execution);
        var id = ChildId(execution, index);
        if (await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false) is { Status: not (JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled) })
        {
            await client.CancelAsync(id, cancellationToken).ConfigureAwait(false);
            execution.Log.Write(LogSource.System, $"[{index.ToString(CultureInfo.InvariantCulture)}] cancelled forked job {id}");
        }
    }

    /// <summary>
    /// Item <paramref name="index"/>'s child id, the same each time this attempt runs (as <see cref="ForkJobExecutor.ChildId"/>):
    /// a host that takes over the attempt re-attaches to the children already forked instead of forking them again.
    /// </summary>
    internal static string ChildId(TaskExecution execution, int index) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        $"fan-out\n{execution.JobId}\n{execution.JobAttempt.ToString(CultureInfo.InvariantCulture)}\n{execution.Task.TaskType}\n{execution.Attempt.ToString(CultureInfo.InvariantCulture)}\n{index.ToString(CultureInfo.InvariantCulture)}")))[..32];
}
