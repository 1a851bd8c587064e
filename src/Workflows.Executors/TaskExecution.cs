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

    /// <summary>
    /// The variables exported to scripts under their own names, as formicary's ant exports its task request's variables
    /// (<see cref="ProcessEnvironment"/>; <see cref="ExportedVariables"/> chooses them).
    /// </summary>
    public IReadOnlyDictionary<string, string> Exported { get; init; } = new Dictionary<string, string>();

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
    /// The environment of the attempt's process or container: the <see cref="Exported"/> variables under their own
    /// names, then the runtime variables, then each request param whose name is an identifier
    /// (<c>[A-Za-z_][A-Za-z0-9_]*</c>) as <c>WORKFLOWS_PARAM_{name}</c> (a script reads it quoted,
    /// <c>"$WORKFLOWS_PARAM_Target"</c>, which the shell never parses as code), then the task's environment (which wins).
    /// </summary>
    public IReadOnlyDictionary<string, string> ProcessEnvironment()
    {
        var environment = new Dictionary<string, string>(Exported, StringComparer.Ordinal);
        foreach (var (name, value) in RuntimeEnvironment())
        {
            environment[name] = value;
        }

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

    /// <summary>Values longer than this are not exported (an environment is bounded; templates still read them).</summary>
    public const int MaxExportedLength = 32 * 1024;

    /// <summary>Names a variable never sets in the environment: the runtime's own, the dynamic loader's and the shell's start-up and parsing.</summary>
    private static readonly HashSet<string> Protected = new(StringComparer.Ordinal)
    {
        "PATH", "HOME", "SHELL", "ENV", "BASH_ENV", "IFS", "PS4", "SHELLOPTS", "BASHOPTS", "GLOBIGNORE", "CDPATH", "HOSTNAME", "USER", "LOGNAME", "PWD", "OLDPWD",
    };

    /// <summary>
    /// What formicary's ant exports (every variable of the task request, by its own name), less what would let a
    /// submitter steer the process: a request param's own name is exported only when the definition declares it (a job
    /// variable, a task variable or a required param: the submitter then sets a value, not a name; an undeclared param
    /// is <c>WORKFLOWS_PARAM_{name}</c> only). Secret configs are not exported (a template or the task's
    /// <c>environment</c> passes one on purpose); names that are not identifiers, protected names (<c>PATH</c>,
    /// <c>LD_*</c>, <c>BASH_ENV</c>, <c>WORKFLOWS_*</c>, …), values with a NUL or over <see cref="MaxExportedLength"/>
    /// characters are left out.
    /// </summary>
    /// <param name="job">The job's definition.</param>
    /// <param name="task">The task's definition.</param>
    /// <param name="variables">The attempt's variables (job variables, configs, params, outputs, task variables; later winning).</param>
    /// <param name="parameters">The request's params.</param>
    /// <param name="secrets">The names of secret configs.</param>
    public static IReadOnlyDictionary<string, string> ExportedVariables(
        JobDefinition job, TaskDefinition task, IReadOnlyDictionary<string, string> variables, IReadOnlyDictionary<string, string> parameters, IReadOnlySet<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(secrets);
        var declared = new HashSet<string>(job.JobVariables.Select(v => v.Name).Concat(task.Variables.Select(v => v.Name)).Concat(job.RequiredParams), StringComparer.Ordinal);
        var exported = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in variables)
        {
            if (IsIdentifier(name) && !secrets.Contains(name) && (!parameters.ContainsKey(name) || declared.Contains(name)) && !IsProtected(name)
                && value.Length <= MaxExportedLength && value.IndexOf('\0', StringComparison.Ordinal) < 0)
            {
                exported[name] = value;
            }
        }

        return exported;
    }

    private static bool IsProtected(string name) =>
        Protected.Contains(name) || name.StartsWith("WORKFLOWS_", StringComparison.Ordinal) || name.StartsWith("LD_", StringComparison.Ordinal)
        || name.StartsWith("DYLD_", StringComparison.Ordinal) || name.StartsWith("BASH_FUNC_", StringComparison.Ordinal);

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(Definitions.VariableNames.IsNameChar);
}
