using Workflows.Definitions;
using Workflows.Marten;
using Workflows.Marten.Definitions;
using Workflows.Templates;
using Workflows.Runtime;

namespace Workflows;

/// <summary>Submits jobs and reads them back: what an application (or the HTTP API) calls.</summary>
/// <param name="jobs">The job store.</param>
/// <param name="workflows">The registered workflows.</param>
/// <param name="definitions">Uploaded definitions (YAML or JSON), by type and version.</param>
/// <param name="configs">Job configs and host secrets (they satisfy required_params).</param>
public sealed class WorkflowClient(JobStore jobs, IEnumerable<Workflow> workflows, DefinitionStore definitions, Marten.Configs.JobConfigs configs)
{
    private readonly Dictionary<string, Workflow> _byType = workflows.ToDictionary(w => w.Definition.JobType, StringComparer.Ordinal);

    /// <summary>The job types this host runs.</summary>
    public IReadOnlyCollection<string> JobTypes => _byType.Keys;

    /// <summary>Submits a job of a registered type; it is queued and a worker starts it.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="parameters">Request parameters (template variables).</param>
    /// <param name="priority">Higher runs first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new job's id.</returns>
    /// <exception cref="ArgumentException">The job type is not registered; the message lists the ones that are.</exception>
    public async Task<string> SubmitAsync(string jobType, IReadOnlyDictionary<string, string>? parameters = null, int priority = 0, CancellationToken cancellationToken = default)
    {
        if (!_byType.TryGetValue(jobType, out var workflow))
        {
            throw new ArgumentException(
                $"Unknown job type '{jobType}'. Registered: {string.Join(", ", _byType.Keys.Order(StringComparer.Ordinal).Select(t => "'" + t + "'"))}. Register it with services.AddWorkflowsFromAssembly() or as a Workflow singleton.",
                nameof(jobType));
        }

        var id = Guid.CreateVersion7().ToString("N");
        await jobs.ExecuteAsync(id, new RequestJob(id, workflow.Definition, new JobRequest { Params = parameters ?? new Dictionary<string, string>(), Priority = priority }), cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>
    /// Submits a job of a known type: a compiled workflow of this host first, else the latest stored definition of
    /// that type (the job is pinned to that version).
    /// </summary>
    /// <param name="submission">The job type, parameters and options.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new job's id.</returns>
    /// <exception cref="UnknownJobTypeException">Neither a compiled workflow nor a stored definition has that type.</exception>
    /// <exception cref="JobTypeDisabledException">The stored definition is disabled.</exception>
    /// <exception cref="MissingParamsException">The definition's required_params are not all given (as params, job configs or host secrets).</exception>
    public async Task<string> SubmitAsync(JobSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var (definition, version) = await ResolveAsync(submission.JobType, cancellationToken).ConfigureAwait(false);
        var missing = definition.RequiredParams.Where(p => !submission.Params.ContainsKey(p)).ToList();
        if (missing.Count > 0)
        {
            // A job config or host secret of that name is a value the job will see (formicary checks configs too).
            var available = (await configs.ForAttemptAsync(definition.JobType, cancellationToken).ConfigureAwait(false)).Values;
            missing.RemoveAll(available.ContainsKey);
        }

        if (missing.Count > 0)
        {
            throw new MissingParamsException(submission.JobType, missing);
        }

        var id = Guid.CreateVersion7().ToString("N");
        var request = new RequestJob(id, definition, submission.AsRequest() with { DefinitionVersion = version, RetryOf = null, RetryRoot = null });
        await jobs.ExecuteAsync(id, request, cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>
    /// The definition a new job of this type runs: the compiled workflow's (no version), else the latest stored
    /// version.
    /// </summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="UnknownJobTypeException">Neither a compiled workflow nor a stored definition has that type.</exception>
    /// <exception cref="JobTypeDisabledException">The stored definition is disabled.</exception>
    public async Task<(JobDefinition Definition, int? Version)> ResolveAsync(string jobType, CancellationToken cancellationToken = default)
    {
        if (_byType.TryGetValue(jobType, out var workflow))
        {
            return (workflow.Definition, null);
        }

        var type = await definitions.GetTypeAsync(jobType, cancellationToken).ConfigureAwait(false);
        if (type is null)
        {
            var stored = await definitions.ListAsync(cancellationToken).ConfigureAwait(false);
            throw new UnknownJobTypeException(jobType, _byType.Keys.Concat(stored.Select(t => t.Id)).Distinct(StringComparer.Ordinal));
        }

        if (type.Disabled)
        {
            throw new JobTypeDisabledException(jobType);
        }

        var latest = await definitions.GetAsync(jobType, type.LatestVersion, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Definition '{jobType}' version {type.LatestVersion} is missing from the store.");
        return (latest.Definition, latest.Version);
    }

    /// <summary>True when a compiled workflow of this host has the job type.</summary>
    /// <param name="jobType">The job type.</param>
    public bool IsCompiled(string jobType) => _byType.ContainsKey(jobType);

    /// <summary>
    /// Submits a job of a definition that is not a registered workflow class (e.g. loaded from legacy YAML); it is
    /// checked by the same validator as every other definition and pinned to the job as given.
    /// </summary>
    /// <param name="definition">The definition.</param>
    /// <param name="parameters">Request parameters (template variables).</param>
    /// <param name="priority">Higher runs first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new job's id.</returns>
    /// <exception cref="InvalidWorkflowDefinitionException">The definition has errors; the message lists each.</exception>
    public async Task<string> SubmitAsync(JobDefinition definition, IReadOnlyDictionary<string, string>? parameters = null, int priority = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var problems = DefinitionChecks.Validate(definition);
        if (problems.Any(p => p.IsError))
        {
            throw new InvalidWorkflowDefinitionException(definition.JobType, problems.Where(p => p.IsError).ToList());
        }

        var id = Guid.CreateVersion7().ToString("N");
        await jobs.ExecuteAsync(id, new RequestJob(id, definition, new JobRequest { Params = parameters ?? new Dictionary<string, string>(), Priority = priority }), cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>The job's view, or null.</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<JobView?> GetAsync(string jobId, CancellationToken cancellationToken = default) => jobs.GetAsync(jobId, cancellationToken);

    /// <summary>Cancels a job: a queued one ends at once; a running one stops its tasks and runs its cleanup.</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task CancelAsync(string jobId, CancellationToken cancellationToken = default) => jobs.ExecuteAsync(jobId, new CancelJob(), cancellationToken);
}
