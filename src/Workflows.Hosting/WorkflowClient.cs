using Workflows.Client;
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

    /// <summary>
    /// Submits a job of a known type (a compiled workflow of this host, else the latest stored definition); it is
    /// queued and a worker starts it. The same contract as <see cref="SubmitAsync(JobSubmission, CancellationToken)"/>.
    /// </summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="parameters">Request parameters (template variables).</param>
    /// <param name="priority">Higher runs first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new job's id.</returns>
    /// <exception cref="UnknownJobTypeException">Neither a compiled workflow nor a stored definition has that type; the message lists the known ones.</exception>
    /// <exception cref="JobTypeDisabledException">The stored definition is disabled.</exception>
    /// <exception cref="MissingParamsException">The definition's required_params are not all given (as params, job configs or host secrets).</exception>
    public Task<string> SubmitAsync(string jobType, IReadOnlyDictionary<string, string>? parameters = null, int priority = 0, CancellationToken cancellationToken = default) =>
        SubmitAsync(new JobSubmission(jobType) { Params = parameters ?? new Dictionary<string, string>(), Priority = priority }, cancellationToken);

    /// <summary>
    /// Submits a job of a known type: a compiled workflow of this host first, else the latest stored definition of
    /// that type (the job is pinned to that version).
    /// </summary>
    /// <param name="submission">The job type, parameters and options.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// The new job's id; with a <see cref="JobRequest.UserKey"/> that a job of the type still queued or running has
    /// (formicary's <c>user_key</c>), that job's id, and nothing is submitted.
    /// </returns>
    /// <exception cref="UnknownJobTypeException">Neither a compiled workflow nor a stored definition has that type.</exception>
    /// <exception cref="JobTypeDisabledException">The stored definition is disabled.</exception>
    /// <exception cref="MissingParamsException">The definition's required_params are not all given (as params, job configs or host secrets).</exception>
    public async Task<string> SubmitAsync(JobSubmission submission, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var (definition, version) = await ResolveAsync(submission.JobType, cancellationToken).ConfigureAwait(false);
        await CheckRequiredParamsAsync(definition, submission.Params, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(submission.UserKey))
        {
            return await RequestAsync(submission, definition, version, cancellationToken).ConfigureAwait(false);
        }

        await using var held = await jobs.LockUserKeyAsync(definition.JobType, submission.UserKey, cancellationToken).ConfigureAwait(false);
        return await jobs.ActiveByUserKeyAsync(definition.JobType, submission.UserKey, cancellationToken).ConfigureAwait(false)
            ?? await RequestAsync(submission, definition, version, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> RequestAsync(JobSubmission submission, JobDefinition definition, int? version, CancellationToken cancellationToken)
    {
        var id = submission.JobId ?? Guid.CreateVersion7().ToString("N");
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
    /// <exception cref="MissingParamsException">The definition's required_params are not all given (as params, job configs or host secrets).</exception>
    public async Task<string> SubmitAsync(JobDefinition definition, IReadOnlyDictionary<string, string>? parameters = null, int priority = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var problems = DefinitionChecks.Validate(definition);
        if (problems.Any(p => p.IsError))
        {
            throw new InvalidWorkflowDefinitionException(definition.JobType, problems.Where(p => p.IsError).ToList());
        }

        await CheckRequiredParamsAsync(definition, parameters ?? new Dictionary<string, string>(), cancellationToken).ConfigureAwait(false);
        var id = Guid.CreateVersion7().ToString("N");
        await jobs.ExecuteAsync(id, new RequestJob(id, definition, new JobRequest { Params = parameters ?? new Dictionary<string, string>(), Priority = priority }), cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>The job, or null when there is none with that id.</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<JobInfo?> GetAsync(string jobId, CancellationToken cancellationToken = default) =>
        await jobs.GetAsync(jobId, cancellationToken).ConfigureAwait(false) is { } view ? JobInfo.From(view) : null;

    /// <summary>Cancels a job: a queued one ends at once; a running one stops its tasks and runs its cleanup.</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task CancelAsync(string jobId, CancellationToken cancellationToken = default) => jobs.ExecuteAsync(jobId, new CancelJob(), cancellationToken);

    /// <summary>
    /// Retries a failed or cancelled job as <c>POST /api/jobs/requests/{id}/retry</c> does: a new job linked to it and
    /// to its lineage's root, decided by the same rules (docs/retries.md).
    /// </summary>
    /// <param name="jobId">The job to retry.</param>
    /// <param name="options">Parameters, resume, definition version; null for a plain retry.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new job's id, or null when there is no such job.</returns>
    /// <exception cref="JobRetryRefusedException">The rules refuse it (the job runs, a retry is in flight, …); the message says why.</exception>
    /// <exception cref="UnknownJobTypeException">With <see cref="RetryOptions.LatestDefinition"/>: the job type is no longer known.</exception>
    public async Task<string?> RetryAsync(string jobId, RetryOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RetryOptions();
        var view = await jobs.GetAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (view is null)
        {
            return null;
        }

        // In process the application is its own admin: ownership applies to API tokens.
        var request = new RetryRequest(Guid.CreateVersion7().ToString("N"), options.RequestedBy, IsAdmin: true, AsAdmin: true)
        {
            Params = options.Params,
            Resume = options.Resume,
            Definition = options.LatestDefinition ? await ResolveAsync(view.JobType, cancellationToken).ConfigureAwait(false) : null,
        };
        var decision = await jobs.RetryAsync(jobId, request, cancellationToken).ConfigureAwait(false);
        if (decision?.Refusal is { } refusal)
        {
            throw new JobRetryRefusedException(jobId, refusal);
        }

        return decision is null ? null : request.NewJobId;
    }

    /// <summary>A job's lineage: its root and the root's manual retries, oldest first; null when there is no such job.</summary>
    /// <param name="jobId">Any job of the lineage.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<JobLineage?> LineageAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var view = await jobs.GetAsync(jobId, cancellationToken).ConfigureAwait(false);
        var root = view?.RetryRoot is { } rootId ? await jobs.GetAsync(rootId, cancellationToken).ConfigureAwait(false) : view;
        if (root is null)
        {
            return null;
        }

        var lineage = new List<JobInfo> { JobInfo.From(root) };
        foreach (var retryId in root.RetryIds)
        {
            if (await jobs.GetAsync(retryId, cancellationToken).ConfigureAwait(false) is { } retry)
            {
                lineage.Add(JobInfo.From(retry));
            }
        }

        return new JobLineage(root.Id, lineage, await jobs.InFlightRetryAsync(root.Id, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Waits until the job completed, failed or was cancelled.</summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="timeout">How long to wait at most; null to wait until <paramref name="cancellationToken"/> is signalled.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The ended job.</returns>
    /// <exception cref="KeyNotFoundException">There is no such job.</exception>
    /// <exception cref="TimeoutException">It did not end within <paramref name="timeout"/>; the message says where it is.</exception>
    public async Task<JobInfo> WaitForEndAsync(string jobId, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var limit = timeout is { } wait ? new CancellationTokenSource(wait, jobs.Clock) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, cancellationToken);
        while (true)
        {
            var job = await GetAsync(jobId, cancellationToken).ConfigureAwait(false)
                ?? throw new KeyNotFoundException($"There is no job '{jobId}'; check the id SubmitAsync returned.");
            if (job.HasEnded)
            {
                return job;
            }

            try
            {
                await Task.Delay(PollInterval, jobs.Clock, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Job {job} did not end within {timeout}: tasks {string.Join("; ", job.Tasks)}.");
            }
        }
    }

    /// <summary>How often <see cref="WaitForEndAsync"/> reads the job.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Every required_param must be given, as a param, a job config or a host secret (formicary checks configs too).</summary>
    private async Task CheckRequiredParamsAsync(JobDefinition definition, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        var missing = definition.RequiredParams.Where(p => !parameters.ContainsKey(p)).ToList();
        if (missing.Count > 0)
        {
            var available = (await configs.ForAttemptAsync(definition.JobType, cancellationToken).ConfigureAwait(false)).Values;
            missing.RemoveAll(available.ContainsKey);
        }

        if (missing.Count > 0)
        {
            throw new MissingParamsException(definition.JobType, missing);
        }
    }
}
