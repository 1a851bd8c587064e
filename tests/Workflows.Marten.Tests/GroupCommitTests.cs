namespace Workflows.Marten.Tests;

/// <summary>Group commit (pure logic): writes waiting together are committed together, and a bad write fails alone.</summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task Writes_queued_during_a_commit_go_together_and_a_failing_one_fails_alone()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inCommit = 0;
        var committed = new List<int>();
        var commits = new GroupCommit<int>(async writes =>
        {
            Interlocked.Increment(ref inCommit);
            await gate.Task; // every committer is held until the test has queued its writes
            if (writes.Contains(-1))
            {
                throw new InvalidOperationException("bad write");
            }

            lock (committed)
            {
                committed.AddRange(writes);
            }
        });

        // Both committers (GroupCommit.MaxConcurrent) are busy: what is queued now waits, and is then taken in groups.
        var held = new List<Task>();
        for (var i = 0; i < GroupCommit<int>.MaxConcurrent; i++)
        {
            held.Add(commits.CommitAsync(100 + i));
            while (Volatile.Read(ref inCommit) <= i)
            {
                await Task.Delay(10);
            }
        }

        var good = Enumerable.Range(1, 10).Select(commits.CommitAsync).ToList();
        var bad = commits.CommitAsync(-1);
        gate.SetResult();

        await Task.WhenAll(held);
        await Task.WhenAll(good);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => bad);
        Assert.Equal("bad write", error.Message);
        Assert.Equal([.. Enumerable.Range(1, 10), .. Enumerable.Range(100, GroupCommit<int>.MaxConcurrent)], committed.Order());
        Assert.True(commits.LargestGroup > 1, $"the queued writes were committed one by one (largest group {commits.LargestGroup})");
    }
}
