namespace Workflows.Executors.Artifacts;

/// <summary>One stored artifact: a file a task produced, kept by content hash.</summary>
/// <param name="Id">Its id (job, task, attempt and name make it unique).</param>
/// <param name="JobId">The job run that produced it.</param>
/// <param name="TaskType">The task that produced it.</param>
/// <param name="Attempt">The task attempt.</param>
/// <param name="Name">Its path relative to the task's working directory (e.g. <c>date.txt</c>, <c>out/report.json</c>).</param>
/// <param name="Sha256">The content's SHA-256, lower-case hex (the blob's address).</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="CreatedAt">When it was stored.</param>
/// <param name="ExpiresAt">When it may be deleted (artifacts.expires_after), or null.</param>
public sealed record ArtifactInfo(
    string Id,
    string JobId,
    string TaskType,
    int Attempt,
    string Name,
    string Sha256,
    long Size,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt)
{
    /// <summary>
    /// Where the host's API serves it: <c>/api/jobs/requests/{job}/artifacts/{task}/{attempt}/{name}</c>, each part escaped
    /// (the name's folders kept as path segments). The artifact list's <c>url</c> and a later task's
    /// <c>&lt;task&gt;_ArtifactURL_&lt;n&gt;</c> both say this.
    /// </summary>
    public string ApiPath =>
        $"/api/jobs/requests/{Uri.EscapeDataString(JobId)}/artifacts/{Uri.EscapeDataString(TaskType)}/{Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{string.Join('/', Name.Split('/').Select(Uri.EscapeDataString))}";
}
