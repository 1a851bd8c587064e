using Workflows.Definitions;
using Workflows.Executors.Artifacts;
using Workflows.Executors.Caches;
using Workflows.Executors.Logs;

namespace Workflows.Executors;

/// <summary>One task attempt, ready to run: its definition, its rendered templates, its log and its artifacts.</summary>
public sealed record TaskExecution
{
    /// <summary>The job run.</summary>
    public required string JobId { get; init; }

    /// <summary>The job type.</summary>
    public required string JobType { get; init; }

    /// <summary>The task's definition (pinned with the job).</summary>
    public required TaskDefinition Task { get; init; }

    /// <summary>The task attempt, from 1.</summary>
    public required int Attempt { get; init; }

    /// <summary>
    /// The most attempts this task can get (<see cref="TaskDefinition.MaxAttempts"/>: 1 + retry + the retries of its
    /// retry rules); null when unbounded (unlimited retries or a retry strategy).
    /// </summary>
    public required int? MaxAttempts { get; init; }

    /// <summary>The job attempt, from 0 (job retries and RESTART_JOB add one).</summary>
    public int JobAttempt { get; init; }

    /// <summary>The task's templates, rendered for this attempt.</summary>
    public required RenderedTask Rendered { get; init; }

    /// <summary>Configs, request params, job variables, the outputs of earlier tasks and task variables (later ones winning): in-process context and, without <see cref="Secrets"/>, HTTP bodies.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();

    /// <summary>The job's request params: exported to scripts as <c>WORKFLOWS_PARAM_{name}</c> (<see cref="ProcessEnvironment"/>).</summary>
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();

    /// <summary>The names in <see cref="Variables"/> that hold secret configs: HTTP bodies and forked jobs' params leave them out (a template may still use them, e.g. in a header).</summary>
    public IReadOnlySet<string> Secrets { get; init; } = new HashSet<string>();

    /// <summary><see cref="Variables"/> without the secret ones: what may leave the host as data.</summary>
    public IReadOnlyDictionary<string, string> PublicVariables() => Secrets.Count == 0
        ? Variables
        : Variables.Where(v => !Secrets.Contains(v.Key)).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);

    /// <summary>The attempt's log.</summary>
    public required ITaskLog Log { get; init; }

    /// <summary>Where the attempt's artifacts are saved.</summary>
    public required IArtifactStore Artifacts { get; init; }

    /// <summary>Where the task's <c>cache</c> is restored from and saved to; null: this host keeps no caches.</summary>
    public ICacheStore? Caches { get; init; }

    /// <summary>Artifacts of the tasks in <see cref="TaskDefinition.Dependencies"/>: placed in the working directory before the script runs.</summary>
    public IReadOnlyList<ArtifactInfo> Inputs { get; init; } = [];

    /// <summary>True when a failure of this attempt will not be retried; never true when retries are unbounded.</summary>
    public bool IsLastAttempt => MaxAttempts is { } max && Attempt >= max;

    /// <summary>
    /// The variables every process and container of the attempt gets besides its own environment:
    /// <c>WORKFLOWS_JOB_ID</c>, <c>WORKFLOWS_JOB_TYPE</c>, <c>WORKFLOWS_TASK_TYPE</c>, <c>WORKFLOWS_ATTEMPT</c>,
    /// <c>WORKFLOWS_MAX_ATTEMPTS</c> (a number, or <c>unlimited</c>), <c>WORKFLOWS_LAST_ATTEMPT</c> (<c>true</c>/<c>false</c>) and <c>WORKFLOWS_JOB_ATTEMPT</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> RuntimeEnvironment() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["WORKFLOWS_JOB_ID"] = JobId,
        ["WORKFLOWS_JOB_TYPE"] = JobType,
        ["WORKFLOWS_TASK_TYPE"] = Task.TaskType,
        ["WORKFLOWS_ATTEMPT"] = Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["WORKFLOWS_MAX_ATTEMPTS"] = MaxAttempts is { } max ? max.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unlimited",
        ["WORKFLOWS_LAST_ATTEMPT"] = IsLastAttempt ? "true" : "false",
        ["WORKFLOWS_JOB_ATTEMPT"] = JobAttempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The prefix of the environment variables that hold the request params (<c>WORKFLOWS_PARAM_Target</c>).</summary>
    public const string ParamPrefix = "WORKFLOWS_PARAM_";

    /// <summary>
    /// The environment of the attempt's process or container: the runtime variables, then each request param whose name
    /// is an identifier (<c>[A-Za-z_][A-Za-z0-9_]*</c>) as <c>WORKFLOWS_PARAM_{name}</c> (a script reads it quoted,
    /// <c>"$WORKFLOWS_PARAM_Target"</c>, which the shell never parses as code), then the task's environment (which wins).
    /// </summary>
    public IReadOnlyDictionary<string, string> ProcessEnvironment()
    {
        var environment = new Dictionary<string, string>(RuntimeEnvironment(), StringComparer.Ordinal);
        foreach (var (name, value) in Params)
        {
            if (IsIdentifier(name) && value.IndexOf('\0', StringComparison.Ordinal) < 0)
            {
                environment[ParamPrefix + name] = value;
            }
        }

        foreach (var (name, value) in Rendered.Environment)
        {
            environment[name] = value;
        }

        return environment;
    }

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(Definitions.VariableNames.IsNameChar);
}
