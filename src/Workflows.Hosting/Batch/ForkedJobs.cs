using System.Globalization;
using System.Text.Json;
using Workflows.Definitions;
using Workflows.Executors;
using Workflows.Executors.Logs;
using Workflows.Marten;
using Workflows.Runtime;

namespace Workflows.Hosting.Batch;

/// <summary>Error codes of batch tasks.</summary>
public static class ForkErrors
{
    /// <summary>The fork could not be made (no fork_job_type, unknown or disabled type, missing params).</summary>
    public const string Fork = "ERR_FORK";

    /// <summary>The fork would make a job fork its own type through its ancestry.</summary>
    public const string Loop = "ERR_FORK_LOOP";

    /// <summary>The fork would go more than 10 levels deep.</summary>
    public const string Depth = "ERR_FORK_DEPTH";

    /// <summary>A forked job was cancelled.</summary>
    public const string ChildCancelled = Workflows.Executors.FanOut.FanOutErrors.ForkedJobCancelled;

    /// <summary>A forked job failed without an error code of its own.</summary>
    public const string ChildFailed = "ERR_FORKED_JOB_FAILED";
}

/// <summary>
/// Waits for forked jobs to end, polling from 250 ms doubling to 4 s. The outcome's outputs are formicary's
/// (<c>queen/tasklet/job_waiter.go</c>): <c>RequestIDs</c> (a JSON array), <c>TotalRequests</c>,
/// <c>Request_&lt;id&gt;_ErrorCode</c> for a child that did not complete, and the children's job context — only the
/// names <c>sub_workflow.output_variables</c> maps (renamed to their values) when it has any, else all of it.
/// </summary>
internal static class ForkedJobs
{
    /// <summary>The suffix of the output naming the job a FORK_JOB task forked.</summary>
    public const string IdSuffix = ".ForkedJobID";

    public static async Task<TaskOutcome> AwaitAsync(JobStore jobs, IReadOnlyList<string> ids, SubWorkflowSpec? subWorkflow, ITaskLog log, TimeProvider time, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        log.Write(LogSource.System, $"waiting for forked job{(ids.Count == 1 ? string.Empty : "s")} {string.Join(", ", ids)}");
        while (true)
        {
            var views = new List<JobView>();
            foreach (var id in ids)
            {
                views.Add(await jobs.GetAsync(id, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Forked job {id} is missing from the store."));
            }

            if (views.All(v => v.Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled))
            {
                foreach (var view in views)
                {
                    log.Write(LogSource.System, $"forked job {view.Id} ({view.JobType}) {view.Status.ToString().ToLowerInvariant()}{(view.ErrorCode is { } c ? " " + c : string.Empty)}");
                }

                var bad = views.FirstOrDefault(v => v.Status != JobStatus.Completed);
                var outcome = bad is null
                    ? TaskOutcome.Exited(0)
                    : TaskOutcome.Error(
                        bad.Status == JobStatus.Cancelled ? ForkErrors.ChildCancelled : bad.ErrorCode ?? ForkErrors.ChildFailed,
                        $"Forked job {bad.Id} ({bad.JobType}) {bad.Status.ToString().ToLowerInvariant()}{(bad.FailedTask is { } t ? $" at task '{t}'" : string.Empty)}; retry it (a child's retry joins the batch), then run this job's await again.",
                        exitCode: 1);
                return outcome with { Outputs = Outputs(views, subWorkflow) };
            }

            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(4).Ticks));
        }
    }

    private static Dictionary<string, string> Outputs(List<JobView> children, SubWorkflowSpec? subWorkflow)
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["RequestIDs"] = JsonSerializer.Serialize(children.Select(c => c.Id)),
            ["TotalRequests"] = children.Count.ToString(CultureInfo.InvariantCulture),
        };
        var renames = (subWorkflow?.OutputVariables ?? default).ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        foreach (var child in children)
        {
            if (child.Status != JobStatus.Completed)
            {
                outputs[$"Request_{child.Id}_ErrorCode"] = child.Status == JobStatus.Cancelled ? ForkErrors.ChildCancelled : child.ErrorCode ?? ForkErrors.ChildFailed;
            }

            foreach (var (name, value) in JobContext.Of(child.Tasks))
            {
                if (renames.Count == 0)
                {
                    outputs[name] = value;
                }
                else if (renames.TryGetValue(name, out var parentName))
                {
                    outputs[parentName] = value;
                }
            }
        }

        return outputs;
    }
}
