using System.Collections.Generic;

namespace Workflows.Templates
{
    /// <summary>
    /// The job store as templates see it: what <c>CountByJobTypeAndState</c>, <c>SubmitJob</c> and
    /// <c>SubmitJobsFromJSON</c> call (formicary's <c>JobTemplateHelper</c>). The host implements it over its job store
    /// and its one submission path; a render without it (upload-time checks, <c>workflows validate</c>, the testing kit)
    /// counts 0 and submits nothing, as formicary does without a database.
    /// </summary>
    /// <remarks>Templates render synchronously: an implementation blocks the rendering thread while it reads or writes.</remarks>
    public interface ITemplateJobs
    {
        /// <summary>How many jobs of <paramref name="jobType"/> are in one of <paramref name="states"/>.</summary>
        /// <param name="jobType">The job type.</param>
        /// <param name="states">formicary's request states, upper case (<c>PENDING</c>, <c>EXECUTING</c>, …); at least one.</param>
        /// <returns>The count.</returns>
        /// <exception cref="TemplateRenderException">A state is not one of formicary's; the message lists them.</exception>
        long CountByJobTypeAndState(string jobType, IReadOnlyList<string> states);

        /// <summary>
        /// Submits a job as the API does (required params checked). The reserved params <c>_user_key</c> (a job of the
        /// type still queued or running with that key is answered instead of a new one) and <c>_parent_id</c> (the job
        /// that asked) are taken out of the params.
        /// </summary>
        /// <param name="jobType">The job type.</param>
        /// <param name="description">The job's description.</param>
        /// <param name="parameters">The params, with the reserved ones.</param>
        /// <returns>The job's id (the earlier job's for a user key in use).</returns>
        /// <exception cref="TemplateRenderException">It cannot be submitted (unknown or disabled type, missing params…); the message says why.</exception>
        string SubmitJob(string jobType, string description, IReadOnlyDictionary<string, string> parameters);
    }
}
