using Workflows.Definitions;
using Workflows.Executors;
using Workflows.Runtime;
using Workflows.Templates;

namespace Workflows.Testing;

/// <summary>
/// A job run in memory: the events the real decider decided, the state they fold to, every task run with its
/// rendered scripts, and assertions whose failure messages print the history.
/// </summary>
public sealed partial class WorkflowRun
{
    private readonly List<JobEvent> _events = [];
    private readonly List<AttemptRecord> _attempts = [];
    private readonly Dictionary<string, int> _runs = new(StringComparer.Ordinal);
    private readonly WorkflowTest _test;
    private readonly int _maxRuns;
    private readonly Random _random;

    internal WorkflowRun(WorkflowTest test, int maxRuns)
    {
        _test = test;
        _maxRuns = maxRuns;
        _random = new Random(test.Seed);
        Now = test.Start;
    }

    /// <summary>The job's id.</summary>
    public string JobId { get; } = "test-job";

    /// <summary>The virtual clock's time now.</summary>
    public DateTimeOffset Now { get; private set; }

    /// <summary>The job's state, folded from <see cref="Events"/>.</summary>
    public JobState State { get; private set; } = JobState.Initial;

    /// <summary>Where the job is.</summary>
    public JobStatus Status => State.Status;

    /// <summary>The job's error code once it failed.</summary>
    public string? ErrorCode => State.ErrorCode;

    /// <summary>Every event, in order.</summary>
    public IReadOnlyList<JobEvent> Events => _events;

    /// <summary>Every task run, in order.</summary>
    public IReadOnlyList<AttemptRecord> Attempts => _attempts;

    /// <summary>The path taken: the task of each run, in order (a retried task appears once per run).</summary>
    public IReadOnlyList<string> Path => _attempts.Select(a => a.Info.TaskType).ToList();

    /// <summary>Virtual time from the request to now.</summary>
    public TimeSpan Elapsed => Now - _test.Start;

    /// <summary>The history, one line per event: <c>+6s Exited second#1 2 RESTART_TASK</c> (time since the request).</summary>
    public IReadOnlyList<string> History => _events.Select(e => $"+{Seconds(e.At - _test.Start)} {EventText.Describe(e)}").ToList();

    /// <summary>The history without times: <c>Exited second#1 2 RESTART_TASK</c>.</summary>
    public IReadOnlyList<string> Trace => _events.Select(EventText.Describe).ToList();

    /// <summary>The scripts of a task's run as rendered (its latest run, or run <paramref name="run"/> from 1).</summary>
    /// <param name="taskType">The task.</param>
    /// <param name="run">Which of its runs, from 1; null for the latest.</param>
    /// <exception cref="WorkflowAssertionException">The task did not run (that often).</exception>
    public RenderedTask Rendered(string taskType, int? run = null)
    {
        var runs = _attempts.Where(a => a.Info.TaskType == taskType).ToList();
        var record = run is { } n ? runs.ElementAtOrDefault(n - 1) : runs.LastOrDefault();
        if (record?.Rendered is null)
        {
            throw Fail(record is null
                ? $"Task '{taskType}' ran {runs.Count} time(s); there is no run {run?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "to show"}."
                : $"Task '{taskType}' did not render: {record.RenderError}");
        }

        return record.Rendered;
    }

    /// <summary>Decides a command now (cancel, pause, resume, a vote), without running on: call <see cref="Continue"/> after.</summary>
    /// <param name="command">The command.</param>
    /// <returns>The events it produced (none when the decider refused it).</returns>
    public IReadOnlyList<JobEvent> Send(JobCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return Decide(command);
    }

