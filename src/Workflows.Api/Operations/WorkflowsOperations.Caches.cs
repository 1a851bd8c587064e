using Workflows.Api.Contracts;

namespace Workflows.Api.Operations;

public sealed partial class WorkflowsOperations
{
    /// <summary>The unexpired task caches, of one job type or of all, by job type then key (none when the host keeps no caches).</summary>
    /// <param name="jobType">Only this job type's, or all when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<ApiResult<IReadOnlyList<CacheDto>>> CachesAsync(string? jobType, CancellationToken cancellationToken = default)
    {
        if (caches is null)
        {
            return ApiResult<IReadOnlyList<CacheDto>>.Ok([]);
        }

        var list = await caches.ListCachesAsync(string.IsNullOrWhiteSpace(jobType) ? null : jobType.Trim(), cancellationToken).ConfigureAwait(false);
        return ApiResult<IReadOnlyList<CacheDto>>.Ok(list.Select(c => new CacheDto(c.JobType, c.Key, c.Sha256, c.Size, c.SavedAt, c.ExpiresAt, c.TaskType, c.JobId)).ToList());
    }
}
