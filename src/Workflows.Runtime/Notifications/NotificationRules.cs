using Workflows.Definitions;

namespace Workflows.Runtime;

/// <summary>
/// Which notifications a job's events cause: the job's <c>notify</c> channels when it ends (by their <c>when</c> rule),
/// its <c>webhook</c> on each job lifecycle event and each task's <c>webhook</c> on that task's lifecycle events.
/// Pure: the store writes what this returns to the outbox in the transaction that appends the events.
/// </summary>
public static class NotificationRules
{
    /// <summary>The notifications caused by <paramref name="events"/>, in order.</summary>
    /// <param name="after">The job's state after the events (its definition and request).</param>
    /// <param name="events">The events just decided.</param>
    /// <param name="previousFailed">
    /// True when the previous job of this type to end failed or was cancelled: a completed job then tells its
    /// <c>onFailure</c> channels too, with a "Fixed" subject, as formicary does (<see cref="NeedsPrevious"/> says when the
    /// caller must look it up).
    /// </param>
    public static IReadOnlyList<Notification> For(JobState after, IReadOnlyList<JobEvent> events, bool previousFailed = false)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(events);
        if (after.Definition is not { } definition || (definition.Webhook is null && definition.Notify.IsEmpty && !definition.Tasks.Any(t => t.Webhook is not null)))
        {
            return [];
        }

        var found = new List<Notification>();
        var exitCodes = new Dictionary<string, int?>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e is TaskExited exited)
            {
                exitCodes[exited.TaskType] = exited.ExitCode;
            }

            if (JobState(e) is { } state)
            {
                var errorCode = (e as JobFailed)?.ErrorCode;
                if (definition.Webhook is { } hook)
                {
                    found.Add(new Notification(after.JobId, definition.JobType, NotificationChannel.Webhook, state, e.At)
                    {
                        Webhook = hook, ErrorCode = errorCode, Params = after.Request.Params,
                    });
                }

                // formicary does not notify for forked child jobs: their parent's notification covers them.
                if (after.Request.ParentJobId is null)
                {
                    foreach (var channel in definition.Notify)
                    {
                        if (Channel(channel.Channel) is not { } kind || !Accepts(channel.When, state, previousFailed))
                        {
                            continue;
                        }

                        foreach (var recipient in channel.Recipients.Where(r => !string.IsNullOrWhiteSpace(r)))
                        {
                            found.Add(new Notification(after.JobId, definition.JobType, kind, state, e.At)
                            {
                                Recipient = recipient.Trim(), ErrorCode = errorCode, Fixed = previousFailed && state == "COMPLETED",
                            });
                        }
                    }
                }
            }
            else if (TaskState(e) is { } task && definition.Tasks.FirstOrDefault(t => t.TaskType == task.TaskType)?.Webhook is { } taskHook)
            {
                found.Add(new Notification(after.JobId, definition.JobType, NotificationChannel.Webhook, task.State, e.At)
                {
                    TaskType = task.TaskType, Webhook = taskHook, ErrorCode = task.ErrorCode, ExitCode = exitCodes.GetValueOrDefault(task.TaskType), Params = after.Request.Params,
                });
            }
        }

        return found;
    }

    /// <summary>
    /// True when a channel with this <c>when</c> rule is told of a job that reached <paramref name="state"/>: <c>always</c>
    /// (and an empty rule) on every end, <c>onSuccess</c> on COMPLETED, <c>onFailure</c> on FAILED and CANCELLED (formicary counts a cancelled job as failed), <c>never</c> never.
    /// Case, <c>_</c> and <c>-</c> are ignored (<c>on_failure</c>, <c>OnSuccess</c>). Only job ends (COMPLETED, FAILED,
    /// CANCELLED) and PAUSED are notified, as formicary finalizes them.
    /// </summary>
    /// <param name="when">The rule.</param>
    /// <param name="state">The job's state.</param>
    /// <param name="previousFailed">True when the previous job of the type failed: <c>onFailure</c> is told of a completed job too.</param>
    public static bool Accepts(string? when, string state, bool previousFailed = false)
    {
        if (state is not ("COMPLETED" or "FAILED" or "CANCELLED" or "PAUSED"))
        {
            return false;
        }

        return Normalize(when) switch
        {
            "" or "always" => true,
            "onsuccess" or "success" => state == "COMPLETED",
            "onfailure" or "failure" => state is "FAILED" or "CANCELLED" || (state == "COMPLETED" && previousFailed),
            _ => false,
        };
    }

    /// <summary>
    /// True when <see cref="For"/> needs to know how the previous job of the type ended: the events complete a job
    /// (not a forked child) that has notify channels.
    /// </summary>
    /// <param name="after">The job's state after the events.</param>
    /// <param name="events">The events.</param>
    public static bool NeedsPrevious(JobState after, IReadOnlyList<JobEvent> events) =>
        after?.Definition is { Notify.IsEmpty: false } && after.Request.ParentJobId is null && events.Any(e => e is JobCompleted);

    private static string Normalize(string? when) =>
        new string((when ?? string.Empty).Where(c => c is not ('_' or '-' or ' ')).ToArray()).ToLowerInvariant();

    private static NotificationChannel? Channel(string channel) => channel.Trim().ToLowerInvariant() switch
    {
        "email" => NotificationChannel.Email,
        "slack" => NotificationChannel.Slack,
        _ => null,
    };

    /// <summary>The job lifecycle state an event reports, in formicary's words; null for events that are not one.</summary>
    private static string? JobState(JobEvent e) => e switch
    {
        JobRequested => "PENDING",
        JobStarted => "STARTED",
        JobPaused => "PAUSED",
        JobCompleted => "COMPLETED",
        JobFailed => "FAILED",
        JobCancelled => "CANCELLED",
        _ => null,
    };

    private static (string TaskType, string State, string? ErrorCode)? TaskState(JobEvent e) => e switch
    {
        TaskStarted s => (s.TaskType, "STARTED", null),
        TaskCompleted c => (c.TaskType, "COMPLETED", null),
        TaskFailed f => (f.TaskType, "FAILED", f.ErrorCode),
        _ => null,
    };
}