    /// <summary>Moves the virtual clock on (e.g. past an approval's deadline), without running anything.</summary>
    /// <param name="by">How far.</param>
    public WorkflowRun Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Now += by;
        return this;
    }

    /// <summary>Runs on until the job ends or waits (for an approval, an operator's resume), skipping every delay.</summary>
    /// <exception cref="WorkflowAssertionException">The job ran more task runs than the bound; the message shows its history.</exception>
    public WorkflowRun Continue()
    {
        if (State.Status == JobStatus.Queued)
        {
            MoveTo(State.EarliestStart);
            Decide(new StartJob());
        }

        while (!IsFinished(State.Status) && !State.IsHeld)
        {
            if (_attempts.Count >= _maxRuns)
            {
                throw Fail($"The job did not end within {_maxRuns} task runs (does a task poll or retry forever?). Raise the bound with Run(maxRuns) if that is meant.");
            }

            if (Waiting() is { } gate)
            {
                if (_test.NextVote(gate.TaskType) is { } vote)
                {
                    Decide(vote);
                    continue;
                }

                if (gate.ApprovalDeadline is { } deadline && (Due() is not { } next || next.DueAt > deadline))
                {
                    MoveTo(deadline);
                    Decide(new ApprovalDeadlinePassed(gate.TaskType));
                    continue;
                }
            }

            var due = Due();
            if (JobDeadline() is { } jobDeadline && (due is null || due.DueAt > jobDeadline))
            {
                MoveTo(jobDeadline);
                Decide(new JobTimedOut());
                continue;
            }

            if (due is null)
            {
                break; // waiting: an approval without a scripted vote, or nothing left to run
            }

            RunAttempt(due);
        }

        return this;
    }

    internal void Request(JobRequest request) => Decide(new RequestJob(JobId, _test.Definition, request));

    private void RunAttempt(TaskRun due)
    {
        MoveTo(due.DueAt);
        var started = Now;
        if (Decide(new StartTask(due.TaskType, due.Attempt)).Count == 0)
        {
            throw Fail($"The decider refused to start task '{due.TaskType}' attempt {due.Attempt}; the kit's loop is out of step with the runtime (please report it).");
        }

        var run = _runs[due.TaskType] = _runs.GetValueOrDefault(due.TaskType) + 1;
        var info = new AttemptInfo(due.TaskType, run, due.Attempt, State.JobAttempt, Now - (State.StartedAt ?? Now));
        var task = State.TaskToRun(due.TaskType)!;
        var outcome = _test.OutcomeOf(info);
        RenderedTask? rendered = null;
        string? renderError = null;
        try
        {
            var request = new AttemptRequest(JobId, State.Definition!, State.Request.Params, task, due.Attempt, State.JobAttempt, State.StartedAt)
            {
                Context = State.Context(),
                JobRetry = State.JobRetry,
            };
            rendered = TaskRunner.Render(request, Now, _random);
        }
        catch (TemplateRenderException e)
        {
            renderError = e.Message;
        }

        _attempts.Add(new AttemptRecord(info, started, rendered, renderError, outcome));
        var timedOut = outcome.TimedOut || (task.Timeout is { } limit && outcome.Duration > limit);
        var end = started + (timedOut && task.Timeout is { } timeout ? timeout : outcome.Duration);
        if (JobDeadline() is { } jobDeadline && jobDeadline < end)
        {
            // The job's timeout passes while the attempt runs, as another worker's timeout claim would.
            MoveTo(jobDeadline);
            Decide(new JobTimedOut());
        }

        MoveTo(end);
        var report = renderError is not null
            ? new ReportTaskResult(due.TaskType, due.Attempt, null, ErrorCode: ExecutorErrors.TemplateFailed)
            : timedOut
                ? new ReportTaskResult(due.TaskType, due.Attempt, null, TimedOut: true)
                : new ReportTaskResult(due.TaskType, due.Attempt, outcome.ExitCode, outcome.ExceptionType, ErrorCode: outcome.ErrorCode);
        Decide(report with
        {
            EndedAt = end,
            Outputs = renderError is null && outcome.Outputs.Count > 0 ? outcome.Outputs : null,
            OutputTail = outcome.OutputTail,
        });
    }

    /// <summary>The attempt a worker would claim next: the earliest due, in definition order on a tie.</summary>
    private TaskRun? Due() => State.Tasks.Values
        .Where(t => t.Status is TaskRunStatus.Scheduled or TaskRunStatus.Executing && t.DueAt is not null)
        .OrderBy(t => t.DueAt)
        .ThenBy(t => IndexOf(t.TaskType))
        .FirstOrDefault();

    private TaskRun? Waiting() => State.Tasks.Values
        .Where(t => t.Status == TaskRunStatus.AwaitingApproval)
        .OrderBy(t => IndexOf(t.TaskType))
        .FirstOrDefault();

    private DateTimeOffset? JobDeadline() =>
        State.Status is JobStatus.Running or JobStatus.Paused or JobStatus.AwaitingApproval && State.Definition?.Timeout is { } timeout && State.StartedAt is { } started
            ? started + timeout
            : null;

    private int IndexOf(string taskType)
    {
        var tasks = State.Definition!.Tasks;
        for (var i = 0; i < tasks.Count; i++)
        {
            if (tasks[i].TaskType == taskType)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    private IReadOnlyList<JobEvent> Decide(JobCommand command)
    {
        var events = JobDecider.Decide(command, State, new DecisionContext(Now, _test.Jitter));
        foreach (var e in events)
        {
            State = JobDecider.Evolve(State, e);
        }

        _events.AddRange(events);
        return events;
    }

    private void MoveTo(DateTimeOffset? at)
    {
        if (at is { } time && time > Now)
        {
            Now = time;
        }
    }

    private static bool IsFinished(JobStatus status) => status is JobStatus.Completed or JobStatus.Failed or JobStatus.Cancelled;

    internal static string Seconds(TimeSpan span) =>
        span.TotalSeconds.ToString(span.Milliseconds == 0 ? "0" : "0.###", System.Globalization.CultureInfo.InvariantCulture) + "s";
}
