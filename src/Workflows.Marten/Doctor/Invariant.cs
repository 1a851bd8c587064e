namespace Workflows.Marten.Doctor;

/// <summary>
/// One rule the store must keep, with a stable id (what <c>workflows doctor</c> prints and docs/reliability.md lists), what
/// it means and what to do when it is broken.
/// </summary>
/// <param name="Id">The stable id, e.g. <c>ended-once</c>.</param>
/// <param name="Rule">What must hold.</param>
/// <param name="Fix">What to do about a job that breaks it.</param>
public sealed record Invariant(string Id, string Rule, string Fix)
{
    /// <summary>A stream starts with one JobRequested, ends at most once (one JobCompleted, JobFailed or JobCancelled) and nothing changes the job after its end.</summary>
    public static readonly Invariant EndedOnce = new(
        "ended-once",
        "a job's stream starts with one JobRequested, has at most one end event (JobCompleted/JobFailed/JobCancelled), and no event after it changes the job",
        "the stream was written outside the decider (or by two writers without the version check): keep the first end, and report the stream's events (`workflows jobs events ID`) as a bug");

    /// <summary>Each attempt of a task starts once and its result is recorded once.</summary>
    public static readonly Invariant AttemptOnce = new(
        "attempt-once",
        "each task attempt is started once while it is scheduled, and its result (TaskExited) is recorded once, while it runs",
        "a result or a start was appended twice (a lost version check): the first one counts; report the job's events as a bug");

    /// <summary>The stream's version in mt_streams is its number of events.</summary>
    public static readonly Invariant StreamVersion = new(
        "stream-version",
        "the stream's version (mt_streams) equals its number of events, numbered 1..n",
        "events were deleted or inserted by hand; restore the stream from a backup");

    /// <summary>The job view is the stream's folded state.</summary>
    public static readonly Invariant ViewMatchesStream = new(
        "view-state",
        "every stream has a job view, every job view a stream, and the view's status, version, counters and tasks are the stream's folded state",
        "the view was written outside the job's transaction: rebuild it from the stream (JobView.From(JobDecider.Fold(events))) or report it as a bug");

    /// <summary>The due rows are exactly those the job's state asks for: none for an ended job, one for each scheduled, polling or running attempt, start, timeout or approval timer.</summary>
    public static readonly Invariant DueRows = new(
        "due-rows",
        "a job's due rows are exactly those its folded state asks for (DueTasks.Plan): none once it ended, and one for every start, attempt, timeout and approval timer it waits for",
        "a missing row leaves the job orphaned (no host will ever claim it) and an extra row makes a host claim work that is gone: run the job's next command again (e.g. `workflows jobs cancel ID`) or report it as a bug");

    /// <summary>A due row's attempt is the attempt the job is at.</summary>
    public static readonly Invariant DueAttempt = new(
        "due-attempt",
        "an attempt's due row names the attempt the job's state is at",
        "a row was left by an older attempt: a claim of it is refused by the decider, and the job waits; report it as a bug");

    /// <summary>A job that waits for a host is claimed within the bound.</summary>
    public static readonly Invariant Claimed = new(
        "claimed",
        "a job that is not finished, held or awaiting approval has its due work claimed within the bound (its row due and unleased, or its lease lapsed, no longer than that)",
        "no host claims it: check that a host with workers runs for its queue (`workflows serve`, Workflows:Queues), with all the task's tags if it has any (`workflows serve --tags`, Workflows:Tags), and reaches the database");

    /// <summary>At most one manual retry of a root in flight, and the lock table agrees with the jobs.</summary>
    public static readonly Invariant RetryOnce = new(
        "retry-once",
        "a root has at most one manual retry that is not finished, and wf_retry_inflight holds a row for it exactly while it runs",
        "a stale lock row (its retry ended) blocks the root's retries: delete it (`delete from <schema>.wf_retry_inflight where root_id = 'ROOT'`); two retries in flight are a bug to report");

    /// <summary>A FORK_JOB attempt forks one child each time it starts; a job-mode fan-out attempt one per item.</summary>
    public static readonly Invariant ForkOnce = new(
        "fork-once",
        "a FORK_JOB task has at most as many forked children as it had attempts started, and a job-mode fan_out task at most that many per item (its FanOutIndex_<i> param)",
        "the fork task ran again after its host died between submitting the child and recording the result: the extra child runs a second time; cancel it (`workflows jobs cancel ID`) if it must not");

    /// <summary>Notifications belong to jobs that exist; a job's end is notified once, and only once it ended.</summary>
    public static readonly Invariant Outbox = new(
        "outbox",
        "every notification row (wf_outbox) belongs to a job stream, a job's end (COMPLETED/FAILED/CANCELLED) is queued once per channel and recipient, and only when the job has ended",
        "delete the notification row that has no job or was queued twice (`delete from <schema>.wf_outbox where id = …`) before a host sends it");

    /// <summary>Every invariant, in the order the checker reports them.</summary>
    public static IReadOnlyList<Invariant> All { get; } = [EndedOnce, AttemptOnce, StreamVersion, ViewMatchesStream, DueRows, DueAttempt, Claimed, RetryOnce, ForkOnce, Outbox];
}
