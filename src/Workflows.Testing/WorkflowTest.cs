using System.Collections.Immutable;
using Workflows.Definitions;
using Workflows.Runtime;
using Workflows.Templates;
using Workflows.Yaml;

namespace Workflows.Testing;

/// <summary>
/// A workflow to run in memory through the real decider (<see cref="JobDecider"/>), with a clock that skips time and
/// scripted outcomes per task and attempt: no database, no containers, milliseconds per test.
/// </summary>
/// <example>
/// <code>
/// var run = WorkflowTest.FromYamlFile("retry-job.yaml")
///     .When("second", Outcome.Exit(2), Outcome.Exit(2), Outcome.Exit(3))
///     .Run();
/// run.ShouldFail("ERR_XYZ");
/// </code>
/// </example>
/// <remarks>
/// A task without a script exits 0. Tasks are not executed: their outcome is what the script says, so C# task bodies,
/// containers and HTTP calls do not run (use <see cref="WorkflowsTestHost"/> for that); their templates are rendered
/// for every attempt, as the worker renders them, and kept on <see cref="WorkflowRun.Attempts"/>.
/// </remarks>
public sealed class WorkflowTest
{
    private readonly Dictionary<string, Func<AttemptInfo, Outcome>> _scripts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<(string Voter, ApprovalDecision Decision, string? Comment)>> _votes = new(StringComparer.Ordinal);
    private ImmutableDictionary<string, string> _params = ImmutableDictionary<string, string>.Empty;

    private WorkflowTest(JobDefinition definition) => Definition = definition;

    /// <summary>The definition under test, validated.</summary>
    public JobDefinition Definition { get; }

    /// <summary>When the job is requested on the virtual clock.</summary>
    /// <value>Default: 2026-01-01T00:00:00Z.</value>
    public DateTimeOffset Start { get; private set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The jitter sample the decider gets for backoff (0 to 1).</summary>
    /// <value>Default: 0.5 (a backoff's jitter neither adds nor takes away).</value>
    public double Jitter { get; private set; } = 0.5;

    /// <summary>The seed of the templates' <c>Random</c>.</summary>
    /// <value>Default: 0.</value>
    public int Seed { get; private set; }

    /// <summary>A test of a <c>[Workflow]</c> class.</summary>
    /// <typeparam name="TWorkflow">The workflow.</typeparam>
    public static WorkflowTest For<TWorkflow>()
        where TWorkflow : Workflow, new() => For(new TWorkflow());

    /// <summary>A test of a workflow instance.</summary>
    /// <param name="workflow">The workflow.</param>
    public static WorkflowTest For(Workflow workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        return For(workflow.Definition);
    }

    /// <summary>A test of a compiled definition, checked by the one validator first.</summary>
    /// <param name="definition">The definition.</param>
    /// <exception cref="InvalidWorkflowDefinitionException">The definition has errors; the message lists each.</exception>
    public static WorkflowTest For(JobDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = DefinitionChecks.Validate(definition).Where(p => p.IsError).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidWorkflowDefinitionException(definition.JobType, errors);
        }

        return new WorkflowTest(definition);
    }

    /// <summary>A test of a legacy formicary YAML definition, loaded and validated as an upload is.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="path">Where it came from, shown in problems.</param>
    /// <exception cref="ArgumentException">The YAML has errors; the message lists each with its line and column.</exception>
    public static WorkflowTest FromYaml(string yaml, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var loaded = YamlJobLoader.Load(yaml, path);
        if (!loaded.Succeeded)
        {
            throw new ArgumentException(
                $"The YAML definition {path ?? "(text)"} cannot be run; fix these problems:{Environment.NewLine}  "
                + string.Join(Environment.NewLine + "  ", loaded.Problems.Where(p => p.IsError)),
                nameof(yaml));
        }

        return new WorkflowTest(loaded.Definition!);
    }

    /// <summary>A test of a legacy formicary YAML file.</summary>
    /// <param name="path">The file.</param>
    public static WorkflowTest FromYamlFile(string path) => FromYaml(File.ReadAllText(path), path);

    /// <summary>Adds a request parameter (a template variable such as <c>{{.Greeting}}</c>).</summary>
    /// <param name="name">The parameter.</param>
    /// <param name="value">Its value.</param>
    public WorkflowTest WithParam(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        _params = _params.SetItem(name, value);
        return this;
    }

