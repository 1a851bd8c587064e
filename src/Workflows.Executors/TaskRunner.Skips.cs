using Workflows.Executors.Secrets;
using Workflows.Definitions;
using Workflows.Templates;

namespace Workflows.Executors;

public sealed partial class TaskRunner
{
    /// <summary>
    /// Renders the task's <c>except</c> for this attempt, with the variables its script would see now; null when the task
    /// has none. The decider decides what the text means (<c>CheckExcept</c>).
    /// </summary>
    /// <param name="request">The started attempt.</param>
    /// <exception cref="TemplateRenderException">The template does not render; the message names it and the problem.</exception>
    public string? RenderExcept(AttemptRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Task.Except is not { } except
            ? null
            : TemplateRenderer.Render(except, new TemplateScope(TemplateVariables(request, Variables(request), time.GetUtcNow()), time.GetUtcNow(), new Random(), jobs));
    }

    /// <summary>
    /// Renders the job's <c>skip_if</c> as the job is about to start; null when it has none. Templates see what the job's
    /// first task would see before any task ran: the configs, the request's params, the job variables, <c>JobID</c>,
    /// <c>JobType</c>, <c>JobRetry</c>, <c>JobElapsedSecs</c> (0) and the date variables.
    /// </summary>
    /// <param name="jobId">The job run.</param>
    /// <param name="definition">Its pinned definition.</param>
    /// <param name="parameters">The request's params.</param>
    /// <param name="configs">The job type's configs and the host's secrets.</param>
    /// <param name="jobRetry">The job's retry counter.</param>
    /// <exception cref="TemplateRenderException">The template does not render; the message names it and the problem.</exception>
    public string? RenderSkipIf(string jobId, JobDefinition definition, IReadOnlyDictionary<string, string> parameters, AttemptConfigs configs, int jobRetry)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.SkipIf is not { } skipIf)
        {
            return null;
        }

        var variables = JobData(definition, configs, parameters);

        variables["JobID"] = jobId;
        variables["JobType"] = definition.JobType;
        variables["JobRetry"] = Text(jobRetry);
        variables["JobElapsedSecs"] = "0";
        return TemplateRenderer.Render(skipIf, new TemplateScope(variables, time.GetUtcNow(), new Random(), jobs));
    }
}
