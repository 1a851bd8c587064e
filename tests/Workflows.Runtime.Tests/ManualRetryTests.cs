using Workflows.Definitions;

namespace Workflows.Runtime.Tests;

/// <summary>The decider's manual-retry rules: what may be retried, by whom, and what the retry and its root record.</summary>
public class ManualRetryTests
{
    private static readonly DecisionContext Now = new(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero), 0.5);

    private static JobDefinition Definition => Workflow.Create("manual", job => job.Task("a").Shell().Script("exit 3")).Definition;

    private static JobState Ended(string id, JobCommand end, string? by = "alice", string? rootId = null, int? version = 3)
    {
        var events = new List<JobEvent>();
        var state = JobState.Initial;
        foreach (var command in new JobCommand[]
        {
            new RequestJob(id, Definition, new JobRequest
            {
                Params = new Dictionary<string, string> { ["Code"] = "3", ["Keep"] = "k" }, Priority = 2, Queue = "q",
                SubmittedBy = by, DefinitionVersion = version, RetryOf = rootId, RetryRoot = rootId,
            }),
            new StartJob(),
            new StartTask("a", 1),
            end,
        })
        {
            foreach (var e in JobDecider.Decide(command, state, Now))
            {
                state = JobDecider.Evolve(state, e);
            }
        }

        return state;
    }

    private static JobState Failed(string id, string? by = "alice", string? rootId = null) => Ended(id, new ReportTaskResult("a", 1, 3), by, rootId);

    [Fact]
    public void A_failed_job_is_retried_as_a_new_job_with_its_pinned_definition_params_and_links()
    {
        var root = Failed("root");
        var decision = JobDecider.Retry(root, root, new RetryRequest("r1", "alice"), Now);

        Assert.Null(decision.Refusal);
        var job = decision.NewJob!;
        Assert.Equal(("r1", "root", "root", "alice", 3, 2, "q"), (job.JobId, job.Request.RetryOf, job.Request.RetryRoot, job.Request.SubmittedBy, job.Request.DefinitionVersion, job.Request.Priority, job.Request.Queue));
        Assert.Equal(root.Request.Params, job.Request.Params);
        Assert.Same(root.Definition, job.Definition);
        var retried = decision.RootEvent!;
        Assert.Equal(("root", Now.Now, "r1", "root", "alice", false, 3, 3), (retried.JobId, retried.At, retried.RetryJobId, retried.RetryOf, retried.RequestedBy, retried.AsAdmin, retried.DefinitionVersionFrom, retried.DefinitionVersionTo));
        Assert.Empty(retried.ParamsChanged);
        Assert.Equal(["r1"], JobDecider.Evolve(root, decision.RootEvent!).RetryIds);
    }

    [Fact]
    public void A_cancelled_job_may_be_retried_but_a_running_queued_or_completed_one_may_not()
    {
        var cancelled = Ended("c", new CancelJob());
        cancelled = JobDecider.Decide(new ReportTaskResult("a", 1, null), cancelled, Now).Aggregate(cancelled, JobDecider.Evolve);
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.Null(JobDecider.Retry(cancelled, cancelled, new RetryRequest("r", "alice"), Now).Refusal);

        var completed = Ended("done", new ReportTaskResult("a", 1, 0));
        var refusal = JobDecider.Retry(completed, completed, new RetryRequest("r", "alice"), Now).Refusal!;
        Assert.Equal(RetryRefusalReason.NotRetriable, refusal.Reason);
        Assert.Equal("Job done is completed with no failed task; only a failed or cancelled job, or a completed one whose allow_failure tasks failed, can be retried.", refusal.Message);

        var running = Ended("run", new StartJob());
        refusal = JobDecider.Retry(running, running, new RetryRequest("r", "alice"), Now).Refusal!;
        Assert.Equal("Job run is running; only a failed or cancelled job can be retried. Wait for it to end, or cancel it first.", refusal.Message);
    }

    [Fact]
    public void Another_tokens_job_needs_an_admin_token_and_an_explicit_as_admin_which_is_recorded()
    {
        var root = Failed("root", by: "alice");

        var plain = JobDecider.Retry(root, root, new RetryRequest("r", "bob"), Now).Refusal!;
        Assert.Equal(RetryRefusalReason.NotOwner, plain.Reason);
        Assert.Contains("a token may retry only its own jobs", plain.Message, StringComparison.Ordinal);

        var implicitAdmin = JobDecider.Retry(root, root, new RetryRequest("r", "ops", IsAdmin: true), Now).Refusal!;
        Assert.Contains("say so explicitly (act as admin)", implicitAdmin.Message, StringComparison.Ordinal);

        var flagWithoutAdmin = JobDecider.Retry(root, root, new RetryRequest("r", "bob", IsAdmin: false, AsAdmin: true), Now).Refusal;
        Assert.NotNull(flagWithoutAdmin);

        var admin = JobDecider.Retry(root, root, new RetryRequest("r", "ops", IsAdmin: true, AsAdmin: true), Now);
        Assert.Null(admin.Refusal);
        Assert.Equal(("ops", true), (admin.RootEvent!.RequestedBy, admin.RootEvent.AsAdmin));
        Assert.Equal("ops", admin.NewJob!.Request.SubmittedBy);
    }

    [Fact]
    public void A_job_belongs_to_the_token_id_that_submitted_it_not_to_a_later_token_of_the_same_name()
    {
        var root = Failed("root", by: "alice");
        root = root with { Request = root.Request with { SubmitterId = "id-old" } };

        var sameName = JobDecider.Retry(root, root, new RetryRequest("r", "alice") { RequesterId = "id-new" }, Now).Refusal!;
        Assert.Equal(RetryRefusalReason.NotOwner, sameName.Reason);

        var owner = JobDecider.Retry(root, root, new RetryRequest("r", "alice") { RequesterId = "id-old" }, Now);
        Assert.Null(owner.Refusal);
        Assert.Equal(("alice", "id-old", false), (owner.NewJob!.Request.SubmittedBy, owner.NewJob.Request.SubmitterId, owner.RootEvent!.AsAdmin));

        // A job recorded before token ids (or by the host) is not owned by any token id: only its host callers or an admin.
        var legacy = Failed("legacy", by: "alice");
        Assert.NotNull(JobDecider.Retry(legacy, legacy, new RetryRequest("r", "alice") { RequesterId = "id-new" }, Now).Refusal);
        Assert.Null(JobDecider.Retry(legacy, legacy, new RetryRequest("r", "alice"), Now).Refusal);
    }

    [Fact]
    public void A_retry_of_a_retry_lands_on_the_root_and_records_only_what_it_changed()
    {
        var root = Failed("root");
        var retry = Failed("r1", rootId: "root");
        var newer = Workflow.Create("manual", job => job.Task("a").Shell().Script("exit 0")).Definition;

        var decision = JobDecider.Retry(retry, root, new RetryRequest("r2", "alice")
        {
            Params = new Dictionary<string, string> { ["Code"] = "0", ["Keep"] = "k", ["New"] = "n" },
            Definition = (newer, 4),
        }, Now);

        Assert.Equal(("r1", "root"), (decision.NewJob!.Request.RetryOf, decision.NewJob.Request.RetryRoot));
        Assert.Equal("root", decision.RootEvent!.JobId);
        Assert.Equal(new Dictionary<string, string> { ["Code"] = "0", ["New"] = "n" }, decision.RootEvent.ParamsChanged);
        Assert.Equal((3, 4), (decision.RootEvent.DefinitionVersionFrom, decision.RootEvent.DefinitionVersionTo));
        Assert.Equal(new Dictionary<string, string> { ["Code"] = "0", ["Keep"] = "k", ["New"] = "n" }, decision.NewJob.Request.Params);
        Assert.Same(newer, decision.NewJob.Definition);

        var requested = Assert.IsType<JobRequested>(Assert.Single(JobDecider.Decide(decision.NewJob, JobState.Initial, Now)));
        Assert.Equal(("r1", "root"), (requested.Request.RetryOf, requested.Request.RetryRoot));
    }

    [Fact]
    public void A_resumed_retry_keeps_the_completed_tasks_and_starts_at_the_failed_one()
    {
        var definition = Workflow.Create("resume", job => job
            .Task("a").Shell().Script("true").OnCompleted("b")
            .Task("b").Shell().Script("exit 3").OnCompleted("c")
            .Task("c").Shell().Script("true")).Definition;
        var state = JobState.Initial;
        foreach (var command in new JobCommand[]
        {
            new RequestJob("root", definition, new JobRequest { SubmittedBy = "alice" }),
            new StartJob(), new StartTask("a", 1), new ReportTaskResult("a", 1, 0), new StartTask("b", 1), new ReportTaskResult("b", 1, 3),
        })
        {
            state = JobDecider.Decide(command, state, Now).Aggregate(state, JobDecider.Evolve);
        }

        Assert.Equal((JobStatus.Failed, "b"), (state.Status, state.FailedTask));
        var decision = JobDecider.Retry(state, state, new RetryRequest("r1", "alice") { Resume = true }, Now);

        Assert.Equal("b", decision.NewJob!.ResumeFrom);
        Assert.Equal([new CarriedTask("a", 0, "root")], decision.NewJob.Carried!);
        Assert.Equal("b", decision.RootEvent!.ResumeFrom);

        var retry = JobDecider.Fold(JobDecider.Decide(decision.NewJob, JobState.Initial, Now));
        var started = JobDecider.Decide(new StartJob(), retry, Now);
        Assert.Equal(["JobStarted", "TaskCarried", "TaskScheduled"], started.Select(e => e.GetType().Name));
        Assert.Equal(("a", 0, "root"), started.OfType<TaskCarried>().Select(c => (c.TaskType, c.ExitCode, c.FromJobId)).Single());
        Assert.Equal(("b", 1, ScheduleReason.Reached), started.OfType<TaskScheduled>().Select(t => (t.TaskType, t.Attempt, t.Reason)).Single());
        retry = started.Aggregate(retry, JobDecider.Evolve);
        Assert.Equal((TaskRunStatus.Completed, 1), (retry.Task("a").Status, retry.Succeeded));

        // Without resume, the same retry runs from the first task.
        var rerun = JobDecider.Retry(state, state, new RetryRequest("r2", "alice"), Now).NewJob!;
        Assert.Equal(((string?)null, (IReadOnlyList<CarriedTask>?)null), (rerun.ResumeFrom, rerun.Carried));
    }

    /// <summary>
    /// The Job API seed: "A job can go to 'completed' state even though there are errors as some of the records in the
    /// flow might have failed. In that event, failed records can be retried." A job whose allow_failure tasks failed
    /// completes with errors; its retry runs those tasks only, passing the completed ones it carries.
    /// </summary>
    [Fact]
    public void A_job_that_completed_with_errors_is_retried_for_its_failed_tasks_only()
    {
        var definition = Workflow.Create("records", job => job
            .Task("extract").Shell().Script("true").OnCompleted("load-a")
            .Task("load-a").Shell().Script("exit 3").AllowFailure().OnCompleted("index")
            .Task("index").Shell().Script("true").OnCompleted("load-b")
            .Task("load-b").Shell().Script("exit 3").AllowFailure().OnCompleted("report")
            .Task("report").Shell().Script("true")).Definition;
        var state = JobState.Initial;
        foreach (var command in new JobCommand[]
        {
            new RequestJob("root", definition, new JobRequest { SubmittedBy = "alice" }), new StartJob(),
            new StartTask("extract", 1), new ReportTaskResult("extract", 1, 0), new StartTask("load-a", 1), new ReportTaskResult("load-a", 1, 3),
            new StartTask("index", 1), new ReportTaskResult("index", 1, 0), new StartTask("load-b", 1), new ReportTaskResult("load-b", 1, 3),
            new StartTask("report", 1), new ReportTaskResult("report", 1, 0),
        })
        {
            state = JobDecider.Decide(command, state, Now).Aggregate(state, JobDecider.Evolve);
        }

        Assert.Equal((JobStatus.Completed, 3, 2), (state.Status, state.Succeeded, state.Ignored));
        Assert.True(JobDecider.CompletedWithErrors(state));
        var decision = JobDecider.Retry(state, state, new RetryRequest("r1", "alice"), Now);
        Assert.Null(decision.Refusal);
        Assert.Equal("load-a", decision.NewJob!.ResumeFrom);
        Assert.Equal(["extract", "index", "report"], decision.NewJob.Carried!.Select(c => c.TaskType).Order(StringComparer.Ordinal));

        var retry = JobDecider.Fold(JobDecider.Decide(decision.NewJob, JobState.Initial, Now));
        var ran = new List<string>();
        retry = JobDecider.Decide(new StartJob(), retry, Now).Aggregate(retry, JobDecider.Evolve);
        while (retry.Tasks.Values.FirstOrDefault(t => t.Status == TaskRunStatus.Scheduled) is { } due)
        {
            ran.Add(due.TaskType);
            retry = JobDecider.Decide(new StartTask(due.TaskType, due.Attempt), retry, Now).Aggregate(retry, JobDecider.Evolve);
            retry = JobDecider.Decide(new ReportTaskResult(due.TaskType, due.Attempt, 0), retry, Now).Aggregate(retry, JobDecider.Evolve);
        }

        Assert.Equal(["load-a", "load-b"], ran); // extract, index and report are carried, not run again
        Assert.Equal((JobStatus.Completed, 5, 0), (retry.Status, retry.Succeeded, retry.Ignored));
        Assert.False(JobDecider.CompletedWithErrors(retry));
        Assert.Equal(RetryRefusalReason.NotRetriable, JobDecider.CanRetry(retry, state)!.Reason);
    }

    [Fact]
    public void A_batch_parent_is_not_retried_as_a_whole_and_a_childs_retry_joins_its_batch()
    {
        var parent = Workflow.Create("batch", job => job.Task("fork").ForkJob("child")).Definition;
        var state = JobDecider.Fold(
        [
            new JobRequested("parent", Now.Now, parent, new JobRequest { SubmittedBy = "alice" }),
            new JobFailed("parent", Now.Now, "ERR_CHILD", "fork"),
        ]);
        var refusal = JobDecider.Retry(state, state, new RetryRequest("r", "alice"), Now).Refusal!;
        Assert.Equal(RetryRefusalReason.BatchParent, refusal.Reason);
        Assert.Contains("task 'fork' forks child jobs", refusal.Message, StringComparison.Ordinal);

        var child = Failed("child");
        child = child with { Request = child.Request with { ParentJobId = "parent", ForkTask = "fork" } };
        var retry = JobDecider.Retry(child, child, new RetryRequest("r", "alice"), Now).NewJob!;
        Assert.Equal(("parent", "fork"), (retry.Request.ParentJobId, retry.Request.ForkTask));
    }

    [Fact]
    public void A_root_retried_as_often_as_its_definition_allows_refuses_the_next_retry()
    {
        var limited = Workflow.Create("limited", job => job.MaxManualRetries(1).Task("a").Shell().Script("exit 3")).Definition;
        var root = JobDecider.Fold(
        [
            new JobRequested("root", Now.Now, limited, new JobRequest { SubmittedBy = "alice" }),
            new JobFailed("root", Now.Now, "ERR_FAILED", "a"),
        ]);
        var first = JobDecider.Retry(root, root, new RetryRequest("r1", "alice"), Now);
        Assert.Null(first.Refusal);
        root = JobDecider.Evolve(root, first.RootEvent!);

        var retry = Failed("r1", rootId: "root");
        var refusal = JobDecider.Retry(retry, root, new RetryRequest("r2", "alice"), Now).Refusal!;
        Assert.Equal(RetryRefusalReason.MaxRetries, refusal.Reason);
        Assert.Equal("Job root has been retried 1 time, the most its definition allows (max_manual_retries: 1). Fix the cause, then submit a new job.", refusal.Message);
    }

    [Fact]
    public void A_retry_may_raise_a_container_tasks_limits_and_records_the_change()
    {
        var definition = Workflow.Create("oom", job => job.Task("build").Container("alpine").Script("make").OnCompleted("note").Task("note").Shell().Script("true")).Definition;
        var root = JobDecider.Fold(
        [
            new JobRequested("root", Now.Now, definition, new JobRequest { SubmittedBy = "alice", DefinitionVersion = 2 }),
            new JobFailed("root", Now.Now, "ERR_FAILED", "build"),
        ]);

        var decision = JobDecider.Retry(root, root, new RetryRequest("r1", "alice")
        {
            Resources = new Dictionary<string, ContainerLimitsOverride> { ["build"] = new(null, "1Gi") },
        }, Now);

        Assert.Equal(("alpine", "1Gi", (string?)null), decision.NewJob!.Definition.FindTask("build")!.Container is { } c ? (c.Image, c.MemoryLimit, c.CpuLimit) : default);
        Assert.Equal(2, decision.NewJob.Request.DefinitionVersion);
        Assert.Equal(new Dictionary<string, string> { ["build"] = "memory_limit=1Gi" }, decision.RootEvent!.ResourcesChanged);
        Assert.Null(root.Definition!.FindTask("build")!.Container!.MemoryLimit); // the retried job's definition is untouched

        var refusal = JobDecider.Retry(root, root, new RetryRequest("r2", "alice")
        {
            Resources = new Dictionary<string, ContainerLimitsOverride> { ["note"] = new("2", null) },
        }, Now).Refusal!;
        Assert.Equal(RetryRefusalReason.BadResources, refusal.Reason);
        Assert.Contains("'note'", refusal.Message, StringComparison.Ordinal);
    }
}