    /// <summary>
    /// Scripts a task's runs in order: the first run gets the first outcome, and so on; the last repeats. Every run
    /// counts: task retries, EXECUTING polls and the runs after a job retry.
    /// </summary>
    /// <param name="taskType">The task.</param>
    /// <param name="outcomes">One outcome per run.</param>
    /// <exception cref="ArgumentException">The definition has no such task (the message names the ones it has).</exception>
    public WorkflowTest When(string taskType, params Outcome[] outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        if (outcomes.Length == 0)
        {
            throw new ArgumentException($"Give task '{taskType}' at least one outcome, e.g. Outcome.Exit(0).", nameof(outcomes));
        }

        return When(taskType, attempt => outcomes[Math.Min(attempt.Run, outcomes.Length) - 1]);
    }

    /// <summary>Scripts a task's runs by what each one is (its run number, attempt, job attempt, the time).</summary>
    /// <param name="taskType">The task.</param>
    /// <param name="outcome">The outcome of a run.</param>
    /// <exception cref="ArgumentException">The definition has no such task (the message names the ones it has).</exception>
    public WorkflowTest When(string taskType, Func<AttemptInfo, Outcome> outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        _scripts[KnownTask(taskType)] = outcome;
        return this;
    }

    /// <summary>Votes on a MANUAL task when the job waits for it (votes are cast in the order given, one per wait).</summary>
    /// <param name="taskType">The approval task.</param>
    /// <param name="decision">Approve or reject.</param>
    /// <param name="voter">Who votes.</param>
    /// <param name="comment">Why (required to reject).</param>
    public WorkflowTest Vote(string taskType, ApprovalDecision decision, string voter = "tester", string? comment = null)
    {
        var task = KnownTask(taskType);
        if (!_votes.TryGetValue(task, out var votes))
        {
            _votes[task] = votes = new();
        }

        votes.Enqueue((voter, decision, comment ?? (decision == ApprovalDecision.Rejected ? "rejected by the test" : null)));
        return this;
    }

    /// <summary>Requests the job at another virtual time.</summary>
    /// <param name="start">The time.</param>
    public WorkflowTest StartingAt(DateTimeOffset start)
    {
        Start = start;
        return this;
    }

    /// <summary>Sets the jitter sample (0 to 1) the decider gets for backoff delays.</summary>
    /// <param name="jitter">The sample.</param>
    public WorkflowTest WithJitter(double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(jitter, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(jitter, 1);
        Jitter = jitter;
        return this;
    }

    /// <summary>Seeds the templates' <c>Random</c> so a rendered script is repeatable.</summary>
    /// <param name="seed">The seed.</param>
    public WorkflowTest WithSeed(int seed)
    {
        Seed = seed;
        return this;
    }

    /// <summary>Runs the job until it ends or waits (for an approval, an operator's resume), skipping every delay.</summary>
    /// <param name="maxRuns">A bound on task runs, so a workflow that polls forever fails the test instead of hanging it.</param>
    /// <exception cref="WorkflowAssertionException">The job ran more than <paramref name="maxRuns"/> task runs; the message shows its history.</exception>
    public WorkflowRun Run(int maxRuns = 1000)
    {
        var run = new WorkflowRun(this, maxRuns);
        run.Request(new JobRequest { Params = _params });
        return run.Continue();
    }

    internal Outcome OutcomeOf(AttemptInfo attempt) =>
        _scripts.TryGetValue(attempt.TaskType, out var script) ? script(attempt) : Outcome.Succeeds;

    internal VoteOnTask? NextVote(string taskType) =>
        _votes.TryGetValue(taskType, out var votes) && votes.TryDequeue(out var vote)
            ? new VoteOnTask(taskType, vote.Voter, null, [], vote.Decision, vote.Comment)
            : null;

    private string KnownTask(string taskType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskType);
        if (Definition.FindTask(taskType) is null)
        {
            throw new ArgumentException(
                $"Job '{Definition.JobType}' has no task '{taskType}'. Its tasks: {string.Join(", ", Definition.Tasks.Select(t => "'" + t.TaskType + "'"))}.",
                nameof(taskType));
        }

        return taskType;
    }
}
