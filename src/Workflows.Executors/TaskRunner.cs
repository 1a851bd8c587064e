using System.Globalization;
using Workflows.Definitions;
using Workflows.Executors.Artifacts;
using Workflows.Executors.Logs;
using Workflows.Executors.Secrets;
using Workflows.Templates;

namespace Workflows.Executors;

/// <summary>
/// Runs one attempt the way every method needs it: renders the task's templates for this attempt (Nonce,
/// JobElapsedSecs and Random differ per attempt), gathers the dependencies' artifacts, enforces the task's timeout
/// and the job's cancellation, and turns what the executor did into an <see cref="AttemptResult"/>.
/// </summary>
/// <param name="executors">The host's executors.</param>
/// <param name="time">The clock (timeouts and JobElapsedSecs).</param>
/// <param name="jobs">The job store of the templates' <c>CountByJobTypeAndState</c>, <c>SubmitJob</c> and <c>SubmitJobsFromJSON</c>; null: they count 0 and submit nothing.</param>
/// <param name="fanOutJobs">Forks the child jobs of a job-mode <c>fan_out</c>; null: such a task fails with <see cref="FanOut.FanOutErrors.JobsNotSupported"/>.</param>
/// <param name="caches">Where tasks' <c>cache</c> folders are kept between runs; null: they are not kept.</param>
public sealed partial class TaskRunner(TaskExecutors executors, TimeProvider time, ITemplateJobs? jobs = null, FanOut.IFanOutJobs? fanOutJobs = null, Caches.ICacheStore? caches = null)
{
    /// <summary>Runs the attempt to its end.</summary>
    /// <param name="request">The attempt.</param>
    /// <param name="log">Its log.</param>
    /// <param name="artifacts">The artifact store.</param>
    /// <param name="jobCancelled">Signalled when the job is cancelled: the attempt stops and ends <see cref="ExecutorErrors.Cancelled"/>.</param>
    /// <param name="stopping">Signalled when the host stops: the attempt stops and <see cref="OperationCanceledException"/> is thrown (nothing is recorded; the lease lets another worker run it again).</param>
    /// <exception cref="OperationCanceledException"><paramref name="stopping"/> was signalled.</exception>
    public async Task<AttemptResult> RunAsync(AttemptRequest request, ITaskLog log, IArtifactStore artifacts, CancellationToken jobCancelled, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(artifacts);
        if (!RetryOutput.IsNeeded(request.Task))
        {
            return await RunOnceAsync(request, log, artifacts, jobCancelled, stopping).ConfigureAwait(false);
        }

        var tail = new OutputTail(log);
        var result = await RunOnceAsync(request, tail, artifacts, jobCancelled, stopping).ConfigureAwait(false);
        return result with { OutputTail = tail.Tail };
    }

