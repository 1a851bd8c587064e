using Microsoft.Extensions.Time.Testing;
using Workflows.Definitions;

namespace Workflows.Runtime.Tests;

/// <summary>Drives one job through the pure decider with a fake clock, the way the runtime will: claim due tasks, report results.</summary>
internal sealed class JobRun
{
    private readonly List<JobEvent> _events = [];

    public JobRun(JobDefinition definition, double jitter = 0.5)
    {
        Jitter = jitter;
        Decide(new RequestJob("job-1", definition, new JobRequest()));
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));

    public double Jitter { get; set; }

    public JobState State { get; private set; } = JobState.Initial;

    public IReadOnlyList<JobEvent> Events => _events;

    public DateTimeOffset Start0 => Clock.GetUtcNow();

    public IReadOnlyList<JobEvent> Decide(JobCommand command)
    {
        var events = JobDecider.Decide(command, State, new DecisionContext(Clock.GetUtcNow(), Jitter));
        foreach (var e in events)
        {
            State = JobDecider.Evolve(State, e);
        }

        _events.AddRange(events);
        return events;
    }

    /// <summary>The task that is due next (what a worker would claim).</summary>
    public TaskRun Due => State.Tasks.Values
        .Where(t => t.Status is TaskRunStatus.Scheduled or TaskRunStatus.Executing)
        .OrderBy(t => t.DueAt)
        .ThenBy(t => State.Definition!.Tasks.Select(d => d.TaskType).ToList().IndexOf(t.TaskType))
        .First();

    /// <summary>Waits until the due task's time, starts it, and reports the exit code. Returns the events of the report.</summary>
    public IReadOnlyList<JobEvent> Run(string taskType, int? exitCode, bool timedOut = false, string? exception = null, string? errorCode = null)
    {
        var due = Due;
        Assert.Equal(taskType, due.TaskType);
        if (due.DueAt > Clock.GetUtcNow())
        {
            Clock.SetUtcNow(due.DueAt.Value);
        }

        Assert.Single(Decide(new StartTask(taskType, due.Attempt)));
        return Decide(new ReportTaskResult(taskType, due.Attempt, exitCode, exception, timedOut, errorCode));
    }

    /// <summary>Waits until the due task's time, starts it, and reports what <paramref name="report"/> makes of its attempt number.</summary>
    public IReadOnlyList<JobEvent> Run(string taskType, Func<int, ReportTaskResult> report)
    {
        var due = Due;
        Assert.Equal(taskType, due.TaskType);
        if (due.DueAt > Clock.GetUtcNow())
        {
            Clock.SetUtcNow(due.DueAt.Value);
        }

        Assert.Single(Decide(new StartTask(taskType, due.Attempt)));
        return Decide(report(due.Attempt));
    }

    /// <summary>Event type names after the request, for compact sequence assertions.</summary>
    public IReadOnlyList<string> Trace() => _events.Skip(1).Select(Describe).ToList();

    private static string Describe(JobEvent e) => e switch
    {
        JobStarted s => $"JobStarted#{s.JobAttempt}",
        TaskScheduled s => $"Scheduled {s.TaskType}#{s.Attempt} {s.Reason}",
        TaskStarted s => $"Started {s.TaskType}#{s.Attempt}",
        TaskExited x => $"Exited {x.TaskType}#{x.Attempt} {x.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} {x.Action}",
        TaskCompleted c => $"Completed {c.TaskType}",
        TaskFailed f => $"Failed {f.TaskType} {f.ErrorCode}{(f.Ignored ? " ignored" : string.Empty)}",
        JobRetryScheduled r => $"JobRetry#{r.JobAttempt} from {r.FromTask}{(r.FullRestart ? " full" : string.Empty)}",
        JobPaused p => $"Paused {p.TaskType}",
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
}
