using System.Diagnostics;
using System.Diagnostics.Metrics;
using Workflows.Runtime;

namespace Workflows;

/// <summary>
/// The runtime's traces and metrics, under the name <c>Workflows</c>: a span per task attempt (<c>task {task}</c>) and
/// one per job run when it ends (<c>job {type}</c>, from its start to its end), counters of jobs started, completed,
/// failed and cancelled, a histogram of task attempt durations, and the queue depth (due, unclaimed work). Collect them
/// with OpenTelemetry: <c>AddSource(WorkflowsTelemetry.Name)</c>, <c>AddMeter(WorkflowsTelemetry.Name)</c>.
/// </summary>
public static class WorkflowsTelemetry
{
    /// <summary>The activity source's and the meter's name.</summary>
    public const string Name = "Workflows";

    /// <summary>The spans.</summary>
    public static ActivitySource Source { get; } = new(Name);

    private static readonly Meter Meter = new(Name);
    private static readonly Counter<long> JobsStarted = Meter.CreateCounter<long>("workflows.jobs.started", "{job}", "Job runs started (first start; job retries not counted).");
    private static readonly Counter<long> JobsEnded = Meter.CreateCounter<long>("workflows.jobs.ended", "{job}", "Job runs ended, by outcome (completed, failed, cancelled).");
    private static readonly Histogram<double> TaskDuration = Meter.CreateHistogram<double>("workflows.task.duration", "s", "Task attempt durations, by task and outcome.");
    private static long _queueDepth = -1;

    static WorkflowsTelemetry()
    {
        Meter.CreateObservableGauge("workflows.queue.depth", () => Interlocked.Read(ref _queueDepth) is var depth and >= 0 ? [new Measurement<long>(depth)] : Array.Empty<Measurement<long>>(),
            "{task}", "Due work not yet claimed by a worker (queued job starts, task attempts, retries and polls that are due).");
    }

    /// <summary>Sets the last sampled queue depth.</summary>
    /// <param name="depth">Due, unclaimed rows.</param>
    public static void SetQueueDepth(long depth) => Interlocked.Exchange(ref _queueDepth, depth);

    /// <summary>Starts a task attempt's span (null when nobody listens).</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="jobType">The job type.</param>
    /// <param name="taskType">The task.</param>
    /// <param name="attempt">The attempt.</param>
    public static Activity? StartAttempt(string jobId, string jobType, string taskType, int attempt)
    {
        var activity = Source.StartActivity("task " + taskType, ActivityKind.Internal);
        activity?.SetTag("workflows.job.id", jobId);
        activity?.SetTag("workflows.job.type", jobType);
        activity?.SetTag("workflows.task.type", taskType);
        activity?.SetTag("workflows.task.attempt", attempt);
        return activity;
    }

    /// <summary>Ends a task attempt's span and records its duration.</summary>
    /// <param name="activity">The span, if any.</param>
    /// <param name="taskType">The task.</param>
    /// <param name="exitCode">Its exit code.</param>
    /// <param name="errorCode">Its executor error code.</param>
    /// <param name="elapsed">How long it ran.</param>
    public static void EndAttempt(Activity? activity, string taskType, int? exitCode, string? errorCode, TimeSpan elapsed)
    {
        var outcome = exitCode == 0 && errorCode is null ? "succeeded" : "failed";
        if (activity is not null)
        {
            activity.SetTag("workflows.task.exit_code", exitCode);
            activity.SetTag("workflows.task.error_code", errorCode);
            activity.SetStatus(outcome == "succeeded" ? ActivityStatusCode.Ok : ActivityStatusCode.Error, errorCode);
            activity.Dispose();
        }

        TaskDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("workflows.task.type", taskType), new KeyValuePair<string, object?>("outcome", outcome));
    }

    /// <summary>Records what a decision did to the job as a whole: started, or ended (with the job's span).</summary>
    /// <param name="state">The job's state after the decision.</param>
    /// <param name="events">The events decided.</param>
    internal static void Record(JobState state, IReadOnlyList<JobEvent> events)
    {
        foreach (var e in events)
        {
            switch (e)
            {
                case JobStarted { JobAttempt: 0 }:
                    JobsStarted.Add(1, new KeyValuePair<string, object?>("workflows.job.type", state.Definition?.JobType));
                    break;
                case JobCompleted or JobFailed or JobCancelled:
                    var outcome = e is JobCompleted ? "completed" : e is JobFailed ? "failed" : "cancelled";
                    JobsEnded.Add(1, new KeyValuePair<string, object?>("workflows.job.type", state.Definition?.JobType), new KeyValuePair<string, object?>("outcome", outcome));
                    if (Source.HasListeners())
                    {
                        using var span = Source.StartActivity("job " + state.Definition?.JobType, ActivityKind.Internal, parentContext: default, startTime: state.StartedAt ?? state.CreatedAt ?? e.At);
                        span?.SetTag("workflows.job.id", state.JobId);
                        span?.SetTag("workflows.job.type", state.Definition?.JobType);
                        span?.SetTag("workflows.job.outcome", outcome);
                        span?.SetTag("workflows.job.error_code", state.ErrorCode);
                        span?.SetTag("workflows.job.attempt", state.JobAttempt);
                        span?.SetStatus(outcome == "failed" ? ActivityStatusCode.Error : ActivityStatusCode.Ok, state.ErrorCode);
                        span?.SetEndTime(e.At.UtcDateTime);
                    }

                    break;
            }
        }
    }
}