    private async Task<AttemptResult> RunOnceAsync(AttemptRequest request, ITaskLog log, IArtifactStore artifacts, CancellationToken jobCancelled, CancellationToken stopping)
    {
        var task = request.Task;
        var variables = Variables(request);
        RenderedTask rendered;
        try
        {
            // A fan-out renders per item, with the item's variable.
            rendered = task.FanOut is not null ? RenderedTask.Empty : Render(task, new TemplateScope(TemplateVariables(request, variables, time.GetUtcNow()), time.GetUtcNow(), new Random(), jobs));
        }
        catch (TemplateRenderException e)
        {
            log.Write(LogSource.System, e.Message);
            return new AttemptResult(null, ExecutorErrors.TemplateFailed, Message: $"Task '{task.TaskType}': {e.Message}");
        }

        var inputs = new List<ArtifactInfo>();
        foreach (var dependency in task.Dependencies)
        {
            inputs.AddRange(await artifacts.ListAsync(request.JobId, dependency, stopping).ConfigureAwait(false));
        }

        var capture = new OutputCapture(log);
        log = capture;
        var execution = new TaskExecution
        {
            JobId = request.JobId,
            JobType = request.Definition.JobType,
            Task = task,
            Attempt = request.Attempt,
            MaxAttempts = task.MaxAttempts,
            JobAttempt = request.JobAttempt,
            Rendered = rendered,
            Variables = variables,
            Exported = TaskExecution.ExportedVariables(request.Definition, task, variables, request.Params, request.Configs.Secrets),
            Params = request.Params,
            Secrets = request.Configs.Secrets,
            Log = log,
            Artifacts = request.Configs.SecretValues.Count > 0 ? new Secrets.MaskingArtifactStore(artifacts, request.Configs.SecretValues) : artifacts,
            Inputs = inputs,
            Caches = caches,
        };

        using var timeout = task.Timeout is { } limit ? new CancellationTokenSource(limit, time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, jobCancelled, stopping);
        try
        {
            var outcome = task.FanOut is { } fanOut
                ? await FanOutAsync(request, fanOut, execution, linked.Token, stopping).ConfigureAwait(false)
                : await executors.For(task).RunAsync(execution, linked.Token).ConfigureAwait(false);
            if (outcome.Message is { } message)
            {
                log.Write(LogSource.System, message);
            }

            var own = await WithArtifactUrlsAsync(request, artifacts, outcome.Outputs, log, stopping).ConfigureAwait(false);
            return new AttemptResult(outcome.ExitCode, outcome.ErrorCode, outcome.ExceptionType, Message: outcome.Message) { Outputs = Outputs(capture, own) };
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            stopping.ThrowIfCancellationRequested();
            if (jobCancelled.IsCancellationRequested)
            {
                log.Write(LogSource.System, "stopped: the job was cancelled");
                return new AttemptResult(null, ExecutorErrors.Cancelled, Message: "The job was cancelled while the task ran.") { Outputs = Outputs(capture, null) };
            }

            log.Write(LogSource.System, $"stopped: timed out after {task.Timeout}");
            return new AttemptResult(null, TimedOut: true, Message: $"Task '{task.TaskType}' ran past its timeout of {task.Timeout} and was stopped.") { Outputs = Outputs(capture, null) };
        }
#pragma warning disable CA1031 // An executor's failure is the attempt's outcome (recorded, retried by the rules), never a worker crash.
        catch (Exception e)
#pragma warning restore CA1031
        {
            log.Write(LogSource.System, $"executor failed: {e.GetType().Name}: {e.Message}");
            return new AttemptResult(null, ExecutorErrors.ExecutorFailed, Message: $"Task '{task.TaskType}': the executor failed: {e.Message}") { Outputs = Outputs(capture, null) };
        }
    }

