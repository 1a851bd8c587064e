namespace Workflows.Marten.Tests;

/// <summary>The claims these tests look at, without the streams a worker reads with them.</summary>
internal static class Claims
{
    public static Task<IReadOnlyList<ClaimedTask>> ClaimDueAsync(this JobStore jobs, string worker, int max, TimeSpan lease, IReadOnlyCollection<string>? queues = null) =>
        jobs.ClaimDueAsync(worker, max, 1, lease, queues);

    public static async Task<IReadOnlyList<ClaimedTask>> ClaimDueAsync(this JobStore jobs, string worker, int max, int maxAttempts, TimeSpan lease, IReadOnlyCollection<string>? queues) =>
        (await jobs.ClaimWorkAsync(worker, max, maxAttempts, lease, queues)).Select(i => i.Claim).ToList();
}
