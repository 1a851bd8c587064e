using System.Collections.Immutable;
using Workflows.Definitions;

namespace Workflows.Runtime;

/// <summary>A job run's state, folded from its events by <see cref="JobDecider.Evolve"/>. Immutable.</summary>
public sealed record JobState
{
    /// <summary>The state of an empty stream.</summary>
    public static JobState Initial { get; } = new();

    /// <summary>The job run's id.</summary>
    public string JobId { get; init; } = string.Empty;

    /// <summary>The pinned definition.</summary>
    public JobDefinition? Definition { get; init; }

    /// <summary>What was asked (parameters, priority, queue, who asked, lineage); a queued job's update changes it.</summary>
    public JobRequest Request { get; init; } = new();

    /// <summary>Where the job is.</summary>
    public JobStatus Status { get; init; }

    /// <summary>For a root: its manual retries, oldest first.</summary>
    public ImmutableList<string> RetryIds { get; init; } = [];

    /// <summary>Why the system cancelled the job (e.g. the reaper), when it did.</summary>
    public string? CancelReason { get; init; }

    /// <summary>For a resumed retry: the task it starts from.</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>For a resumed retry: the completed tasks it keeps.</summary>
    public IReadOnlyList<CarriedTask> Carried { get; init; } = [];

    /// <summary>The job attempt, from 0; job retries and RESTART_JOB add one.</summary>
    public int JobAttempt { get; init; }

    /// <summary>Pauses so far (PAUSE_JOB and operators'); with <see cref="JobAttempt"/> they make <see cref="JobRetry"/>.</summary>
    public int Pauses { get; init; }

    /// <summary>
    /// formicary's one <c>retried</c> counter, the <c>JobRetry</c> template variable: job retries, RESTART_JOB and pauses.
    /// Job retries are allowed while it is below the definition's <c>retry</c>, so pauses use up job retries.
    /// </summary>
    public int JobRetry => JobAttempt + Pauses;

    /// <summary>Who paused the job, when an operator did: it waits for a resume (see <see cref="IsHeld"/>).</summary>
    public string? PausedBy { get; init; }

    /// <summary>Who asked to pause the job while a task ran: it pauses when that attempt ends.</summary>
    public string? PauseRequestedBy { get; init; }

    /// <summary>True while an operator's pause holds the job: no attempt starts until it is resumed (a PAUSE_JOB pause resumes by itself).</summary>
    public bool IsHeld => Status == JobStatus.Paused && PausedBy is not null;

    /// <summary>Each task's state in the current attempt, by name.</summary>
    public ImmutableDictionary<string, TaskRun> Tasks { get; init; } = ImmutableDictionary<string, TaskRun>.Empty;

    /// <summary>The first task that failed (not ignored) in this attempt: the job fails with it when the path ends.</summary>
    public string? FailedTask { get; init; }

    /// <summary>How the job will end while it runs its always_run tasks.</summary>
    public JobEnd? Ending { get; init; }

    /// <summary>The job's error code, once failing or failed.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>When it was requested.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When a worker first started it.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The earliest it may start (<see cref="JobTimes.EarliestStart"/>).</summary>
    public DateTimeOffset? EarliestStart => JobTimes.EarliestStart(CreatedAt, Request.ScheduledAt);

    /// <summary>How long it waited for a worker after it could start (<see cref="JobTimes.QueueTime"/>).</summary>
    public TimeSpan? QueueTime => JobTimes.QueueTime(CreatedAt, Request.ScheduledAt, StartedAt);

    /// <summary>True for Completed, Failed and Cancelled.</summary>
    public bool IsFinished => Status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled;

    /// <summary>Tasks that completed in this attempt.</summary>
    public int Succeeded => Tasks.Values.Count(t => t.Status == TaskRunStatus.Completed);

    /// <summary>Tasks that failed and fail the job.</summary>
    public int Failed => Tasks.Values.Count(t => t.Status == TaskRunStatus.Failed && !t.Ignored);

    /// <summary>Tasks that failed but allow_failure ignores.</summary>
    public int Ignored => Tasks.Values.Count(t => t.Status == TaskRunStatus.Failed && t.Ignored);

    /// <summary>
    /// The task as its current attempt runs: the pinned definition's, with the container limits a retry rule changed
    /// for this attempt (<see cref="TaskRun.Limits"/>); null when the definition has no such task.
    /// </summary>
    /// <param name="taskType">The task.</param>
    public TaskDefinition? TaskToRun(string taskType)
    {
        var task = Definition?.FindTask(taskType);
        return task?.Container is { } container && Task(taskType).Limits is { } limits
            ? task with { Container = container with { CpuLimit = limits.CpuLimit ?? container.CpuLimit, MemoryLimit = limits.MemoryLimit ?? container.MemoryLimit } }
            : task;
    }

    /// <summary>
    /// The job context: the outputs of this job attempt's tasks (carried ones included), in the order the tasks ended,
    /// a later task's value of a name winning, and each ended task's <c>&lt;task&gt;-status</c>. Attempts see it as
    /// template variables.
    /// </summary>
    public IReadOnlyDictionary<string, string> Context() => JobContext.Of(Tasks.Values);

    /// <summary>The task's state (a fresh one when not reached yet).</summary>
    /// <param name="taskType">The task.</param>
    public TaskRun Task(string taskType) => Tasks.TryGetValue(taskType, out var run) ? run : new TaskRun(taskType);
}
