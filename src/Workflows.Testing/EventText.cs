using System.Globalization;
using Workflows.Runtime;

namespace Workflows.Testing;

/// <summary>One event as a short line of the history: <c>Exited second#1 2 RESTART_TASK</c>.</summary>
internal static class EventText
{
    public static string Describe(JobEvent e) => e switch
    {
        JobRequested r => $"Requested {r.Definition.JobType}",
        JobUpdated => "Updated",
        JobStarted s => $"JobStarted#{s.JobAttempt}",
        TaskCarried c => $"Carried {c.TaskType} from {c.FromJobId}",
        TaskScheduled s => $"Scheduled {s.TaskType}#{s.Attempt} {s.Reason}",
        TaskStarted s => $"Started {s.TaskType}#{s.Attempt}",
        TaskExited x => $"Exited {x.TaskType}#{x.Attempt} {Code(x.ExitCode)} {x.Action}{(x.ExceptionType is { } type ? " " + type : string.Empty)}",
        TaskCompleted c => $"Completed {c.TaskType}",
        TaskFailed f => $"Failed {f.TaskType} {f.ErrorCode}{(f.Ignored ? " ignored" : string.Empty)}",
        JobRetryScheduled r => $"JobRetry#{r.JobAttempt} from {r.FromTask}{(r.FullRestart ? " full" : string.Empty)}",
        JobPaused p => $"Paused {p.TaskType}",
        JobPauseRequested p => $"PauseRequested by {p.By}",
        JobPausedByOperator p => $"PausedBy {p.By}",
        JobResumed r => $"Resumed by {r.By}",
        JobCancellationRequested => "Cancelling",
        JobEnding n => $"Ending {n.End}",
        JobCompleted => "JobCompleted",
        JobFailed f => $"JobFailed {f.ErrorCode}",
        JobCancelled => "JobCancelled",
        TaskAwaitingApproval a => $"Awaiting {a.TaskType}#{a.Attempt}",
        TaskVoted v => $"Voted {v.TaskType} {v.Voter} {JobDecider.Word(v.Decision)}",
        TaskApprovalDecided d => $"Decided {d.TaskType} {JobDecider.Word(d.Decision)}{(d.TimeoutAction is { } action ? " " + action : string.Empty)}",
        ApprovalEscalated x => $"Escalated {x.TaskType}",
        _ => e.GetType().Name,
    };

    private static string Code(int? exitCode) => exitCode?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
