using Workflows.Marten;
using Workflows.Runtime;
using Workflows.Templates;

namespace Workflows.Hosting.Submissions;

/// <summary>
/// The host's job store as templates see it (formicary's <c>JobManager</c> as <c>JobTemplateHelper</c>): counts read
/// the job views; submissions go through <see cref="WorkflowClient.SubmitAsync(JobSubmission, CancellationToken)"/>,
/// as the API's do (type resolved, required params checked, user key deduplicated).
/// </summary>
/// <param name="client">Submits.</param>
/// <param name="jobs">Counts, and reads the parent.</param>
internal sealed class TemplateJobs(WorkflowClient client, JobStore jobs) : ITemplateJobs
{
    /// <summary>The params that set the request's <see cref="JobRequest.UserKey"/> and <see cref="JobRequest.ParentJobId"/> instead of being params.</summary>
    private const string UserKeyParam = "_user_key";

    private const string ParentParam = "_parent_id";

    public long CountByJobTypeAndState(string jobType, IReadOnlyList<string> states)
    {
        IReadOnlyCollection<JobStatus> statuses;
        try
        {
            statuses = FormicaryStates.ToStatuses(states);
        }
        catch (ArgumentException e)
        {
            throw new TemplateRenderException($"'CountByJobTypeAndState \"{jobType}\"': {e.Message.Split(" (Parameter", 2)[0]}");
        }

        return Run("CountByJobTypeAndState", () => jobs.CountAsync(jobType, statuses));
    }

    public string SubmitJob(string jobType, string description, IReadOnlyDictionary<string, string> parameters)
    {
        var submitted = new Dictionary<string, string>(StringComparer.Ordinal);
        string? userKey = null, parentId = null;
        foreach (var (name, value) in parameters)
        {
            switch (name)
            {
                case UserKeyParam:
                    userKey = value;
                    break;
                case ParentParam:
                    parentId = value;
                    break;
                default:
                    submitted[name] = value;
                    break;
            }
        }

        return Run($"SubmitJob \"{jobType}\"", async () =>
        {
            // The child belongs to whoever submitted the parent (formicary: the parent's user and organization).
            var parent = string.IsNullOrEmpty(parentId) ? null : await jobs.GetAsync(parentId).ConfigureAwait(false);
            return await client.SubmitAsync(new JobSubmission(jobType)
            {
                Params = submitted,
                Description = string.IsNullOrEmpty(description) ? null : description,
                UserKey = string.IsNullOrEmpty(userKey) ? null : userKey,
                ParentJobId = string.IsNullOrEmpty(parentId) ? null : parentId,
                SubmittedBy = parent?.SubmittedBy,
                SubmitterId = parent?.SubmitterId,
            }).ConfigureAwait(false);
        });
    }

    /// <summary>Runs a store call for a (synchronous) render; a refusal or an unreachable database fails the render, naming it.</summary>
    private static T Run<T>(string call, Func<Task<T>> work)
    {
        try
        {
            return Task.Run(work).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Unknown or disabled type, missing required params: the message names the fix.
            throw new TemplateRenderException(e.Message);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException)
        {
            throw new TemplateRenderException($"'{call}' could not reach the job store: {e.Message}");
        }
    }
}