    /// <summary>
    /// formicary's job context entries for the artifacts an attempt saved, <c>&lt;task&gt;_ArtifactURL_&lt;n&gt;</c> from 1 in the
    /// order they were saved: here each is the artifact's path on the host's API
    /// (<c>/api/jobs/requests/{id}/artifacts/{task}/{attempt}/{name}</c>). Only a task with <c>artifacts</c> is looked up.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, string>?> WithArtifactUrlsAsync(
        AttemptRequest request, IArtifactStore artifacts, IReadOnlyDictionary<string, string>? own, ITaskLog log, CancellationToken cancellationToken)
    {
        if (request.Task.Artifacts is null || request.Task.Artifacts.Paths.IsEmpty)
        {
            return own;
        }

        List<ArtifactInfo> saved;
        try
        {
            saved = (await artifacts.ListAsync(request.JobId, request.Task.TaskType, cancellationToken).ConfigureAwait(false))
                .Where(a => a.Attempt == request.Attempt)
                .OrderBy(a => a.CreatedAt).ThenBy(a => a.Name, StringComparer.Ordinal)
                .ToList();
        }
#pragma warning disable CA1031 // The entries are a convenience: a failed lookup must not turn the attempt's outcome into a failure.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            log.Write(LogSource.System, $"the artifacts' URLs were not set for later tasks: {e.Message}");
            return own;
        }

        if (saved.Count == 0)
        {
            return own;
        }

        var outputs = new Dictionary<string, string>(own ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        for (var i = 0; i < saved.Count; i++)
        {
            outputs[$"{saved[i].TaskType}_ArtifactURL_{Text(i + 1)}"] = saved[i].ApiPath;
        }

        return outputs;
    }

    /// <summary>What the attempt's stdout set, then what the executor set itself (which wins); null when nothing.</summary>
    private static Dictionary<string, string>? Outputs(OutputCapture capture, IReadOnlyDictionary<string, string>? own)
    {
        var outputs = new Dictionary<string, string>(capture.Outputs, StringComparer.Ordinal);
        foreach (var (name, value) in own ?? new Dictionary<string, string>())
        {
            outputs[name] = value;
        }

        return outputs.Count == 0 ? null : outputs;
    }

    /// <summary>
    /// The attempt's data, later entries winning, in formicary's order (FORMICARY-FORMAT §6.2): job variables, configs
    /// (the host's secrets, the job type's configs), request params, the outputs of the tasks before it, the task's
    /// variables. A request param overrides a job variable's default, as formicary's examples do (<c>-p regions=[…]</c>).
    /// </summary>
    private static Dictionary<string, string> Variables(AttemptRequest request)
    {
        var variables = JobData(request.Definition, request.Configs, request.Params);

        foreach (var (name, value) in request.Context)
        {
            variables[name] = value;
        }

        foreach (var variable in request.Task.Variables)
        {
            variables[variable.Name] = variable.Value;
        }

        return variables;
    }

    /// <summary>Job variables, then configs, then request params (later winning): what a job's templates see before any task ran.</summary>
    private static Dictionary<string, string> JobData(JobDefinition definition, AttemptConfigs? configs, IReadOnlyDictionary<string, string>? parameters)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in definition.JobVariables)
        {
            variables[variable.Name] = variable.Value;
        }

        foreach (var (name, value) in configs?.Values ?? AttemptConfigs.Empty.Values)
        {
            variables[name] = value;
        }

        foreach (var (name, value) in parameters ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        return variables;
    }

    /// <summary>What templates see: the attempt's data, then the runtime's own (JobID, JobType, JobRetry, JobElapsedSecs, TaskType, TaskRetry, Nonce).</summary>
    private static Dictionary<string, string> TemplateVariables(AttemptRequest request, Dictionary<string, string> data, DateTimeOffset now)
    {
        var variables = new Dictionary<string, string>(data, StringComparer.Ordinal);
        variables["JobID"] = request.JobId;
        variables["JobType"] = request.Definition.JobType;
        variables["JobRetry"] = Text(request.JobRetry);
        variables["JobElapsedSecs"] = Text((long)Math.Max(0, (now - (request.JobStartedAt ?? now)).TotalSeconds));
        variables["TaskType"] = request.Task.TaskType;
        variables["TaskRetry"] = Text(request.Attempt - 1);
        variables["Nonce"] = Guid.NewGuid().ToString("N");
        return variables;
    }

    /// <summary>
    /// The task's templates rendered for an attempt, exactly as <see cref="RunAsync"/> renders them before running it
    /// (the testing kit shows them without running anything).
    /// </summary>
    /// <param name="request">The attempt.</param>
    /// <param name="now">The attempt's time (JobElapsedSecs, date functions).</param>
    /// <param name="random">The source of <c>Random</c> (seed it for a repeatable render).</param>
    /// <exception cref="TemplateRenderException">A template failed to render.</exception>
    public static RenderedTask Render(AttemptRequest request, DateTimeOffset now, Random random)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Render(request.Task, new TemplateScope(TemplateVariables(request, Variables(request), now), now, random));
    }

    private static RenderedTask Render(TaskDefinition task, TemplateScope scope)
    {
        string One(string text) => TemplateRenderer.IsTemplate(text) ? TemplateRenderer.Render(text, scope) : text;
        List<string> Lines(IEnumerable<string> lines) => lines.Select(One).SelectMany(SplitLines).ToList();
        List<KeyValuePair<string, string>> Pairs(IEnumerable<NamedValue> values) => values.Select(v => KeyValuePair.Create(v.Name, One(v.Value))).ToList();
        return new RenderedTask(
            Lines(task.BeforeScript),
            Lines(task.Script),
            Lines(task.AfterScript),
            task.Url is null ? null : One(task.Url).Trim(),
            Pairs(task.Environment),
            Pairs(task.Headers),
            Pairs(task.Query))
        {
            CacheKey = task.Cache?.Key is { } key && !string.IsNullOrWhiteSpace(key) ? One(key).Trim() : null,
        };
    }

    /// <summary>A rendered line may hold several (a template that chose between list items); blank lines are dropped, as formicary does.</summary>
    private static IEnumerable<string> SplitLines(string text) =>
        text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l.Trim());

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
